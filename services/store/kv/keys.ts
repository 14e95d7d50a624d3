// Every key the Deno KV store reads or writes, in one place. A record and its index keys are always written together
// in one atomic commit by the one write function of its entity in store.ts.
//
//   ["users", id]                            → User
//   ["users_by_email", lowercased email]     → id; the uniqueness claim, created under a versionstamp-null check
//   ["users_by_created", createdAtMs, id]    → User (a copy, so listing and filtering read one range, no lookups)
//   ["users_by_location", location, createdAtMs, id] → true; the location trimmed and lowercased, when not empty
//   ["users_by_headline_word", word, createdAtMs, id] → true; one per headline word (services/store/words.ts)
//   ["sessions", id]                         → Session
//   ["sessions_by_user", userId, sessionId]  → true
//   ["sessions_by_token", tokenHash]         → { sessionId }; kept for every token a family ever issued, so a
//                                              rotated token is recognised as reuse
//   ["session_tokens", sessionId, tokenHash] → true; a family's token history, so its keys above can be deleted
//   ["idempotency", userId, key]             → StoredIdempotency
//
//   ["posts", id]                                        → Post
//   ["posts_by_created", createdAtMs, id]                → Post (a copy: everyone's posts, newest first, one range)
//   ["posts_by_author", authorId, createdAtMs, id]       → Post (a copy: one author's posts, one range)
//
//   ["timeline", memberId, createdAtMs, postId]          → authorId; a member's home timeline (read in reverse)
//   ["timeline_by_post", postId, memberId]               → TimelineRef; which timelines a post reached
//   ["timeline_by_author", memberId, authorId, createdAtMs, postId] → true; one author's posts in one timeline
//   ["timeline_built", memberId]                         → Date; when the timeline was last built from scratch
//
//   ["connections", id]                                  → Connection
//   ["connections_by_member", memberId, connectionId]    → true; for both members, whatever the status
//   ["connection_pairs", lo, hi]                         → connectionId; the pair's claim (lo < hi: the two member
//                                                          ids sorted) while pending or accepted, created under a
//                                                          versionstamp-null check so one of racing invitations wins
//   ["connected", memberId, otherId]                     → connectionId; both directions, while accepted
//   ["member_connections", memberId, status, listing, createdAtMs, connectionId] → otherId; while pending or
//                                                          accepted, for both members, under listing "all" and under
//                                                          "outgoing" (the sender) or "incoming" (the receiver)
//
//   ["notifications", userId, id]                        → Notification (ids are time-ordered: newest last)
//   ["notifications_unread", userId, id]                 → true; while unread
//   ["notifications_by_subject", subjectId, userId, id]  → true; so deleting a connection or a message finds what
//                                                          is about it
//
//   ["messages", id]                                     → Message
//   ["conversation_messages", lo, hi, createdAtMs, id]   → true; a conversation's messages (lo < hi: the two member
//                                                          ids sorted), read newest first by listMessages
//   ["member_messages", memberId, createdAtMs, id]       → true; for sender and receiver: what a member sent or
//                                                          received, read oldest first by listMessagesAfter
//   ["messages_unread", receiverId, senderId, createdAtMs, id] → true; while unread, for markConversationRead
//   ["message_client_ids", senderId, clientId]           → messageId; the clientId claim, created under a
//                                                          versionstamp-null check so one of racing resends wins
//   ["conversations", memberId, otherId]                 → StoredConversation; one per member and partner: the
//                                                          newest message's id and time, the unread count, and the
//                                                          member's unread `message:received` notification from them
//   ["conversations_by_time", memberId, lastAtMs, lastMessageId] → otherId; moved with the newest message
//   ["ws_tickets", hash]                                 → StoredTicket; single-use WebSocket tickets
//
//   ["media", id]                                        → Media
//   ["media_by_owner", ownerId, id]                      → true; what deleting the member removes
//   ["media_unattached", createdAtMs, id]                → true; while unattached, for the orphan sweep
//
//   ["post_reactions", postId, memberId]                 → Reaction; a member's one reaction to a post, written
//                                                          under a versionstamp check with the post's checked too
//   ["post_reactions_by_time", postId, createdAtMs, memberId] → Reaction (a copy: a post's reactions, newest first)
//   ["post_reactions_by_type", postId, type, createdAtMs, memberId] → Reaction (a copy: one type's, newest first)
//   ["member_reactions", memberId, postId]               → true; what deleting the member removes
//   ["post_reaction_counts", postId, type]               → Deno.KvU64; changed only by `sum` in the commit that
//                                                          writes the reaction (a decrement adds 2^64 - 1), so
//                                                          racing reactions never lose a count; a deleted post's
//                                                          reactions and counts are removed by purgePostReactions
//
//   ["jobs", id]                                         → Job
//   ["jobs_by_created", createdAtMs, id]                 → Job (a copy: every job, newest first, one range)
//   ["jobs_by_type", jobType, createdAtMs, id]           → Job (a copy: one type's jobs; moves when the type does)
//   ["jobs_by_poster", posterId, createdAtMs, id]        → Job (a copy: one poster's jobs, and what a purge finds)
//
// Session keys expire (expireIn) a day after their family does, idempotency keys with their claim and tickets with
// themselves, so KV cleans them up without a sweeper. KV expiry is lazy, so readers still compare the stored expiry themselves. A timeline
// entry's three keys are always written and deleted together, so removing a post or an author is exact.
import type {
  Connection,
  Job,
  JobType,
  Media,
  Message,
  Notification,
  Post,
  Reaction,
  ReactionType,
  TicketGrant,
  User,
} from "../model.ts";
import { headlineWords } from "../words.ts";
import { MAX_KEY_TEXT } from "./shared.ts";

export const PING: Deno.KvKey = ["ping"];

export const user = (id: string): Deno.KvKey => ["users", id];
/** Emails are unique in any letter case: the claim is the lowercased address. */
export const userByEmail = (email: string): Deno.KvKey => ["users_by_email", email.toLowerCase()];
export const USERS_BY_CREATED: Deno.KvKey = ["users_by_created"];
export const userByCreated = (createdAtMs: number, id: string): Deno.KvKey => ["users_by_created", createdAtMs, id];

export const usersByLocation = (location: string): Deno.KvKey => ["users_by_location", location];
export const usersByHeadlineWord = (word: string): Deno.KvKey => ["users_by_headline_word", word];

/**
 * How locations compare: trimmed, in any letter case. Empty for no location, and for one too long to be a key part
 * (the API allows 255 characters), which then matches no one.
 */
export function locationKeyText(location: string): string {
  const text = location.trim().toLowerCase();
  return text.length > MAX_KEY_TEXT ? "" : text;
}

/**
 * Every index key of a member, so writes can tell which ones moved: the email claim and the created index first,
 * then the search keys (location, headline words), whose value is `true`.
 */
export function userIndexKeys(u: User): Deno.KvKey[] {
  const ms = u.createdAt.getTime();
  const index: Deno.KvKey[] = [userByEmail(u.email), userByCreated(ms, u.id)];
  const location = locationKeyText(u.location);
  if (location) index.push([...usersByLocation(location), ms, u.id]);
  for (const word of headlineWords(u.headline)) index.push([...usersByHeadlineWord(word), ms, u.id]);
  return index;
}

export const session = (id: string): Deno.KvKey => ["sessions", id];
export const sessionsByUser = (userId: string): Deno.KvKey => ["sessions_by_user", userId];
export const sessionByUser = (userId: string, sessionId: string): Deno.KvKey => [
  "sessions_by_user",
  userId,
  sessionId,
];
export const sessionByToken = (tokenHash: string): Deno.KvKey => ["sessions_by_token", tokenHash];
export const sessionTokens = (sessionId: string): Deno.KvKey => ["session_tokens", sessionId];
export const sessionToken = (sessionId: string, tokenHash: string): Deno.KvKey => [
  "session_tokens",
  sessionId,
  tokenHash,
];

export const idempotency = (userId: string, key: string): Deno.KvKey => ["idempotency", userId, key];
export const idempotencyOf = (userId: string): Deno.KvKey => ["idempotency", userId];

export const post = (id: string): Deno.KvKey => ["posts", id];
export const POSTS_BY_CREATED: Deno.KvKey = ["posts_by_created"];
export const postsByAuthor = (authorId: string): Deno.KvKey => ["posts_by_author", authorId];

/** Every index key of a post; they never move, because a post's author and creation time are fixed. */
export function postIndexKeys(p: Post): Deno.KvKey[] {
  const ms = p.createdAt.getTime();
  return [["posts_by_created", ms, p.id], ["posts_by_author", p.authorId, ms, p.id]];
}

export const media = (id: string): Deno.KvKey => ["media", id];
export const mediaByOwner = (ownerId: string): Deno.KvKey => ["media_by_owner", ownerId];
export const MEDIA_UNATTACHED: Deno.KvKey = ["media_unattached"];

/** Every index key of a media record: the owner's list always, the orphan list while unattached. */
export function mediaIndexKeys(m: Media): Deno.KvKey[] {
  const index: Deno.KvKey[] = [[...mediaByOwner(m.ownerId), m.id]];
  if (m.attachedTo === null) index.push([...MEDIA_UNATTACHED, m.createdAt.getTime(), m.id]);
  return index;
}

export const postReaction = (postId: string, memberId: string): Deno.KvKey => ["post_reactions", postId, memberId];
export const postReactions = (postId: string): Deno.KvKey => ["post_reactions", postId];
export const postReactionsByTime = (postId: string): Deno.KvKey => ["post_reactions_by_time", postId];
export const postReactionsByType = (postId: string, type: ReactionType): Deno.KvKey => [
  "post_reactions_by_type",
  postId,
  type,
];
export const memberReactions = (memberId: string): Deno.KvKey => ["member_reactions", memberId];
export const memberReaction = (memberId: string, postId: string): Deno.KvKey => ["member_reactions", memberId, postId];
export const postReactionCount = (postId: string, type: ReactionType): Deno.KvKey => [
  "post_reaction_counts",
  postId,
  type,
];

/** The two listing copies of a reaction: all of the post's, and its type's. */
export function reactionCopyKeys(r: Reaction): Deno.KvKey[] {
  const ms = r.createdAt.getTime();
  return [[...postReactionsByTime(r.postId), ms, r.memberId], [
    ...postReactionsByType(r.postId, r.type),
    ms,
    r.memberId,
  ]];
}

/** Every key of a reaction but its post's counters: the record, its listing copies, the member's index key. */
export function reactionKeys(r: Reaction): Deno.KvKey[] {
  return [postReaction(r.postId, r.memberId), ...reactionCopyKeys(r), memberReaction(r.memberId, r.postId)];
}

/** The value of a `timeline_by_post` key: enough to find the entry's other two keys. */
export interface TimelineRef {
  createdAtMs: number;
  authorId: string;
}

/** One post in one member's timeline, as its three keys name it. */
export interface TimelineKeyParts extends TimelineRef {
  memberId: string;
  postId: string;
}

export const timeline = (memberId: string): Deno.KvKey => ["timeline", memberId];
export const timelineByPost = (postId: string): Deno.KvKey => ["timeline_by_post", postId];
export const timelineByAuthor = (memberId: string, authorId: string): Deno.KvKey => [
  "timeline_by_author",
  memberId,
  authorId,
];
export const timelineBuilt = (memberId: string): Deno.KvKey => ["timeline_built", memberId];

/** A timeline entry's key, then its two reverse keys. */
export function timelineEntryKeys(e: TimelineKeyParts): [Deno.KvKey, Deno.KvKey, Deno.KvKey] {
  return [
    ["timeline", e.memberId, e.createdAtMs, e.postId],
    ["timeline_by_post", e.postId, e.memberId],
    ["timeline_by_author", e.memberId, e.authorId, e.createdAtMs, e.postId],
  ];
}

export const connection = (id: string): Deno.KvKey => ["connections", id];
export const connectionsByMember = (memberId: string): Deno.KvKey => ["connections_by_member", memberId];
export const connectionByMember = (memberId: string, connectionId: string): Deno.KvKey => [
  "connections_by_member",
  memberId,
  connectionId,
];
/** The same key whichever member invited the other. */
export const connectionPair = (a: string, b: string): Deno.KvKey =>
  a < b ? ["connection_pairs", a, b] : ["connection_pairs", b, a];
export const connectedTo = (memberId: string): Deno.KvKey => ["connected", memberId];

/** The two `connected` keys of an accepted connection, one per direction. */
export function connectedKeys(c: Connection): [Deno.KvKey, Deno.KvKey] {
  return [["connected", c.senderId, c.receiverId], ["connected", c.receiverId, c.senderId]];
}

/** Which of a member's connections a listing holds: all of them, or those they received or sent. */
export type ConnectionListing = "all" | "incoming" | "outgoing";

export const memberConnections = (
  memberId: string,
  status: "pending" | "accepted",
  listing: ConnectionListing,
): Deno.KvKey => ["member_connections", memberId, status, listing];

/** The listing keys of a pending or accepted connection, each with the other member as its value; none if rejected. */
export function connectionListingEntries(c: Connection): [Deno.KvKey, string][] {
  const status = c.status;
  if (status === "rejected") return [];
  const ms = c.createdAt.getTime();
  const key = (memberId: string, listing: ConnectionListing) => [
    ...memberConnections(memberId, status, listing),
    ms,
    c.id,
  ];
  return [
    [key(c.senderId, "all"), c.receiverId],
    [key(c.senderId, "outgoing"), c.receiverId],
    [key(c.receiverId, "all"), c.senderId],
    [key(c.receiverId, "incoming"), c.senderId],
  ];
}

/** What names a notification's keys; enough to delete one without reading it. */
export type NotificationRef = Pick<Notification, "id" | "userId" | "subjectId">;

export const notifications = (userId: string): Deno.KvKey => ["notifications", userId];
export const notification = (userId: string, id: string): Deno.KvKey => ["notifications", userId, id];
export const unreadNotifications = (userId: string): Deno.KvKey => ["notifications_unread", userId];
export const notificationsAbout = (subjectId: string): Deno.KvKey => ["notifications_by_subject", subjectId];

/** A notification's record key, its unread key and its by-subject key. */
export function notificationKeys(n: NotificationRef): [Deno.KvKey, Deno.KvKey, Deno.KvKey] {
  return [
    notification(n.userId, n.id),
    ["notifications_unread", n.userId, n.id],
    ["notifications_by_subject", n.subjectId, n.userId, n.id],
  ];
}

export const message = (id: string): Deno.KvKey => ["messages", id];
/** The same conversation whichever member is named first. */
export const conversationMessages = (a: string, b: string): Deno.KvKey =>
  a < b ? ["conversation_messages", a, b] : ["conversation_messages", b, a];
export const memberMessages = (memberId: string): Deno.KvKey => ["member_messages", memberId];
/** The unread messages `senderId` sent to `receiverId`. */
export const unreadMessages = (receiverId: string, senderId: string): Deno.KvKey => [
  "messages_unread",
  receiverId,
  senderId,
];
export const messageClientId = (senderId: string, clientId: string): Deno.KvKey => [
  "message_client_ids",
  senderId,
  clientId,
];

/**
 * A message's index keys: its place in the conversation, in both members' lists (one when a member wrote to
 * themself), and its unread key. They never move; the unread key goes once it is read.
 */
export function messageIndexKeys(m: Message): { index: Deno.KvKey[]; unread: Deno.KvKey } {
  const ms = m.createdAt.getTime();
  const index: Deno.KvKey[] = [[...conversationMessages(m.senderId, m.receiverId), ms, m.id]];
  for (const member of new Set([m.senderId, m.receiverId])) index.push(["member_messages", member, ms, m.id]);
  return { index, unread: [...unreadMessages(m.receiverId, m.senderId), ms, m.id] };
}

/** One member's side of a conversation. */
export interface StoredConversation {
  otherId: string;
  /** The newest message either way, and its time: its by-time key. */
  lastMessageId: string;
  lastAtMs: number;
  /** Messages from the other member this member has not read: exactly their `messages_unread` keys. */
  unreadCount: number;
  /**
   * The member's newest `message:received` notification from the other member; it may have been read since (marking
   * notifications read does not come here), so writers read it before they trust it.
   */
  noticeId: string | null;
}

export const conversations = (memberId: string): Deno.KvKey => ["conversations", memberId];
export const conversation = (memberId: string, otherId: string): Deno.KvKey => ["conversations", memberId, otherId];
export const conversationsByTime = (memberId: string): Deno.KvKey => ["conversations_by_time", memberId];
export const conversationByTime = (memberId: string, c: StoredConversation): Deno.KvKey => [
  "conversations_by_time",
  memberId,
  c.lastAtMs,
  c.lastMessageId,
];

export const job = (id: string): Deno.KvKey => ["jobs", id];
export const JOBS_BY_CREATED: Deno.KvKey = ["jobs_by_created"];
export const jobsByType = (jobType: JobType): Deno.KvKey => ["jobs_by_type", jobType];
export const jobsByPoster = (posterId: string): Deno.KvKey => ["jobs_by_poster", posterId];

/**
 * Every listing key of a job; each holds a copy of the record. Only the by-type key can move (the type may change);
 * the poster and the creation time are fixed.
 */
export function jobIndexKeys(j: Job): Deno.KvKey[] {
  const ms = j.createdAt.getTime();
  return [
    [...JOBS_BY_CREATED, ms, j.id],
    [...jobsByType(j.jobType), ms, j.id],
    [...jobsByPoster(j.posterId), ms, j.id],
  ];
}

/** A WebSocket ticket as stored: its grant and when it stops being valid (KV's own expiry is lazy). */
export interface StoredTicket extends TicketGrant {
  expiresAt: number;
}

export const ticket = (hash: string): Deno.KvKey => ["ws_tickets", hash];

/**
 * An upper bound of a key's encoded size, which KV limits per commit (80 KiB of keys in all): a string part is its
 * UTF-8 bytes plus a type byte and a terminator (a NUL inside is escaped to two bytes, counted as two), a number nine.
 */
export function keyBytes(key: Deno.KvKey): number {
  let n = 0;
  for (const part of key) {
    if (typeof part === "string") n += 2 + utf8Bytes(part, 2);
    else if (part instanceof Uint8Array) n += 2 + 2 * part.byteLength;
    else n += 9;
  }
  return n;
}

/** UTF-8 bytes of `text`, counting each NUL as `nul` (an escaped one in a key takes two). */
function utf8Bytes(text: string, nul = 1): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    n += c === 0 ? nul : c < 0x80 ? 1 : c < 0x800 ? 2 : 3; // a surrogate pair is 3 + 3 here, 4 in UTF-8: an upper bound
  }
  return n;
}
