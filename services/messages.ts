// Messages between connected members: send (REST and WebSocket alike), read a thread, list conversations, mark read,
// and catch up after a reconnect. A message is stored first; only then is it acknowledged and delivered live, to
// every open socket of both members, through the pub/sub port (services/realtime/events.ts).
import { membersById } from "./members.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "./errors.ts";
import type { Caller } from "./auth.ts";
import type { WriteBudgets } from "./budgets.ts";
import { UNREAD_CAP } from "./notifications.ts";
import type { Actor, Live } from "./realtime/events.ts";
import { decodeCursor, encodeCursor, isPosition } from "./store/cursor.ts";
import type { Conversation, Message, User } from "./store/model.ts";
import type { MembersPort } from "./store/ports/members.ts";
import type { MessagesPort } from "./store/ports/messages.ts";
import type { ConnectionsPort, NotificationsPort } from "./store/ports/network.ts";
import type { PageReadsPort } from "./store/ports/pages.ts";
import type { Once } from "./idempotency.ts";

/** The storage ports this module uses. */
type Store = MessagesPort & MembersPort & ConnectionsPort & NotificationsPort & PageReadsPort;

export interface MessagesDeps {
  store: Store;
  cursorKey: Uint8Array;
  live: Live;
  budgets: Pick<WriteBudgets, "spend">;
}

export interface ConversationView {
  user: User;
  conversation: Conversation;
}

/** Conversations listed beside a thread. */
const CONVERSATIONS_SHOWN = 50;

/** How far back a catch-up reaches before the last message the client has: ids are not committed in id order. */
const SYNC_OVERLAP_MS = 10_000;
/** Messages a catch-up returns at most, a page: past that the client asks again from the last one. */
export const SYNC_MAX = 200;
/** Of a page, at most this many from the overlap, so a page always moves past `since`. */
const SYNC_OVERLAP_MAX = 50;

function notConnected(): ForbiddenError {
  return new ForbiddenError("You can only message your connections.");
}

/** The message if the caller sent or received it; "not found" for anyone else, so it is not revealed. */
async function ownMessage(store: Store, callerId: string, id: string): Promise<Message> {
  const message = await store.getMessage(id);
  if (!message || (message.senderId !== callerId && message.receiverId !== callerId)) {
    throw new NotFoundError("message");
  }
  return message;
}

/**
 * Sends a message to an accepted connection. A `clientId` the sender used before returns the first message
 * (`created: false`) and delivers nothing again. `origin` names the sending socket, which gets `message:ack` instead
 * of `message:receive`.
 */
export async function sendMessage(
  deps: Pick<MessagesDeps, "store" | "live" | "budgets">,
  sender: Actor,
  input: { receiverId: string; content: string; clientId?: string },
  origin?: string,
  once?: Once<{ message: Message; created: boolean }>,
): Promise<{ message: Message; created: boolean }> {
  await deps.budgets.spend("message", sender.id);
  if (input.receiverId === sender.id) {
    throw new ValidationError("You cannot message yourself.", [{ path: "receiverId", message: "must not be you" }]);
  }
  const [receiver, connection] = await Promise.all([
    deps.store.getUser(input.receiverId),
    deps.store.getConnectionBetween(sender.id, input.receiverId),
  ]);
  if (!receiver) throw new NotFoundError("member");
  if (connection?.status !== "accepted") throw notConnected();
  const result = await deps.store.createMessage({
    senderId: sender.id,
    receiverId: receiver.id,
    content: input.content,
    clientId: input.clientId ?? null,
  }, once?.completing((sent: { message: Message; created: boolean }) => sent));
  if (result.created) await deps.live.messageStored(result.message, sender, origin);
  return result;
}

export async function getMessage(deps: Pick<MessagesDeps, "store">, caller: User, id: string): Promise<Message> {
  return await ownMessage(deps.store, caller.id, id);
}

/** The caller's conversations, newest first, each with the other member. */
export async function listConversations(
  deps: Pick<MessagesDeps, "store">,
  caller: User,
  limit = 50,
): Promise<ConversationView[]> {
  return await conversationViews(deps.store, caller.id, limit);
}

/**
 * The conversations with their members: the backend may read the members with the list; any others are read in one
 * more statement, or none when the list had them all.
 */
async function conversationViews(store: Store, callerId: string, limit: number): Promise<ConversationView[]> {
  const conversations = await store.listConversations(callerId, limit);
  const users = new Map(conversations.flatMap((c) => c.other ? [[c.otherId, c.other] as const] : []));
  const missing = conversations.map((c) => c.otherId).filter((id) => !users.has(id));
  for (const [id, user] of await membersById(store, missing)) users.set(id, user);
  return conversations.flatMap((conversation) => {
    const user = users.get(conversation.otherId);
    return user ? [{ user, conversation }] : [];
  });
}

/** A thread's cursors are bound to the pair, so a cursor of one thread cannot page through another. */
function threadKind(a: string, b: string): string {
  return `messages:${[a, b].sort().join(":")}`;
}

/** The messages between the caller and another member, newest first. Unknown members are 404. */
export async function listThread(
  deps: Pick<MessagesDeps, "store" | "cursorKey">,
  caller: User,
  withId: string,
  query: { limit: number; cursor?: string },
): Promise<{ other: User; items: Message[]; nextCursor: string | null }> {
  const other = withId === caller.id ? null : await deps.store.getUser(withId);
  if (!other) throw new NotFoundError("member");
  const kind = threadKind(caller.id, other.id);
  const after = query.cursor ? decodeCursor(deps.cursorKey, kind, query.cursor, isPosition) : undefined;
  const page = await deps.store.listMessages(caller.id, other.id, { limit: query.limit, after });
  return {
    other,
    items: page.items,
    nextCursor: page.next ? encodeCursor(deps.cursorKey, kind, page.next) : null,
  };
}

/** Marks what `withId` sent the caller read, and tells the sender's sockets; answers whether anything was unread. */
export async function markRead(
  deps: Pick<MessagesDeps, "store" | "live">,
  caller: User,
  withId: string,
): Promise<boolean> {
  const other = withId === caller.id ? null : await deps.store.getUser(withId);
  if (!other) throw new NotFoundError("member");
  return await markReadFrom(deps, caller, other);
}

async function markReadFrom(deps: Pick<MessagesDeps, "store" | "live">, caller: User, other: User): Promise<boolean> {
  const changed = await deps.store.markConversationRead(caller.id, other.id);
  if (changed) await deps.live.conversationRead(caller.id, other.id);
  return changed;
}

/**
 * What a reconnecting client missed since the message `since` (one of its own), oldest first, a page of at most
 * SYNC_MAX. Reaches a little before it (at most SYNC_OVERLAP_MAX messages), since a message with a smaller id can
 * commit later; the client drops the ones it has, and asks again from its newest while `complete` is false.
 */
export async function catchUp(
  deps: Pick<MessagesDeps, "store">,
  caller: Pick<User, "id">,
  since: string | null,
): Promise<{ messages: Message[]; complete: boolean }> {
  const from = since === null ? null : await ownMessage(deps.store, caller.id, since);
  const at = from && { createdAt: from.createdAt.getTime(), id: from.id };
  const before = at
    ? await deps.store.listMessagesAfter(
      caller.id,
      { ...at, createdAt: at.createdAt - SYNC_OVERLAP_MS },
      SYNC_OVERLAP_MAX,
    )
    : [];
  const room = SYNC_MAX - before.length;
  const fresh = await deps.store.listMessagesAfter(caller.id, at, room);
  const ids = new Set(fresh.map((m) => m.id));
  const overlap = before.filter((m) => !ids.has(m.id));
  return { messages: [...overlap, ...fresh], complete: fresh.length < room };
}

/**
 * A thread as its page opens it, with the conversation list beside it: the newest messages (or an earlier page),
 * whether the caller may still write, and, on the newest page, what the other member sent is now read. The
 * conversation itself says whether anything is unread, so a thread read already costs no read-marking at all; when
 * its notification was read with it, `unreadNotifications` is the header's new count.
 */
export async function openThread(
  deps: MessagesDeps,
  caller: Caller,
  withId: string,
  query: { limit: number; cursor?: string },
): Promise<{
  conversations: ConversationView[];
  other: User;
  items: Message[];
  nextCursor: string | null;
  canMessage: boolean;
  unreadNotifications?: number;
}> {
  const me = caller.user;
  const kind = threadKind(me.id, withId);
  const after = query.cursor ? decodeCursor(deps.cursorKey, kind, query.cursor, isPosition) : undefined;
  const [views, opened] = await Promise.all([
    conversationViews(deps.store, me.id, CONVERSATIONS_SHOWN),
    deps.store.openConversation(me.id, withId, { limit: query.limit, after }),
  ]);
  if (!opened) throw new NotFoundError("member");
  let conversations = views;
  let unreadNotifications: number | undefined;
  if (!query.cursor) {
    const read = opened.unreadCount > 0 && await markReadFrom(deps, me, opened.other);
    conversations = views.map((v) =>
      v.conversation.otherId === withId ? { ...v, conversation: { ...v.conversation, unreadCount: 0 } } : v
    );
    const before = caller.unreadNotifications;
    // The header was counted with the session, before the thread was opened; at the cap, that count is only a floor.
    if (read && opened.notified && before !== undefined) {
      unreadNotifications = before < UNREAD_CAP
        ? Math.max(0, before - 1)
        : await deps.store.countUnreadNotifications(me.id, UNREAD_CAP);
    }
  }
  const { messages } = opened;
  return {
    conversations,
    other: opened.other,
    items: messages.items,
    nextCursor: messages.next ? encodeCursor(deps.cursorKey, kind, messages.next) : null,
    canMessage: opened.connection === "accepted",
    unreadNotifications,
  };
}
