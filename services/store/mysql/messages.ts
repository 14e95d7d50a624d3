// Messages and conversations on MySQL / MariaDB (tables in migrations/004).
//
// Locking, which is what keeps unread counts exact: every write of a conversation first locks both of its
// `conversations` rows, (lo, hi) then (hi, lo), or, for marking read, the reader's one row; only then does it touch
// messages and notifications. createMessage inserts a message of the pair only while holding both rows, and
// markConversationRead marks the messages read and zeroes the count while holding the reader's row, so the count and
// the unread messages change together, in one order. (Consistent order: two messages crossing in one conversation
// queue on (lo, hi) instead of deadlocking; the pool retries a transaction whole on the rare deadlock left.)
//
// Reads come from the writer: a member reads a conversation right after writing to it, a reconnecting client asks for
// what it missed right after it was delivered live, and a conversation marked read must list as read at once.
import { NotFoundError } from "../../errors.ts";
import { checkClientId, messageNotice, messageTime, unreadNoticeStep } from "../../rules/messages.ts";
import { addNotification } from "./notifications.ts";
import type {
  ConnectionStatus,
  Conversation,
  ConversationOpening,
  IdempotencyCompletion,
  Message,
  MessagePosition,
  MessagesPage,
  NewMessage,
} from "../model.ts";
import type { Executor, Param } from "./pool.ts";
import { aliasedUserColumns, userFromAliased } from "./users.ts";
import { holdClaim, recordAnswer } from "./idempotency.ts";
import {
  type Ctx,
  dbId,
  inLists,
  isDuplicate,
  keysetPage,
  limitParam,
  lockMembers,
  OLDER_THAN,
  olderThan,
  outboxEvent,
  pageLimit,
  writeEvents,
} from "./shared.ts";

const MESSAGE_COLUMNS = "id, sender_id, receiver_id, content, is_read, created_at, client_id";
const CLIENT_KEY = "uq_messages_sender_client";
/** Times createMessage looks for the message that won a clientId race (it is committed when the loser hears of it). */
const CLIENT_TRIES = 3;

interface MessageRow {
  id: string | number;
  sender_id: string | number;
  receiver_id: string | number;
  content: string;
  is_read: number | string | boolean;
  created_at: Date;
  /** VARBINARY: the UTF-8 bytes of the clientId. */
  client_id: Uint8Array | string | null;
}

const utf8 = new TextDecoder();

function toMessage(row: MessageRow): Message {
  return {
    id: String(row.id),
    senderId: String(row.sender_id),
    receiverId: String(row.receiver_id),
    content: row.content,
    isRead: Number(row.is_read) === 1,
    createdAt: row.created_at,
    clientId: row.client_id === null || typeof row.client_id === "string" ? row.client_id : utf8.decode(row.client_id),
  };
}

/** Two ids in their numeric order. */
function sorted(a: string, b: string): [string, string] {
  return BigInt(a) <= BigInt(b) ? [a, b] : [b, a];
}

const BY_CLIENT_ID_SQL = `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender_id = ? AND client_id = ?`;

/**
 * Creates both conversation rows if they are new and locks both, (lo, hi) first: a multi-row INSERT takes its rows
 * in the order written, and ON DUPLICATE KEY UPDATE takes an exclusive record lock on a row that is there. The
 * placeholder values of a new row are replaced before the transaction commits.
 */
const LOCK_CONVERSATIONS_SQL =
  "INSERT INTO conversations (member_id, other_id, last_message_id, last_at, unread_count) " +
  "VALUES (?, ?, 0, ?, 0), (?, ?, 0, ?, 0) ON DUPLICATE KEY UPDATE member_id = member_id";

/**
 * Both rows of the pair (one when a member writes to themself) take the new message; the receiver's row also counts
 * it unread and keeps its unread notification's id.
 */
const UPDATE_CONVERSATIONS_SQL = "UPDATE conversations SET last_message_id = ?, last_at = ?, " +
  "unread_count = unread_count + IF(member_id = ?, 1, 0), notification_id = IF(member_id = ?, ?, notification_id) " +
  "WHERE (member_id = ? AND other_id = ?) OR (member_id = ? AND other_id = ?)";

/** The receiver's conversation row with the notification it names, both locked. */
interface NoticeRow {
  last_at: Date;
  notification_id: string | number | null;
  n_subject_id: string | number | null;
  n_created_at: Date | null;
  n_read_at: Date | null;
}

const RECEIVER_SIDE_SQL = "SELECT c.last_at, c.notification_id, n.subject_id AS n_subject_id, " +
  "n.created_at AS n_created_at, n.read_at AS n_read_at FROM conversations c " +
  "LEFT JOIN notifications n ON n.id = c.notification_id WHERE c.member_id = ? AND c.other_id = ? FOR UPDATE";

/**
 * Stores a message, both conversation rows and the receiver's notification in one transaction (see the top of this
 * file for the locks). A `clientId` the sender used before is looked up first (a resend costs one read), and racing
 * resends meet on uq_messages_sender_client: the loser's ER_DUP_ENTRY rolls it back whole (its outbox row too), and
 * it answers the winner's message with `created: false`. A new message commits `message.created`.
 */
export async function createMessage(
  ctx: Ctx,
  input: NewMessage,
  done?: IdempotencyCompletion<{ message: Message; created: boolean }>,
): Promise<{ message: Message; created: boolean }> {
  const senderId = dbId(input.senderId);
  const receiverId = dbId(input.receiverId);
  if (!senderId || !receiverId) throw new NotFoundError("member");
  const clientId = input.clientId ?? null;
  checkClientId(clientId);
  const earlier = async () => {
    if (clientId === null) return null;
    const [row] = await ctx.db.writer.query<MessageRow>(BY_CLIENT_ID_SQL, [senderId, clientId]);
    return row ? { message: toMessage(row), created: false } : null;
  };
  const resent = await earlier();
  if (resent) return resent;
  const [lo, hi] = sorted(senderId, receiverId);
  try {
    const message = await ctx.db.writer.transaction(async (tx) => {
      await lockMembers(tx, [senderId, receiverId]);
      await holdClaim(tx, done);
      const now = new Date();
      await tx.execute(LOCK_CONVERSATIONS_SQL, [lo, hi, now, hi, lo, now]);
      const [conversation] = await tx.query<NoticeRow>(RECEIVER_SIDE_SQL, [receiverId, senderId]);
      // Taken once both rows are held.
      const createdAt = messageTime(conversation.last_at);
      const { insertId: id } = await tx.execute(
        "INSERT INTO messages (sender_id, receiver_id, content, created_at, client_id) VALUES (?, ?, ?, ?, ?)",
        [senderId, receiverId, input.content, createdAt, clientId],
      );
      const message: Message = {
        id,
        senderId,
        receiverId,
        content: input.content,
        isRead: false,
        createdAt,
        clientId,
      };
      const notificationId = await noticeReceiver(tx, conversation, message);
      await tx.execute(UPDATE_CONVERSATIONS_SQL, [
        id,
        createdAt,
        receiverId,
        receiverId,
        notificationId,
        lo,
        hi,
        hi,
        lo,
      ]);
      // The relay enqueues it held back (enqueueOptions): the unread-messages email is decided a while after.
      await writeEvents(tx, [outboxEvent("message.created", id, [senderId, receiverId])]);
      await recordAnswer(tx, done, { message, created: true });
      return message;
    });
    ctx.kick();
    return { message, created: true };
  } catch (err) {
    if (!isDuplicate(err, CLIENT_KEY)) throw err;
  }
  for (let attempt = 0; attempt < CLIENT_TRIES; attempt++) {
    const winner = await earlier();
    if (winner) return winner;
  }
  throw new Error("createMessage: a message with this clientId was reported stored but cannot be read");
}

/**
 * The receiver's notification from the sender after `message` (rules/messages.ts): the unread one the conversation
 * row names moved to it (by primary key; the row was locked with the conversation), kept, or a new one written.
 * Resolves to the id the conversation row keeps.
 */
async function noticeReceiver(tx: Executor, current: NoticeRow, message: Message): Promise<string | null> {
  const id = current.notification_id === null ? null : String(current.notification_id);
  const notice = current.n_created_at === null ? null : {
    read: current.n_read_at !== null,
    subjectId: String(current.n_subject_id),
    createdAt: current.n_created_at,
  };
  switch (unreadNoticeStep(notice, message)) {
    case "keep":
      return id;
    case "move":
      await tx.execute("UPDATE notifications SET subject_id = ?, created_at = ? WHERE id = ?", [
        message.id,
        message.createdAt,
        id,
      ]);
      return id;
    case "add":
      return await addNotification(tx, messageNotice(message));
  }
}

export async function getMessage(ctx: Ctx, id: string): Promise<Message | null> {
  const key = dbId(id);
  if (!key) return null;
  const [row] = await ctx.db.writer.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`, [key]);
  return row ? toMessage(row) : null;
}

/** A page is one backward range scan of ix_messages_pair that stops after it; a cursor is a range, never an OFFSET. */
export const MESSAGES_FIRST_SQL = `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE pair_lo = ? AND pair_hi = ? ` +
  "ORDER BY created_at DESC, id DESC LIMIT ?";
export const MESSAGES_AFTER_SQL = `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE pair_lo = ? AND pair_hi = ? ` +
  `AND ${OLDER_THAN} ORDER BY created_at DESC, id DESC LIMIT ?`;

export async function listMessages(
  ctx: Ctx,
  a: string,
  b: string,
  query: { limit: number; after?: MessagePosition },
): Promise<MessagesPage> {
  const limit = pageLimit(query.limit, "listMessages");
  const [x, y] = [dbId(a), dbId(b)];
  if (!x || !y) return { items: [], next: null };
  const [lo, hi] = sorted(x, y);
  let rows: MessageRow[];
  if (query.after) {
    const older = olderThan(query.after);
    if (!older) return { items: [], next: null };
    rows = await ctx.db.writer.query<MessageRow>(MESSAGES_AFTER_SQL, [lo, hi, ...older, limitParam(limit + 1)]);
  } else {
    rows = await ctx.db.writer.query<MessageRow>(MESSAGES_FIRST_SQL, [lo, hi, limitParam(limit + 1)]);
  }
  return keysetPage(rows, limit, toMessage);
}

/**
 * What a member sent, then what they received (not from themself: that is in the first branch already), each a
 * forward range scan of its own key that stops after `limit` rows; the two meet in a UNION ALL and the oldest `limit`
 * of them are kept. `after` is a range, spelled out (no row comparison, no OFFSET).
 */
export function messagesAfterSql(after: boolean): string {
  const range = after ? " AND (created_at > ? OR (created_at = ? AND id > ?))" : "";
  return `(SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender_id = ?${range} ORDER BY created_at, id LIMIT ?) ` +
    `UNION ALL (SELECT ${MESSAGE_COLUMNS} FROM messages WHERE receiver_id = ?${range} AND sender_id <> ? ` +
    "ORDER BY created_at, id LIMIT ?) ORDER BY created_at, id LIMIT ?";
}
const MESSAGES_SINCE_START_SQL = messagesAfterSql(false);
const MESSAGES_SINCE_SQL = messagesAfterSql(true);

export async function listMessagesAfter(
  ctx: Ctx,
  memberId: string,
  after: MessagePosition | null,
  limit: number,
): Promise<Message[]> {
  pageLimit(limit, "listMessagesAfter");
  const member = dbId(memberId);
  if (!member) return [];
  const take = limitParam(limit);
  let rows: MessageRow[];
  if (after) {
    const afterId = dbId(after.id);
    if (!afterId || !Number.isFinite(after.createdAt)) return [];
    const at = new Date(after.createdAt);
    rows = await ctx.db.writer.query<MessageRow>(MESSAGES_SINCE_SQL, [
      member,
      at,
      at,
      afterId,
      take,
      member,
      at,
      at,
      afterId,
      member,
      take,
      take,
    ]);
  } else {
    rows = await ctx.db.writer.query<MessageRow>(MESSAGES_SINCE_START_SQL, [member, take, member, member, take, take]);
  }
  return rows.map(toMessage);
}

/**
 * The list with each conversation's last message and other member, in one statement (a page's SQL budget): a backward
 * range scan of ix_conversations_member_last, each row joined to its last message by primary key (the inner join
 * leaves out a conversation whose messages a purge is removing) and to the other member (left: one being purged).
 */
export const CONVERSATIONS_SQL = "SELECT c.other_id AS c_other_id, c.unread_count AS c_unread_count, " +
  `m.id, m.sender_id, m.receiver_id, m.content, m.is_read, m.created_at, m.client_id, ${aliasedUserColumns("u")} ` +
  "FROM conversations c JOIN messages m ON m.id = c.last_message_id LEFT JOIN users u ON u.id = c.other_id " +
  "WHERE c.member_id = ? ORDER BY c.last_at DESC, c.last_message_id DESC LIMIT ?";

export async function listConversations(ctx: Ctx, memberId: string, limit: number): Promise<Conversation[]> {
  pageLimit(limit, "listConversations");
  const member = dbId(memberId);
  if (!member) return [];
  const rows = await ctx.db.writer.query<
    MessageRow & { c_other_id: string | number; c_unread_count: number; u_id: string | number | null }
  >(CONVERSATIONS_SQL, [member, limitParam(limit)]);
  return rows.map((row) => ({
    otherId: String(row.c_other_id),
    lastMessage: toMessage(row),
    unreadCount: Number(row.c_unread_count),
    ...(row.u_id === null ? {} : { other: userFromAliased(row as unknown as Record<string, unknown>) }),
  }));
}

/**
 * One statement for a thread's page: the other member's row, with the live connection of the pair, the member's
 * side of the conversation and its unread notification, and the page of messages as a derived table (one backward
 * range of ix_messages_pair, as listMessages reads it) joined to every row. No messages: one row, its message NULL.
 */
function openingSql(page: string): string {
  return `SELECT ${aliasedUserColumns("u")}, k.status AS k_status, cv.unread_count AS cv_unread_count, ` +
    "n.id IS NOT NULL AS n_unread, m.id, m.sender_id, m.receiver_id, m.content, m.is_read, m.created_at, m.client_id " +
    "FROM users u LEFT JOIN connections k ON k.pair_lo = ? AND k.pair_hi = ? AND k.active = 1 " +
    "LEFT JOIN conversations cv ON cv.member_id = ? AND cv.other_id = u.id " +
    "LEFT JOIN notifications n ON n.id = cv.notification_id AND n.read_at IS NULL " +
    `LEFT JOIN (${page}) m ON TRUE WHERE u.id = ? ORDER BY m.created_at DESC, m.id DESC`;
}
export const OPENING_FIRST_SQL = openingSql(MESSAGES_FIRST_SQL);
export const OPENING_AFTER_SQL = openingSql(MESSAGES_AFTER_SQL);

type OpeningRow = Omit<MessageRow, "id"> & {
  id: string | number | null;
  k_status: ConnectionStatus | null;
  cv_unread_count: number | null;
  n_unread: number | string;
};

export async function openConversation(
  ctx: Ctx,
  memberId: string,
  otherId: string,
  query: { limit: number; after?: MessagePosition },
): Promise<ConversationOpening | null> {
  const limit = pageLimit(query.limit, "openConversation");
  const [member, other] = [dbId(memberId), dbId(otherId)];
  if (!member || !other || member === other) return null;
  const [lo, hi] = sorted(member, other);
  const older = query.after ? olderThan(query.after) : null;
  // A position that cannot be ours still reads the member and the pair, with an empty page, as listMessages' is.
  const [sql, page]: [string, Param[]] = older
    ? [OPENING_AFTER_SQL, [lo, hi, ...older, limitParam(limit + 1)]]
    : [OPENING_FIRST_SQL, [lo, hi, limitParam(query.after ? 0 : limit + 1)]];
  const rows = await ctx.db.writer.query<OpeningRow>(sql, [lo, hi, member, ...page, other]);
  const [first] = rows;
  if (!first) return null;
  const found = rows.filter((row): row is OpeningRow & MessageRow => row.id !== null);
  return {
    other: userFromAliased(first as unknown as Record<string, unknown>),
    connection: first.k_status,
    unreadCount: Number(first.cv_unread_count ?? 0),
    notified: Number(first.n_unread) === 1,
    messages: keysetPage(found, limit, toMessage),
  };
}

/**
 * One statement: zeroes the member's count and marks the unread messages from the other member (a ref of
 * ix_messages_unread) and the member's unread notification from them read, the conversation row first (a const read
 * of its primary key, which the optimizer takes before the joins), so it queues behind a createMessage holding it
 * and the count and the unread messages change together (see the top of this file). A count of 0 matches nothing:
 * nothing is unread, and nothing is written or held past the read.
 */
export const MARK_READ_SQL = "UPDATE conversations c " +
  "LEFT JOIN messages m ON m.receiver_id = c.member_id AND m.sender_id = c.other_id AND m.is_read = 0 " +
  "LEFT JOIN notifications n ON n.user_id = c.member_id AND n.read_at IS NULL AND n.type = 'message:received' " +
  "AND n.actor_id = c.other_id " +
  "SET c.unread_count = 0, m.is_read = 1, m.read_at = ?, n.read_at = ? " +
  "WHERE c.member_id = ? AND c.other_id = ? AND c.unread_count > 0";

export async function markConversationRead(ctx: Ctx, memberId: string, otherId: string): Promise<boolean> {
  const [member, other] = [dbId(memberId), dbId(otherId)];
  if (!member || !other) return false;
  const now = new Date();
  const { affectedRows } = await ctx.db.writer.execute(MARK_READ_SQL, [now, now, member, other]);
  return affectedRows > 0;
}

/**
 * Deletes up to `batch` of the messages a member sent or received, with the `message:received` notifications about
 * them; resolves to how many it found (fewer than `batch`: none are left).
 */
export async function purgeMemberMessages(ctx: Ctx, memberId: string, batch: number): Promise<number> {
  return await ctx.db.writer.transaction(async (tx) => {
    const rows = await tx.query<{ id: string | number }>(
      "SELECT id FROM messages WHERE sender_id = ? LIMIT ? FOR UPDATE",
      [memberId, limitParam(batch)],
    );
    if (rows.length < batch) {
      rows.push(
        ...await tx.query<{ id: string | number }>(
          "SELECT id FROM messages WHERE receiver_id = ? LIMIT ? FOR UPDATE",
          [memberId, limitParam(batch - rows.length)],
        ),
      );
    }
    const ids = [...new Set(rows.map((r) => String(r.id)))];
    for (const list of inLists(ids)) {
      await tx.execute(`DELETE FROM messages WHERE id IN (${list.placeholders})`, list.params);
      await tx.execute(
        `DELETE FROM notifications WHERE subject_id IN (${list.placeholders}) AND type = 'message:received'`,
        list.params,
      );
    }
    return rows.length;
  });
}

/**
 * Deletes up to `batch` of a member's conversations, both rows of each (the member's, by its primary key range, and
 * the other member's, by primary key); resolves to how many it found (fewer than `batch`: none are left).
 */
export async function purgeMemberConversations(ctx: Ctx, memberId: string, batch: number): Promise<number> {
  return await ctx.db.writer.transaction(async (tx) => {
    const rows = await tx.query<{ other_id: string | number }>(
      "SELECT other_id FROM conversations WHERE member_id = ? LIMIT ? FOR UPDATE",
      [memberId, limitParam(batch)],
    );
    for (const list of inLists(rows.map((r) => String(r.other_id)))) {
      await tx.execute(
        `DELETE FROM conversations WHERE member_id = ? AND other_id IN (${list.placeholders})`,
        [memberId, ...list.params] as Param[],
      );
      await tx.execute(
        `DELETE FROM conversations WHERE other_id = ? AND member_id IN (${list.placeholders})`,
        [memberId, ...list.params] as Param[],
      );
    }
    return rows.length;
  });
}
