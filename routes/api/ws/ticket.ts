import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { issueTicket, TICKET_TTL_MS } from "../../../services/realtime/tickets.ts";
import { json } from "../../../http/api.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async POST(_req, ctx) {
    const caller = requireCaller(ctx.state.session);
    const ticket = await issueTicket(ctx.state.app, caller);
    return json({ ticket, expiresIn: TICKET_TTL_MS / 1000 }, { status: 201, headers: { "cache-control": "no-store" } });
  },
};
