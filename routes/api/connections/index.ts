import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { type ConnectionView, invite, listConnections } from "../../../services/connections.ts";
import { json, readJson, readQuery } from "../../../http/api.ts";
import { answer, idempotent } from "../../../http/idempotency.ts";
import { connectionBody, connectionsQuery } from "../../../services/schemas.ts";
import { connectionJson } from "../../../http/serialize.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    const query = readQuery(ctx.url, connectionsQuery);
    const page = await listConnections(domainDeps(ctx.state.app), user, query);
    return json({ items: page.items.map(connectionJson), nextCursor: page.nextCursor });
  },
  async POST(req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    const body = await readJson(req, connectionBody);
    const created = (view: ConnectionView) =>
      answer(201, connectionJson(view), `/api/connections/${view.connection.id}`);
    return await idempotent(req, ctx.state.app.store, user.id, body, async (claim) => {
      return created(await invite(domainDeps(ctx.state.app), user, body, claim?.answering(created)));
    });
  },
};
