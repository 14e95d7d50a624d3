import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { AuthenticationError, ForbiddenError } from "../../../services/errors.ts";
import { redeemTicket } from "../../../services/realtime/tickets.ts";
import { HttpProblem } from "../../../http/api.ts";

/** Deno pings an idle socket after this many seconds and drops it when no pong comes back: dead links go. */
const IDLE_TIMEOUT_S = 30;

// The WebSocket (API.md): the session cookie or a ticket, from the site's own pages only, then the hub's.
export const handler: Handlers<unknown, AppState> = {
  async GET(req, ctx) {
    const { app, session } = ctx.state;
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      throw new HttpProblem(400, "Bad Request", "This address only speaks WebSocket.");
    }
    const origin = req.headers.get("origin");
    const ticket = ctx.url.searchParams.get("ticket");
    // A browser always sends Origin; a cross-site page must not ride on the member's cookie. Non-browser clients
    // (tickets) may send none.
    if ((origin !== null || !ticket) && origin !== (app.config.origin ?? ctx.url.origin)) {
      app.log({ msg: "websocket refused", reason: "origin", origin, ip: ctx.state.ip });
      throw new ForbiddenError("WebSockets open from Prok's own pages only.");
    }
    const caller = ticket !== null
      ? await redeemTicket(app.store, ticket)
      : session.via === "cookie"
      ? session.caller
      : null;
    if (!caller) throw new AuthenticationError("Sign in, or bring a ticket from POST /api/ws/ticket.");
    const { socket, response } = Deno.upgradeWebSocket(req, { idleTimeout: IDLE_TIMEOUT_S });
    await app.hub.accept(socket, caller.user, caller.session.id);
    return response;
  },
};
