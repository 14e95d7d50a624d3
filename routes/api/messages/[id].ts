import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { getMessage } from "../../../services/messages.ts";
import { messageJson } from "../../../services/realtime/events.ts";
import { json } from "../../../http/api.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    return json(messageJson(await getMessage(domainDeps(ctx.state.app), user, ctx.params.id)));
  },
};
