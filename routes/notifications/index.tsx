import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { domainDeps } from "../../services/app.ts";
import { listProblem } from "../../http/pages.ts";
import { listNotifications } from "../../services/notifications.ts";
import { NotificationsPage, type NotificationsPageProps } from "../../components/NotificationsPage.tsx";
import { takeFlash } from "../../http/flash.ts";
import { NO_STORE, signInFirst } from "../../http/forms.ts";
import { notificationJson } from "../../http/serialize.ts";
import { csrfToken } from "../../http/session.ts";

export const handler: Handlers<NotificationsPageProps, AppState> = {
  async GET(req, ctx) {
    const caller = ctx.state.session.caller;
    if (!caller) return signInFirst("/notifications");
    const cursor = ctx.url.searchParams.get("cursor") || undefined;
    const data: NotificationsPageProps = {
      csrf: await csrfToken(ctx.state.app, ctx.state.session),
      flash: takeFlash(req, ctx),
      items: [],
      unreadCount: 0,
      nextCursor: null,
      paged: cursor !== undefined,
    };
    try {
      const page = await listNotifications(domainDeps(ctx.state.app), caller.user, { limit: 20, cursor });
      Object.assign(data, {
        items: page.items.map(notificationJson),
        unreadCount: page.unreadCount,
        nextCursor: page.nextCursor,
      });
    } catch (err) {
      const failure = listProblem(err, "page");
      if (!failure) throw err;
      data.problem = failure.problem;
      return ctx.render(data, { status: failure.status, headers: NO_STORE });
    }
    return ctx.render(data, { headers: NO_STORE });
  },
};

export default function Notifications({ data }: PageProps<NotificationsPageProps>) {
  return <NotificationsPage {...data} />;
}
