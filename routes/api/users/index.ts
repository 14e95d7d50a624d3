import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { listMembers } from "../../../services/users.ts";
import { json, readQuery } from "../../../http/api.ts";
import { usersQuery } from "../../../services/schemas.ts";
import { userSummary } from "../../../http/serialize.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    requireCaller(ctx.state.session);
    const query = readQuery(ctx.url, usersQuery);
    const page = await listMembers(domainDeps(ctx.state.app), query);
    return json({ items: page.items.map(userSummary), nextCursor: page.nextCursor });
  },
};
