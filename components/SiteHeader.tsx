import NotificationBell from "../islands/NotificationBell.tsx";

const LINK =
  "text-sm font-medium text-gray-700 hover:underline focus:outline-none focus:ring-2 focus:ring-brand-600 rounded px-2 py-1";

export interface HeaderMember {
  id: string;
  firstName: string;
}

/**
 * Signed out: sign in and join. Signed in: the feed, the member's network, messaging, notifications with the unread
 * count (the NotificationBell island), the member's name (their profile), settings, and a sign-out button.
 */
export function SiteHeader(props: { member?: HeaderMember; csrf?: string; unread?: number }) {
  const { member, csrf } = props;
  const unread = props.unread ?? 0;
  return (
    <header class="bg-white border-b border-gray-200">
      <a
        href="#main"
        class="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <nav
        aria-label="Main"
        class="max-w-5xl mx-auto flex flex-wrap items-center gap-x-1 gap-y-1 px-4 py-2 min-h-[3.5rem]"
      >
        <a
          href="/"
          class="mr-2 text-xl font-bold text-brand-700 focus:outline-none focus:ring-2 focus:ring-brand-600 rounded"
        >
          Prok
        </a>
        <form method="get" action="/search" role="search" class="order-last w-full sm:order-none sm:w-auto">
          <label for="header-search" class="sr-only">Search people, posts and jobs</label>
          <input
            id="header-search"
            name="q"
            type="search"
            placeholder="Search"
            maxLength={100}
            class="w-full rounded-md border border-gray-400 bg-gray-50 px-3 py-1 text-sm focus:outline-none focus:ring-2 focus:ring-brand-600 sm:w-40"
          />
        </form>
        <a href="/jobs" class={LINK}>Jobs</a>
        {member && (
          <>
            <a href="/feed" class={LINK}>Feed</a>
            <a href="/network" class={LINK}>My network</a>
            <a href="/messaging" class={LINK}>Messaging</a>
            <NotificationBell unread={unread} csrf={csrf ?? ""} />
          </>
        )}
        <span class="flex-1" />
        {member
          ? (
            <>
              <a href={`/in/${encodeURIComponent(member.id)}`} class={`${LINK} max-w-[12rem] truncate`}>
                <span class="sr-only">Your profile:</span>
                {member.firstName}
              </a>
              <a href="/settings" class={LINK}>Settings</a>
              {csrf && (
                <form method="post" action="/logout">
                  <input type="hidden" name="_csrf" value={csrf} />
                  <button
                    type="submit"
                    class="text-sm font-semibold text-brand-700 border border-brand-700 hover:bg-brand-50 rounded-full px-4 py-1.5 focus:outline-none focus:ring-2 focus:ring-offset-2 focus:ring-brand-600"
                  >
                    Sign out
                  </button>
                </form>
              )}
            </>
          )
          : (
            <>
              <a href="/login" class={LINK}>Sign in</a>
              <a
                href="/register"
                class="text-sm font-semibold text-white bg-brand-700 hover:bg-brand-800 rounded-full px-4 py-1.5 focus:outline-none focus:ring-2 focus:ring-offset-2 focus:ring-brand-600"
              >
                Join now
              </a>
            </>
          )}
      </nav>
    </header>
  );
}
