import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { onLive, startLiveSocket } from "../components/live_socket.ts";

export interface NotificationBellProps {
  /** Unread notifications when the page was rendered (capped at 100 by the server). */
  unread: number;
  /** This visitor's CSRF token, for marking the listed notifications read. */
  csrf: string;
}

interface Item {
  id: string | null;
  type: "invitation:received" | "invitation:accepted" | "message:received";
  actor: { id: string; firstName: string; lastName: string };
  read: boolean;
}

const LINK =
  "relative inline-flex items-center gap-1 rounded px-2 py-1 text-sm font-medium text-gray-700 hover:underline focus:outline-none focus:ring-2 focus:ring-brand-600";

function badge(count: number): string {
  return count > 99 ? "99+" : String(count);
}

function sentence(n: Item): string {
  const name = `${n.actor.firstName} ${n.actor.lastName}`;
  if (n.type === "invitation:received") return `${name} invited you to connect.`;
  if (n.type === "invitation:accepted") return `${name} accepted your invitation.`;
  return `${name} sent you a message.`;
}

function href(n: Item): string {
  if (n.type === "invitation:received") return "/network";
  if (n.type === "message:received") return `/messaging/${encodeURIComponent(n.actor.id)}`;
  return `/in/${encodeURIComponent(n.actor.id)}`;
}

/**
 * The header's notifications: a link to /notifications with the unread count, which JavaScript keeps live over the
 * page's socket and turns into a short list on click (the listed ones are then marked read).
 */
export default function NotificationBell(props: NotificationBellProps) {
  const unread = useSignal(props.unread);
  const open = useSignal(false);
  const items = useSignal<Item[] | null>(null);
  const failed = useSignal(false);

  useEffect(() => {
    startLiveSocket();
    // One unread message notification per sender: further messages from them do not add to the count, and the
    // Chat island reading their conversation takes it away.
    const senders = new Set<string>();
    const stops = [
      onLive("notification", (data) => {
        const n = data.notification as Item;
        if (n.type === "message:received") {
          if (senders.has(n.actor.id)) return;
          senders.add(n.actor.id);
        }
        unread.value++;
        if (items.value) items.value = [n, ...items.value].slice(0, 5);
      }),
      onLive("local:conversation-read", (data) => {
        if (senders.delete(data.with as string)) unread.value = Math.max(0, unread.value - 1);
      }),
      // The server's pub/sub was away and is back: notifications were missed, so the count comes from the store.
      onLive("resync", () => {
        fetch("/api/notifications?limit=5")
          .then((res) => res.ok ? res.json() : null)
          .then((page) => {
            if (!page) return;
            unread.value = page.unreadCount;
            if (items.value) items.value = page.items;
          })
          .catch(() => {}); // the next page load counts them
      }),
    ];
    return () => stops.forEach((stop) => stop());
  }, []);

  async function toggle(e: Event) {
    e.preventDefault();
    open.value = !open.value;
    if (!open.value) return;
    failed.value = false;
    try {
      const res = await fetch("/api/notifications?limit=5");
      if (!res.ok) throw new Error(String(res.status));
      const page = await res.json();
      items.value = page.items;
      unread.value = page.unreadCount;
      const ids = (page.items as Item[]).filter((n) => !n.read && n.id).map((n) => n.id);
      if (ids.length === 0) return;
      const read = await fetch("/api/notifications/read", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": props.csrf },
        body: JSON.stringify({ ids }),
      });
      if (read.ok) unread.value = Math.max(0, page.unreadCount - ids.length);
    } catch {
      failed.value = true;
    }
  }

  return (
    <div class="relative">
      <a
        href="/notifications"
        class={LINK}
        onClick={toggle}
        aria-expanded={open.value ? "true" : "false"}
        aria-controls="notification-list"
      >
        Notifications
        {unread.value > 0 && (
          <span class="rounded-full bg-red-700 px-1.5 text-xs font-bold text-white">
            {badge(unread.value)}
            <span class="sr-only">unread</span>
          </span>
        )}
      </a>
      {open.value && (
        <div
          id="notification-list"
          class="absolute right-0 z-10 mt-2 w-72 rounded-md border border-gray-200 bg-white p-2 shadow-lg"
        >
          {failed.value
            ? <p class="p-2 text-sm text-red-800">Notifications could not be loaded.</p>
            : items.value === null
            ? <p class="p-2 text-sm text-gray-700">Loading…</p>
            : items.value.length === 0
            ? <p class="p-2 text-sm text-gray-700">Nothing new yet.</p>
            : (
              <ul>
                {items.value.map((n, i) => (
                  <li key={n.id ?? i}>
                    <a
                      href={href(n)}
                      class={`block rounded p-2 text-sm hover:bg-gray-100 ${
                        n.read ? "text-gray-700" : "font-semibold text-gray-900"
                      }`}
                    >
                      {sentence(n)}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          <a href="/notifications" class="block p-2 text-sm font-semibold text-brand-700 underline">
            See all notifications
          </a>
        </div>
      )}
    </div>
  );
}
