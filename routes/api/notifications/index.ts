import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { listNotifications } from "../../../services/notifications.ts";
import { json, readQuery } from "../../../http/api.ts";
import { notificationsQuery } from "../../../services/schemas.ts";
import { notificationJson } from "../../../http/serialize.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    const query = readQuery(ctx.url, notificationsQuery);
    const page = await listNotifications(domainDeps(ctx.state.app), user, query);
    return json({
      items: page.items.map(notificationJson),
      nextCursor: page.nextCursor,
      unreadCount: page.unreadCount,
    });
  },
};
