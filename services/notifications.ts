// Notifications: what a member is told about (invitations received and accepted, messages). The store writes them
// in the same commit as what they are about; this module lists them and marks them read, for their owner only.
import { membersById } from "./members.ts";
import { decodeCursor, encodeCursor, isPosition } from "./store/cursor.ts";
import type { Notification, User } from "./store/model.ts";
import type { MembersPort } from "./store/ports/members.ts";
import type { NotificationsPort } from "./store/ports/network.ts";

/** The storage ports this module uses. */
type Store = NotificationsPort & MembersPort;

export interface NotificationsDeps {
  store: Store;
  cursorKey: Uint8Array;
}

export interface NotificationView {
  notification: Notification;
  actor: User;
}

/** Unread counts stop here: the header shows "99+", and counting further would cost a read per notification. */
export const UNREAD_CAP = 100;

export async function listNotifications(
  deps: NotificationsDeps,
  caller: User,
  query: { limit: number; cursor?: string },
): Promise<{ items: NotificationView[]; nextCursor: string | null; unreadCount: number }> {
  const after = query.cursor ? decodeCursor(deps.cursorKey, "notifications", query.cursor, isPosition) : undefined;
  const [page, unreadCount] = await Promise.all([
    deps.store.listNotifications(caller.id, { limit: query.limit, after }),
    deps.store.countUnreadNotifications(caller.id, UNREAD_CAP),
  ]);
  const actors = await membersById(deps.store, page.items.map((n) => n.actorId));
  return {
    // One whose actor deleted their account has nobody to show; it is skipped, as their posts are.
    items: page.items.flatMap((notification) => {
      const actor = actors.get(notification.actorId);
      return actor ? [{ notification, actor }] : [];
    }),
    nextCursor: page.next ? encodeCursor(deps.cursorKey, "notifications", page.next) : null,
    unreadCount,
  };
}

/** Marks the caller's notifications among `ids` read (all of them without `ids`); others' ids change nothing. */
export async function markRead(store: Store, caller: User, ids?: string[]): Promise<void> {
  await store.markNotificationsRead(caller.id, ids);
}
