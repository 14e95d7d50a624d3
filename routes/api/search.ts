import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { searchDeps } from "../../services/app.ts";
import { searchSite } from "../../services/site_search.ts";
import { json, readQuery } from "../../http/api.ts";
import { searchQuery } from "../../services/schemas.ts";
import { hitJson } from "../../http/serialize.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const query = readQuery(ctx.url, searchQuery);
    const page = await searchSite(searchDeps(ctx.state.app), ctx.state.session.caller?.user ?? null, query);
    return json({ items: page.items.map(hitJson), nextCursor: page.nextCursor });
  },
};
