import type { FreshContext } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import { SiteFooter } from "../components/SiteFooter.tsx";
import { SiteHeader } from "../components/SiteHeader.tsx";
import { csrfToken } from "../http/session.ts";

// Async so that a signed-in member's header can carry the CSRF token of its sign-out form and the unread count. The
// state may be partial on the 500 page (the error can come before the session is known).
export default async function Layout(_req: Request, ctx: FreshContext<Partial<AppState>>) {
  const Component = ctx.Component;
  const { app, session } = ctx.state;
  const user = session?.caller?.user;
  const csrf = user && app && session ? await csrfToken(app, session) : undefined;
  const unread = session?.caller?.unreadNotifications ?? 0;
  return (
    <>
      <SiteHeader member={user && { id: user.id, firstName: user.firstName }} csrf={csrf} unread={unread} />
      <main id="main" class="flex-1 w-full max-w-5xl mx-auto px-4 py-8">
        <Component />
      </main>
      <SiteFooter />
    </>
  );
}
