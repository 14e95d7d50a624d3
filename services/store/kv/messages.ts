// Messages on Deno KV: the record, its index keys (the conversation's, both members' lists, the unread key) and its
// clientId claim, written together by writeMessage; each member's side of a conversation with its by-time key,
// written by writeConversation; and the receiver's one unread `message:received` notification per sender, moved to
// each new message. createMessage commits all of these at once, checking both members and both conversation
// records, so unread counts are exact and no message is added after a member's deletion (the purge finds them all).
import { NotFoundError } from "../../errors.ts";
import { checkClientId, messageNotice, messageTime, unreadNoticeStep } from "../../rules/messages.ts";
import { newEvent } from "../events.ts";
import { enqueueEvent } from "./queue.ts";
import type {
  Conversation,
  ConversationOpening,
  IdempotencyCompletion,
  Message,
  MessagePosition,
  MessagesPage,
  NewMessage,
  Notification,
} from "../model.ts";
import { getConnectionBetween } from "./connections.ts";
import { heldClaim, recordAnswer } from "./idempotency.ts";
import { isId, newId } from "./ids.ts";
import * as keys from "./keys.ts";
import { writeNotification } from "./notifications.ts";
import { getUser } from "./users.ts";
import { checkLimit, commitOrRetry, type Ctx, getEntries, listNewest, lostRaces, values } from "./shared.ts";

/**
 * Attempts of a send or a mark-read. A busy conversation is one hot pair of records, and of racing commits at least
 * one wins each round, so a send gets more attempts than other writes, with a short random wait between them.
 */
const MESSAGE_TRIES = 30;
/**
 * Messages one mark-read commit changes: each is checked (with the conversation and the notification, within KV's
 * 100 checks) and rewritten whole, up to about 15 KB for 5,000 characters, within KV's 800 KiB per commit.
 */
const MARK_BATCH = 25;

/** A short random wait after a lost race, growing with the attempt, so racing writers spread out. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(2 ** attempt, 50);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The one place a message is written: adds to `op` the record and its index keys (a null `after` deletes them,
 * with the clientId claim), the unread key while unread, and for a new message with a clientId the claim, under a
 * versionstamp-null check so that of racing sends with one clientId exactly one commits. The caller checks `before`
 * when it changes or deletes a message that may be changing.
 */
export function writeMessage(
  op: Deno.AtomicOperation,
  before: Message | null,
  after: Message | null,
): Deno.AtomicOperation {
  const m = after ?? before!;
  const { index, unread } = keys.messageIndexKeys(m);
  if (!after) {
    op.delete(keys.message(m.id)).delete(unread);
    for (const key of index) op.delete(key);
    if (m.clientId !== null) op.delete(keys.messageClientId(m.senderId, m.clientId));
    return op;
  }
  op.set(keys.message(m.id), after);
  if (after.isRead) op.delete(unread);
  else if (!before || before.isRead) op.set(unread, true);
  if (before) return op;
  for (const key of index) op.set(key, true);
  if (m.clientId !== null) {
    const claim = keys.messageClientId(m.senderId, m.clientId);
    op.check({ key: claim, versionstamp: null }).set(claim, m.id);
  }
  return op;
}

/**
 * The one place one member's side of a conversation is written: the record and its by-time key, moved when the
 * newest message changes (a null `after` deletes both). The caller checks the record.
 */
export function writeConversation(
  op: Deno.AtomicOperation,
  memberId: string,
  before: keys.StoredConversation | null,
  after: keys.StoredConversation | null,
): Deno.AtomicOperation {
  const c = after ?? before!;
  const moved = before?.lastMessageId !== after?.lastMessageId;
  if (before && moved) op.delete(keys.conversationByTime(memberId, before));
  if (!after) return op.delete(keys.conversation(memberId, c.otherId));
  op.set(keys.conversation(memberId, c.otherId), after);
  if (moved) op.set(keys.conversationByTime(memberId, after), after.otherId);
  return op;
}

/** Whether a conversation's newest message is older than the message at (ms, id), or it has none yet. */
function olderThan(c: keys.StoredConversation | null, ms: number, id: string): boolean {
  return !c || c.lastAtMs < ms || (c.lastAtMs === ms && c.lastMessageId < id);
}

/** One side of a conversation after the message at (ms, id) joined it. */
function withMessage(
  c: keys.StoredConversation | null,
  otherId: string,
  message: Message,
  unreadDelta: number,
  noticeId: string | null | undefined,
): keys.StoredConversation {
  const ms = message.createdAt.getTime();
  const newest = olderThan(c, ms, message.id);
  return {
    otherId,
    lastMessageId: newest ? message.id : c!.lastMessageId,
    lastAtMs: newest ? ms : c!.lastAtMs,
    unreadCount: (c?.unreadCount ?? 0) + unreadDelta,
    noticeId: noticeId === undefined ? c?.noticeId ?? null : noticeId,
  };
}

/**
 * Stores a message with, in the same commit, both members' conversations (the receiver's unread count up by one)
 * and the receiver's unread `message:received` notification from the sender: an unread one is replaced by one about
 * this message, under this message's id and time, so it lists as the newest; a read one stays and a new one is
 * added. The same commit enqueues `message.created`, which the queue delivers later (see enqueueOptions). With a
 * clientId the sender already used, nothing is written (no event either) and the first message is returned.
 * NotFoundError when either member does not exist.
 */
export async function createMessage(
  ctx: Ctx,
  input: NewMessage,
  done?: IdempotencyCompletion<{ message: Message; created: boolean }>,
): Promise<{ message: Message; created: boolean }> {
  const { senderId, receiverId, content } = input;
  const clientId = input.clientId ?? null;
  checkClientId(clientId);
  if (!isId(senderId) || !isId(receiverId)) throw new NotFoundError("member");
  const self = senderId === receiverId;
  for (let i = 0; i < MESSAGE_TRIES; i++) {
    if (i > 0) await backoff(i);
    const read: Deno.KvKey[] = [
      keys.user(senderId),
      keys.user(receiverId),
      keys.conversation(senderId, receiverId),
      keys.conversation(receiverId, senderId),
    ];
    if (clientId !== null) read.push(keys.messageClientId(senderId, clientId));
    const [sender, receiver, senderSide, receiverSide, claim] = await ctx.kv.getMany<unknown[]>(read);
    if (sender.value === null || receiver.value === null) throw new NotFoundError("member");
    if (typeof claim?.value === "string") {
      const first = await getMessage(ctx, claim.value);
      if (first) return { message: first, created: false };
      continue; // a claim without its message is being purged with its sender: the next round says so
    }
    const held = done ? await heldClaim(ctx, done) : null;
    const ours = senderSide.value as keys.StoredConversation | null;
    const theirs = receiverSide.value as keys.StoredConversation | null;
    const notice = theirs?.noticeId
      ? await ctx.kv.get<Notification>(keys.notification(receiverId, theirs.noticeId))
      : null;

    const lastAtMs = Math.max(ours?.lastAtMs ?? 0, theirs?.lastAtMs ?? 0);
    const { id, ms } = newId(messageTime(lastAtMs ? new Date(lastAtMs) : null).getTime());
    const createdAt = new Date(ms);
    const message: Message = { id, senderId, receiverId, content, isRead: false, createdAt, clientId };
    const step = unreadNoticeStep(notice?.value ?? null, message);
    const unread = notice?.value && !notice.value.read ? notice : null;
    const keep = step === "keep";
    const op = ctx.kv.atomic();
    if (self) op.check(sender, senderSide);
    else op.check(sender, receiver, senderSide, receiverSide);
    writeMessage(op, null, message);
    if (!self) writeConversation(op, senderId, ours, withMessage(ours, receiverId, message, 0, undefined));
    writeConversation(op, receiverId, theirs, withMessage(theirs, senderId, message, 1, keep ? undefined : id));
    // The unread one is checked, so a racing mark-read either comes first (and this adds a new one) or finds it gone.
    if (unread) op.check(unread);
    // Moved: the notice takes this message's id, so it lists as the newest.
    if (step === "move") writeNotification(op, unread!.value, null);
    if (!keep) writeNotification(op, null, { id, ...messageNotice(message) });
    // Held back by the queue (enqueueOptions): the unread-messages email is decided a while after the message.
    const event = newEvent("message.created", id, createdAt, [senderId, receiverId]);
    enqueueEvent(op, event);
    if (done && held) recordAnswer(op, held, done, { message, created: true });
    if ((await commitOrRetry(op)).ok) return { message, created: true };
  }
  throw lostRaces("conversation");
}

export async function getMessage(ctx: Ctx, id: string): Promise<Message | null> {
  if (!isId(id)) return null;
  return (await ctx.kv.get<Message>(keys.message(id))).value;
}

/** The messages between two members, either way, newest first: one range of the conversation's keys, then records. */
export async function listMessages(
  ctx: Ctx,
  a: string,
  b: string,
  query: { limit: number; after?: MessagePosition },
): Promise<MessagesPage> {
  checkLimit("listMessages", query.limit);
  if (!isId(a) || !isId(b)) return { items: [], next: null };
  const { entries, next } = await listNewest<true>(ctx, keys.conversationMessages(a, b), query.limit, query.after);
  const records = await getEntries<Message>(ctx, entries.map(({ key }) => keys.message(key.at(-1) as string)));
  return { items: values(records), next };
}

/**
 * Every message a member sent or received strictly after `after` (null: from the first), oldest first, at most
 * `limit`: one range of the member's keys from the position on, then the records.
 */
export async function listMessagesAfter(
  ctx: Ctx,
  memberId: string,
  after: MessagePosition | null,
  limit: number,
): Promise<Message[]> {
  checkLimit("listMessagesAfter", limit);
  if (!isId(memberId)) return [];
  const prefix = keys.memberMessages(memberId);
  const selector = after ? { prefix, start: [...prefix, after.createdAt, after.id] } : { prefix };
  const found: Deno.KvKey[] = [];
  // The start is inclusive: one more entry covers the position's own key, which is skipped.
  const list = ctx.kv.list(selector, { limit: limit + 1, batchSize: Math.min(limit + 1, 500) });
  for await (const { key } of list) {
    if (after && key[2] === after.createdAt && key[3] === after.id) continue;
    found.push(keys.message(key[3] as string));
    if (found.length === limit) break;
  }
  return values(await getEntries<Message>(ctx, found));
}

/**
 * A member's conversations, the one with the newest message first: one range of their by-time keys, then the
 * conversation records and the last messages. A conversation that moved between the two reads is left out.
 */
export async function listConversations(ctx: Ctx, memberId: string, limit: number): Promise<Conversation[]> {
  checkLimit("listConversations", limit);
  if (!isId(memberId)) return [];
  const found: { otherId: string; messageId: string }[] = [];
  const prefix = keys.conversationsByTime(memberId);
  for await (
    const entry of ctx.kv.list<string>({ prefix }, { reverse: true, limit, batchSize: Math.min(limit, 500) })
  ) {
    found.push({ otherId: entry.value, messageId: entry.key[3] as string });
  }
  const [sides, messages] = await Promise.all([
    getEntries<keys.StoredConversation>(ctx, found.map((f) => keys.conversation(memberId, f.otherId))),
    getEntries<Message>(ctx, found.map((f) => keys.message(f.messageId))),
  ]);
  return found.flatMap((f, i) => {
    const side = sides[i].value;
    const lastMessage = messages[i].value;
    if (!side || !lastMessage || side.lastMessageId !== f.messageId) return [];
    return [{ otherId: f.otherId, lastMessage, unreadCount: side.unreadCount }];
  });
}

/** The reads of a thread's page, side by side: Deno KV has no join, and each is a key or a short range. */
export async function openConversation(
  ctx: Ctx,
  memberId: string,
  otherId: string,
  query: { limit: number; after?: MessagePosition },
): Promise<ConversationOpening | null> {
  if (!isId(memberId) || !isId(otherId) || memberId === otherId) return null;
  const [other, connection, side, messages] = await Promise.all([
    getUser(ctx, otherId),
    getConnectionBetween(ctx, memberId, otherId),
    ctx.kv.get<keys.StoredConversation>(keys.conversation(memberId, otherId)),
    listMessages(ctx, memberId, otherId, query),
  ]);
  if (!other) return null;
  const noticeId = side.value?.noticeId;
  const notice = noticeId ? await ctx.kv.get<Notification>(keys.notification(memberId, noticeId)) : null;
  return {
    other,
    connection: connection?.status ?? null,
    unreadCount: side.value?.unreadCount ?? 0,
    notified: notice?.value?.read === false,
    messages,
  };
}

/**
 * Marks the messages `otherId` sent to `memberId` read, MARK_BATCH per commit, each commit with the member's
 * conversation (its unread count down by as many) and the member's unread `message:received` notification from
 * them. Whether any message changed.
 */
export async function markConversationRead(ctx: Ctx, memberId: string, otherId: string): Promise<boolean> {
  if (!isId(memberId) || !isId(otherId)) return false;
  let changed = 0;
  for (;;) {
    const { count, more } = await markRead(ctx, memberId, otherId);
    changed += count;
    if (!more) return changed > 0;
  }
}

/**
 * One mark-read commit over the first MARK_BATCH unread messages, retrying lost races; whether more may follow. The
 * conversation record is read before the unread keys are listed and checked at commit, and every send changes it,
 * so a commit marks read exactly what was unread: the notification is never marked read while a message it is about
 * stays unread.
 */
async function markRead(ctx: Ctx, memberId: string, otherId: string): Promise<{ count: number; more: boolean }> {
  for (let i = 0; i < MESSAGE_TRIES; i++) {
    if (i > 0) await backoff(i);
    const side = await ctx.kv.get<keys.StoredConversation>(keys.conversation(memberId, otherId));
    const unread: Deno.KvKey[] = [];
    const list = ctx.kv.list({ prefix: keys.unreadMessages(memberId, otherId) }, { limit: MARK_BATCH });
    for await (const { key } of list) unread.push(key);
    const [records, notice] = await Promise.all([
      getEntries<Message>(ctx, unread.map((key) => keys.message(key.at(-1) as string))),
      side.value?.noticeId ? ctx.kv.get<Notification>(keys.notification(memberId, side.value.noticeId)) : null,
    ]);
    const op = ctx.kv.atomic().check(side);
    let count = 0;
    for (const [j, entry] of records.entries()) {
      const m = entry.value;
      if (m && !m.isRead && m.senderId === otherId && m.receiverId === memberId) {
        writeMessage(op.check(entry), m, { ...m, isRead: true });
        count++;
      } else {
        op.delete(unread[j]); // an unread key without an unread message (being purged): nothing to count
      }
    }
    const readNotice = notice?.value && !notice.value.read ? notice : null;
    if (readNotice) writeNotification(op.check(readNotice), readNotice.value, { ...readNotice.value, read: true });
    if (side.value && count > 0) {
      writeConversation(op, memberId, side.value, {
        ...side.value,
        unreadCount: Math.max(0, side.value.unreadCount - count),
      });
    }
    // Every listed key is gone after the commit (read, or deleted as a stray), so a full batch may have more behind.
    const more = unread.length === MARK_BATCH;
    if (unread.length === 0 && !readNotice) return { count: 0, more: false };
    if ((await commitOrRetry(op)).ok) return { count, more };
  }
  throw lostRaces("conversation");
}
