import { Head } from "$fresh/runtime.ts";
import { Avatar } from "./Avatar.tsx";
import { CsrfField, FOCUS, LINK, Notice, ProblemNotice } from "./forms.tsx";
import type { NetworkMember } from "./NetworkPage.tsx";

export interface NotificationItem {
  id: string;
  type: "invitation:received" | "invitation:accepted" | "message:received";
  actor: NetworkMember;
  read: boolean;
  createdAt: string;
}

export interface NotificationsPageProps {
  csrf: string;
  flash: string | null;
  items: NotificationItem[];
  unreadCount: number;
  nextCursor: string | null;
  paged: boolean;
  problem?: string;
}

/** The sentence and the place a notification leads to. */
function describe(n: NotificationItem): { text: string; href: string } {
  const name = `${n.actor.firstName} ${n.actor.lastName}`;
  const profile = `/in/${encodeURIComponent(n.actor.id)}`;
  switch (n.type) {
    case "invitation:received":
      return { text: `${name} invited you to connect.`, href: "/network" };
    case "invitation:accepted":
      return { text: `${name} accepted your invitation. You are now connected.`, href: profile };
    case "message:received":
      return { text: `${name} sent you a message.`, href: profile };
  }
}

// Formatters made once: toLocaleString and its kin build a new ICU formatter at every call (30 µs for a time).
const WHEN = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

function When(props: { at: string }) {
  const label = WHEN.format(new Date(props.at));
  return <time datetime={props.at} class="text-sm text-gray-600">{label} UTC</time>;
}

/** Notifications, newest first; unread ones stand out, and one button marks them all read. */
export function NotificationsPage(props: NotificationsPageProps) {
  return (
    <>
      <Head>
        <title>Notifications — Prok</title>
      </Head>
      <div class="mx-auto max-w-2xl">
        <div class="flex flex-wrap items-center gap-4">
          <h1 class="flex-1 text-2xl font-bold text-gray-900">Notifications</h1>
          {props.unreadCount > 0 && (
            <form method="post" action="/notifications/read">
              <CsrfField token={props.csrf} />
              <button
                type="submit"
                class={`rounded-full border border-brand-700 px-4 py-1.5 font-semibold text-brand-700 hover:bg-brand-50 ${FOCUS}`}
              >
                Mark all as read
              </button>
            </form>
          )}
        </div>
        {props.flash && <Notice>{props.flash}</Notice>}
        {props.problem && (
          <ProblemNotice back={{ href: "/notifications", label: "Go to the newest" }}>{props.problem}</ProblemNotice>
        )}
        {props.items.length === 0 && !props.problem
          ? <p class="mt-6 text-gray-700">{props.paged ? "There are no earlier notifications." : "Nothing new yet."}</p>
          : (
            <ol class="mt-6 divide-y divide-gray-200 rounded-lg border border-gray-200 bg-white shadow-sm">
              {props.items.map((n) => {
                const { text, href } = describe(n);
                return (
                  <li key={n.id} class={`flex items-start gap-4 p-4 ${n.read ? "" : "bg-brand-50"}`}>
                    <Avatar
                      firstName={n.actor.firstName}
                      lastName={n.actor.lastName}
                      pictureUrl={n.actor.profilePictureUrl}
                      size="sm"
                    />
                    <div class="min-w-0 flex-1">
                      <a href={href} class={`break-words text-gray-900 hover:underline ${FOCUS}`}>
                        {n.read ? text : <strong>{text}</strong>}
                      </a>
                      {!n.read && <span class="sr-only">(unread)</span>}
                      <p>
                        <When at={n.createdAt} />
                      </p>
                    </div>
                  </li>
                );
              })}
            </ol>
          )}
        {(props.nextCursor || props.paged) && (
          <p class="mt-6 flex flex-wrap gap-6">
            {props.nextCursor && (
              <a href={`/notifications?cursor=${encodeURIComponent(props.nextCursor)}`} class={LINK}>Show earlier</a>
            )}
            {props.paged && <a href="/notifications" class={LINK}>Back to the newest</a>}
          </p>
        )}
      </div>
    </>
  );
}
