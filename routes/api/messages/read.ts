import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { markRead } from "../../../services/messages.ts";
import { readJson } from "../../../http/api.ts";
import { messagesReadBody } from "../../../services/schemas.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async POST(req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    const body = await readJson(req, messagesReadBody);
    await markRead(domainDeps(ctx.state.app), user, body.with);
    return new Response(null, { status: 204 });
  },
};
