import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { markRead } from "../../../services/notifications.ts";
import { readJson } from "../../../http/api.ts";
import { notificationsReadBody } from "../../../services/schemas.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async POST(req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    const { ids } = await readJson(req, notificationsReadBody);
    await markRead(ctx.state.app.store, user, ids);
    return new Response(null, { status: 204 });
  },
};
