import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { suggestConnections } from "../../../services/suggestions.ts";
import { json, readQuery } from "../../../http/api.ts";
import { suggestionsQuery } from "../../../services/schemas.ts";
import { suggestionJson } from "../../../http/serialize.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    const { limit } = readQuery(ctx.url, suggestionsQuery);
    const items = await suggestConnections(ctx.state.app.store, user, limit);
    return json({ items: items.map(suggestionJson) });
  },
};
