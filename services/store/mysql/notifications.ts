// Notifications on MySQL / MariaDB (table in migrations/003). Invitation notifications are written and removed inside
// the connection's own transaction (connections.ts), so a member never sees one about a connection that is not there.
import type { NewNotification } from "../../rules/notifications.ts";
import type { Notification, NotificationPosition, NotificationsPage, NotificationType } from "../model.ts";
import type { Executor, Param } from "./pool.ts";
import {
  type Ctx,
  dbId,
  dbIds,
  deleteInBatches,
  inLists,
  keysetPage,
  limitParam,
  OLDER_THAN,
  olderThan,
  pageLimit,
} from "./shared.ts";

const NOTIFICATION_COLUMNS = "id, user_id, type, actor_id, subject_id, read_at, created_at";
/** The types whose subject is a connection (a message:received subject is a message id, another id space). */
const ABOUT_CONNECTIONS = "type IN ('invitation:received', 'invitation:accepted')";

interface NotificationRow {
  id: string | number;
  user_id: string | number;
  type: NotificationType;
  actor_id: string | number;
  subject_id: string | number;
  read_at: Date | null;
  created_at: Date;
}

function toNotification(row: NotificationRow): Notification {
  return {
    id: String(row.id),
    userId: String(row.user_id),
    type: row.type,
    actorId: String(row.actor_id),
    subjectId: String(row.subject_id),
    read: row.read_at !== null,
    createdAt: row.created_at,
  };
}

/** Inserts notifications in the caller's transaction. Ids are already in their numeric form. */
export async function addNotifications(tx: Executor, notices: readonly NewNotification[]): Promise<void> {
  for (const n of notices) await addNotification(tx, n);
}

/** Inserts a notification in the caller's transaction; resolves to its id. */
export async function addNotification(tx: Executor, n: NewNotification): Promise<string> {
  const { insertId } = await tx.execute(
    "INSERT INTO notifications (user_id, type, actor_id, subject_id, created_at) VALUES (?, ?, ?, ?, ?)",
    [n.userId, n.type, n.actorId, n.subjectId, n.createdAt],
  );
  return insertId;
}

/** Removes, in the caller's transaction, every notification about the given connections. */
export async function deleteAboutConnections(tx: Executor, connectionIds: readonly string[]): Promise<void> {
  for (const list of inLists(connectionIds)) {
    await tx.execute(
      `DELETE FROM notifications WHERE subject_id IN (${list.placeholders}) AND ${ABOUT_CONNECTIONS}`,
      list.params,
    );
  }
}

const LIST_FIRST_SQL = `SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE user_id = ? ` +
  "ORDER BY created_at DESC, id DESC LIMIT ?";
const LIST_AFTER_SQL = `SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE user_id = ? ` +
  `AND ${OLDER_THAN} ORDER BY created_at DESC, id DESC LIMIT ?`;

/**
 * Newest first, one backward range scan of ix_notifications_user_created. From the writer, like the unread count:
 * marking read and then listing must show the change.
 */
export async function listNotifications(
  ctx: Ctx,
  userId: string,
  query: { limit: number; after?: NotificationPosition },
): Promise<NotificationsPage> {
  const limit = pageLimit(query.limit, "listNotifications");
  const member = dbId(userId);
  if (!member) return { items: [], next: null };
  let rows: NotificationRow[];
  if (query.after) {
    const older = olderThan(query.after);
    if (!older) return { items: [], next: null };
    rows = await ctx.db.writer.query<NotificationRow>(LIST_AFTER_SQL, [member, ...older, limitParam(limit + 1)]);
  } else {
    rows = await ctx.db.writer.query<NotificationRow>(LIST_FIRST_SQL, [member, limitParam(limit + 1)]);
  }
  return keysetPage(rows, limit, toNotification);
}

/** Reads at most `cap` entries of ix_notifications_user_unread (index only), however many there are. */
export async function countUnreadNotifications(ctx: Ctx, userId: string, cap: number): Promise<number> {
  if (!Number.isInteger(cap) || cap < 0) throw new RangeError(`unread cap must be a non-negative integer, got ${cap}`);
  const member = dbId(userId);
  if (!member || cap === 0) return 0;
  const [row] = await ctx.db.writer.query<{ n: string | number }>(
    "SELECT COUNT(*) AS n FROM (SELECT 1 FROM notifications WHERE user_id = ? AND read_at IS NULL LIMIT ?) unread",
    [member, limitParam(cap)],
  );
  return Number(row?.n ?? 0);
}

/**
 * Only the member's own rows match (user_id is in every WHERE). "All" goes in bounded statements: each changes at
 * most DELETE_BATCH rows, and the rows it changed no longer match `read_at IS NULL`.
 */
export async function markNotificationsRead(ctx: Ctx, userId: string, ids?: string[]): Promise<void> {
  const member = dbId(userId);
  if (!member) return;
  const now = new Date();
  if (ids === undefined) {
    await deleteInBatches(
      ctx.db.writer,
      "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL",
      [now, member],
    );
    return;
  }
  for (const list of inLists(dbIds(ids))) {
    await ctx.db.writer.execute(
      `UPDATE notifications SET read_at = ? WHERE user_id = ? AND id IN (${list.placeholders}) AND read_at IS NULL`,
      [now, member, ...list.params] as Param[],
    );
  }
}

/** Deletes up to `batch` of the member's own notifications; resolves to how many went (fewer: none are left). */
export async function purgeMemberNotifications(ctx: Ctx, memberId: string, batch: number): Promise<number> {
  const { affectedRows } = await ctx.db.writer.execute("DELETE FROM notifications WHERE user_id = ? LIMIT ?", [
    memberId,
    limitParam(batch),
  ]);
  return affectedRows;
}
