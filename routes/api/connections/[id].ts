import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { removeConnection, respond } from "../../../services/connections.ts";
import { json, readJson } from "../../../http/api.ts";
import { connectionAnswer } from "../../../services/schemas.ts";
import { connectionJson } from "../../../http/serialize.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async PUT(req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    const { status } = await readJson(req, connectionAnswer);
    return json(connectionJson(await respond(domainDeps(ctx.state.app), user, ctx.params.id, status)));
  },
  async DELETE(_req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    await removeConnection(domainDeps(ctx.state.app), user, ctx.params.id);
    return new Response(null, { status: 204 });
  },
};
