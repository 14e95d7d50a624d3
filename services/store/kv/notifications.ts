// Notifications on Deno KV: the record, its unread key and its by-subject key, written together by
// writeNotification. They are created and deleted with the connection they are about (connections.ts), or created
// and moved with the messages they are about (messages.ts), in the same commit; here they are listed, counted and
// marked read.
import type { Notification, NotificationPosition, NotificationsPage } from "../model.ts";
import type { NewNotification } from "../../rules/notifications.ts";
import { isId, newId } from "./ids.ts";
import * as keys from "./keys.ts";
import { checkLimit, commitOrRetry, type Ctx, getEntries, lostRaces, MAX_TRIES } from "./shared.ts";

/** Notifications one mark-read commit changes: each is checked, and KV allows 100 checks per atomic. */
const MARK_BATCH = 50;

/**
 * The one place a notification is written: adds to `op` the record, its unread key while unread and its
 * by-subject key; a null `after` deletes all three (`before` then only needs to name them).
 */
export function writeNotification(
  op: Deno.AtomicOperation,
  before: keys.NotificationRef | null,
  after: Notification | null,
): Deno.AtomicOperation {
  const [record, unread, bySubject] = keys.notificationKeys(after ?? before!);
  if (!after) return op.delete(record).delete(unread).delete(bySubject);
  op.set(record, after);
  if (after.read) op.delete(unread);
  else op.set(unread, true);
  if (!before) op.set(bySubject, true);
  return op;
}

/**
 * Writes a new notification under an id of its own: ids are time-ordered, so the id names the millisecond of its
 * createdAt (a later one when this process already issued ids past it).
 */
export function addNotification(op: Deno.AtomicOperation, notice: NewNotification): Deno.AtomicOperation {
  const { id, ms } = newId(notice.createdAt.getTime());
  return writeNotification(op, null, { ...notice, id, createdAt: new Date(ms) });
}

/** The notifications about a record (a connection): what deleting it deletes. */
export async function notificationsAbout(ctx: Ctx, subjectId: string): Promise<keys.NotificationRef[]> {
  const refs: keys.NotificationRef[] = [];
  for await (const { key } of ctx.kv.list({ prefix: keys.notificationsAbout(subjectId) })) {
    refs.push({ subjectId, userId: key[2] as string, id: key[3] as string });
  }
  return refs;
}

/**
 * Newest first, keyset-paginated. Ids are time-ordered, so the record keys are in creation order and a position's
 * id alone says where to go on.
 */
export async function listNotifications(
  ctx: Ctx,
  userId: string,
  query: { limit: number; after?: NotificationPosition },
): Promise<NotificationsPage> {
  const { limit, after } = query;
  checkLimit("listNotifications", limit);
  if (!isId(userId)) return { items: [], next: null };
  const prefix = keys.notifications(userId);
  const selector = after ? { prefix, end: keys.notification(userId, after.id) } : { prefix };
  const items: Notification[] = [];
  const batchSize = Math.min(limit + 1, 500);
  for await (const { value } of ctx.kv.list<Notification>(selector, { reverse: true, limit: limit + 1, batchSize })) {
    items.push(value);
  }
  if (items.length <= limit) return { items, next: null };
  items.length = limit;
  const last = items[limit - 1];
  return { items, next: { createdAt: last.createdAt.getTime(), id: last.id } };
}

/** Unread notifications, counted up to `cap`: one read of at most `cap` keys. */
export async function countUnreadNotifications(ctx: Ctx, userId: string, cap: number): Promise<number> {
  checkLimit("countUnreadNotifications", cap);
  if (!isId(userId)) return 0;
  let count = 0;
  const list = ctx.kv.list({ prefix: keys.unreadNotifications(userId) }, { limit: cap, batchSize: Math.min(cap, 500) });
  for await (const _ of list) count++;
  return count;
}

/**
 * Marks the member's notifications among `ids` read, or all of their unread ones when `ids` is absent. Reading the
 * records under the member's own key is what leaves others' untouched. Each commit checks the records it changes,
 * so a notification deleted meanwhile (its connection withdrawn, or moved to a newer message) is never
 * written back.
 */
export async function markNotificationsRead(ctx: Ctx, userId: string, ids?: string[]): Promise<void> {
  if (!isId(userId)) return;
  if (ids) {
    const wanted = [...new Set(ids)].filter(isId);
    for (let start = 0; start < wanted.length; start += MARK_BATCH) {
      await markRead(ctx, wanted.slice(start, start + MARK_BATCH).map((id) => keys.notification(userId, id)));
    }
    return;
  }
  for (;;) {
    const unread: Deno.KvKey[] = [];
    for await (const { key } of ctx.kv.list({ prefix: keys.unreadNotifications(userId) }, { limit: MARK_BATCH })) {
      unread.push(keys.notification(userId, key[2] as string));
    }
    // Nothing to change means nothing but an index key without its record is left, which no write makes.
    if (unread.length === 0 || await markRead(ctx, unread) === 0) return;
  }
}

/**
 * Marks the notifications at `recordKeys` read (missing and read ones are left alone), retrying lost races. How many
 * it marked.
 */
async function markRead(ctx: Ctx, recordKeys: Deno.KvKey[]): Promise<number> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const entries = await getEntries<Notification>(ctx, recordKeys);
    const op = ctx.kv.atomic();
    let changed = 0;
    for (const entry of entries) {
      if (!entry.value || entry.value.read) continue;
      writeNotification(op.check(entry), entry.value, { ...entry.value, read: true });
      changed++;
    }
    if (changed === 0 || (await commitOrRetry(op)).ok) return changed;
  }
  throw lostRaces("notification");
}
