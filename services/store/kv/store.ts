// The Deno KV adapter of the storage port. The key layout is in keys.ts. Each entity has one write function
// (stageUser, writeSession, writePost, writeTimelineEntry, writeConnection, writeNotification, writeMessage,
// writeConversation, writeJob, and the idempotency and ticket methods) that puts the
// record and all its index keys in one atomic commit, guarded by versionstamp checks: a lost race fails the commit and
// the caller re-reads, never overwrites. Members, sessions, idempotency keys, posts, home timelines, connections,
// notifications, messages (with conversations), jobs and WebSocket tickets live in users.ts, sessions.ts,
// idempotency.ts, posts.ts, timelines.ts, connections.ts, notifications.ts, messages.ts, jobs.ts and tickets.ts; reads across the connection graph in graph.ts; bulk import in imports.ts, purging a deleted
// member in purge.ts; what they share is in shared.ts.
import type {
  Connection,
  ConnectionsPage,
  ConnectionsQuery,
  Conversation,
  ConversationOpening,
  IdempotencyClaim,
  IdempotencyCompletion,
  IdempotencyRecord,
  Job,
  JobPatch,
  JobsPage,
  JobsQuery,
  ListUsersQuery,
  Message,
  MessagePosition,
  MessagesPage,
  NetworkListing,
  NewJob,
  NewMessage,
  NewPost,
  NewUser,
  NotificationPosition,
  NotificationsPage,
  Post,
  PostPatch,
  PostPosition,
  PostsPage,
  PostsQuery,
  Session,
  SessionByToken,
  SuggestionCandidates,
  SuggestionQuery,
  TicketGrant,
  TimelineEntry,
  TimelinePage,
  User,
  UserPatch,
  UsersPage,
} from "../model.ts";
import type { Store } from "../store.ts";
import * as connections from "./connections.ts";
import * as graph from "./graph.ts";
import * as idempotency from "./idempotency.ts";
import * as imports from "./imports.ts";
import * as jobs from "./jobs.ts";
import * as keys from "./keys.ts";
import * as messages from "./messages.ts";
import * as notifications from "./notifications.ts";
import * as posts from "./posts.ts";
import { purgeMemberContent } from "./purge.ts";
import * as search from "./search.ts";
import * as sessions from "./sessions.ts";
import * as suggestions from "./suggestions.ts";
import type { SearchDocument, SearchHit, SearchType } from "../model.ts";
import type { Ctx } from "./shared.ts";
import * as tickets from "./tickets.ts";
import * as timelines from "./timelines.ts";
import * as users from "./users.ts";
import { KvEventQueue } from "./queue.ts";
import { KvOnce } from "./once.ts";
import { KvDirtyRecords } from "./dirty.ts";

/** The storage port on Deno KV, with the event queue, the once records and the dirty search records in the same KV. */
export class KvStore implements Store {
  readonly kind = "deno-kv";
  readonly queue: KvEventQueue;
  readonly once: KvOnce;
  readonly searchDirty: KvDirtyRecords;

  /** What the modules of this adapter get. */
  readonly #ctx: Ctx;

  constructor(private readonly kv: Deno.Kv) {
    this.queue = new KvEventQueue(kv);
    this.once = new KvOnce(kv);
    this.searchDirty = new KvDirtyRecords(kv);
    this.#ctx = { kv };
  }

  // --- members -----------------------------------------------------------------------------------------------------

  createUser(input: NewUser): Promise<User> {
    return users.createUser(this.#ctx, input);
  }

  getUser(id: string): Promise<User | null> {
    return users.getUser(this.#ctx, id);
  }

  getUsers(ids: string[]): Promise<User[]> {
    return users.getUsers(this.#ctx, ids);
  }

  getUserByEmail(email: string): Promise<User | null> {
    return users.getUserByEmail(this.#ctx, email);
  }

  listUsers(query: ListUsersQuery): Promise<UsersPage> {
    return users.listUsers(this.#ctx, query);
  }

  updateUser(id: string, patch: UserPatch): Promise<User | null> {
    return users.updateUser(this.#ctx, id, patch);
  }

  deleteUser(id: string): Promise<boolean> {
    return users.deleteUser(this.#ctx, id);
  }

  // --- sessions ----------------------------------------------------------------------------------------------------

  createSession(input: { userId: string; tokenHash: string; expiresAt: Date }): Promise<Session> {
    return sessions.createSession(this.#ctx, input);
  }

  getSession(id: string): Promise<Session | null> {
    return sessions.getSession(this.#ctx, id);
  }

  async getSessionWithUser(
    id: string,
    unreadCap = 0,
  ): Promise<{ session: Session; user: User; unreadNotifications: number } | null> {
    const session = await this.getSession(id);
    if (!session) return null;
    // Both need only the session's member id: read side by side.
    const [user, unreadNotifications] = await Promise.all([
      this.getUser(session.userId),
      unreadCap > 0 ? this.countUnreadNotifications(session.userId, unreadCap) : 0,
    ]);
    return user ? { session, user, unreadNotifications } : null;
  }

  findSessionByToken(tokenHash: string): Promise<SessionByToken | null> {
    return sessions.findSessionByToken(this.#ctx, tokenHash);
  }

  rotateSession(id: string, fromHash: string, toHash: string, at?: Date): Promise<boolean> {
    return sessions.rotateSession(this.#ctx, id, fromHash, toHash, at);
  }

  revokeSession(id: string): Promise<void> {
    return sessions.revokeSession(this.#ctx, id);
  }

  revokeUserSessions(userId: string): Promise<void> {
    return sessions.revokeUserSessions(this.#ctx, userId);
  }

  // --- idempotency keys --------------------------------------------------------------------------------------------

  claimIdempotency(
    userId: string,
    key: string,
    claim: { requestHash: string; token: string; leaseMs: number },
  ): Promise<IdempotencyRecord | null> {
    return idempotency.claimIdempotency(this.#ctx, userId, key, claim);
  }

  renewIdempotency(claim: IdempotencyClaim, leaseMs: number): Promise<boolean> {
    return idempotency.renewIdempotency(this.#ctx, claim, leaseMs);
  }

  finishIdempotency(
    claim: IdempotencyClaim,
    result: { status: number; body: string },
    keepMs: number,
  ): Promise<boolean> {
    return idempotency.finishIdempotency(this.#ctx, claim, result, keepMs);
  }

  releaseIdempotency(claim: IdempotencyClaim): Promise<void> {
    return idempotency.releaseIdempotency(this.#ctx, claim);
  }

  // --- posts -------------------------------------------------------------------------------------------------------

  createPost(input: NewPost, done?: IdempotencyCompletion<Post>): Promise<Post> {
    return posts.createPost(this.#ctx, input, done);
  }

  getPost(id: string): Promise<Post | null> {
    return posts.getPost(this.#ctx, id);
  }

  getPosts(ids: string[]): Promise<Post[]> {
    return posts.getPosts(this.#ctx, ids);
  }

  updatePost(id: string, patch: PostPatch): Promise<Post | null> {
    return posts.updatePost(this.#ctx, id, patch);
  }

  deletePost(id: string): Promise<boolean> {
    return posts.deletePost(this.#ctx, id);
  }

  listPosts(query: PostsQuery): Promise<PostsPage> {
    return posts.listPosts(this.#ctx, query);
  }

  // --- timelines ---------------------------------------------------------------------------------------------------

  addToTimelines(memberIds: string[], entry: TimelineEntry): Promise<void> {
    return timelines.addToTimelines(this.#ctx, memberIds, entry);
  }

  removePostFromTimelines(postId: string): Promise<void> {
    return timelines.removePostFromTimelines(this.#ctx, postId);
  }

  removeAuthorFromTimeline(memberId: string, authorId: string): Promise<void> {
    return timelines.removeAuthorFromTimeline(this.#ctx, memberId, authorId);
  }

  listTimelinePosts(memberId: string, query: { limit: number; after?: PostPosition }): Promise<PostsPage> {
    return timelines.listTimelinePosts(this.#ctx, memberId, query);
  }

  listTimeline(memberId: string, query: { limit: number; after?: PostPosition }): Promise<TimelinePage> {
    return timelines.listTimeline(this.#ctx, memberId, query);
  }

  trimTimeline(memberId: string, keep: number): Promise<void> {
    return timelines.trimTimeline(this.#ctx, memberId, keep);
  }

  getTimelineBuiltAt(memberId: string): Promise<Date | null> {
    return timelines.getTimelineBuiltAt(this.#ctx, memberId);
  }

  setTimelineBuiltAt(memberId: string, at: Date): Promise<void> {
    return timelines.setTimelineBuiltAt(this.#ctx, memberId, at);
  }

  // --- connections -------------------------------------------------------------------------------------------------

  createConnection(
    input: { senderId: string; receiverId: string; message: string },
    done?: IdempotencyCompletion<Connection>,
  ): Promise<Connection> {
    return connections.createConnection(this.#ctx, input, done);
  }

  getConnection(id: string): Promise<Connection | null> {
    return connections.getConnection(this.#ctx, id);
  }

  setConnectionStatus(id: string, status: "accepted" | "rejected"): Promise<Connection | null> {
    return connections.setConnectionStatus(this.#ctx, id, status);
  }

  deleteConnection(id: string): Promise<boolean> {
    return connections.deleteConnection(this.#ctx, id);
  }

  listConnectedIds(memberId: string): Promise<string[]> {
    return connections.listConnectedIds(this.#ctx, memberId);
  }

  listConnections(memberId: string, query: ConnectionsQuery): Promise<ConnectionsPage> {
    return connections.listConnections(this.#ctx, memberId, query);
  }

  listNetwork(memberId: string, limit: number): Promise<NetworkListing> {
    return connections.listNetwork(this.#ctx, memberId, limit);
  }

  getConnectionBetween(a: string, b: string): Promise<Connection | null> {
    return connections.getConnectionBetween(this.#ctx, a, b);
  }

  countPendingSent(senderId: string, since: Date): Promise<number> {
    return connections.countPendingSent(this.#ctx, senderId, since);
  }

  countMutualConnections(a: string, b: string): Promise<number> {
    return graph.countMutualConnections(this.#ctx, a, b);
  }

  listSuggestionCandidates(memberId: string, query: SuggestionQuery): Promise<SuggestionCandidates> {
    return suggestions.listSuggestionCandidates(this.#ctx, memberId, query);
  }

  // --- messages ----------------------------------------------------------------------------------------------------

  createMessage(
    input: NewMessage,
    done?: IdempotencyCompletion<{ message: Message; created: boolean }>,
  ): Promise<{ message: Message; created: boolean }> {
    return messages.createMessage(this.#ctx, input, done);
  }

  getMessage(id: string): Promise<Message | null> {
    return messages.getMessage(this.#ctx, id);
  }

  listMessages(a: string, b: string, query: { limit: number; after?: MessagePosition }): Promise<MessagesPage> {
    return messages.listMessages(this.#ctx, a, b, query);
  }

  listMessagesAfter(memberId: string, after: MessagePosition | null, limit: number): Promise<Message[]> {
    return messages.listMessagesAfter(this.#ctx, memberId, after, limit);
  }

  listConversations(memberId: string, limit: number): Promise<Conversation[]> {
    return messages.listConversations(this.#ctx, memberId, limit);
  }

  openConversation(
    memberId: string,
    otherId: string,
    query: { limit: number; after?: MessagePosition },
  ): Promise<ConversationOpening | null> {
    return messages.openConversation(this.#ctx, memberId, otherId, query);
  }

  markConversationRead(memberId: string, otherId: string): Promise<boolean> {
    return messages.markConversationRead(this.#ctx, memberId, otherId);
  }

  // --- jobs --------------------------------------------------------------------------------------------------------

  createJob(input: NewJob, done?: IdempotencyCompletion<Job>): Promise<Job> {
    return jobs.createJob(this.#ctx, input, done);
  }

  getJob(id: string): Promise<Job | null> {
    return jobs.getJob(this.#ctx, id);
  }

  getJobs(ids: string[]): Promise<Job[]> {
    return jobs.getJobs(this.#ctx, ids);
  }

  updateJob(id: string, patch: JobPatch): Promise<Job | null> {
    return jobs.updateJob(this.#ctx, id, patch);
  }

  deleteJob(id: string): Promise<boolean> {
    return jobs.deleteJob(this.#ctx, id);
  }

  listJobs(query: JobsQuery): Promise<JobsPage> {
    return jobs.listJobs(this.#ctx, query);
  }

  // --- the built-in search index (search.ts) -----------------------------------------------------------------------

  indexDocuments(docs: SearchDocument[]): Promise<void> {
    return search.indexDocuments(this.#ctx, docs);
  }

  removeDocuments(type: SearchType, ids: string[]): Promise<void> {
    return search.removeDocuments(this.#ctx, type, ids);
  }

  clearIndex(type: SearchType): Promise<void> {
    return search.clearIndex(this.#ctx, type);
  }

  searchIndex(type: SearchType, words: string[], query: { limit: number; offset: number }): Promise<SearchHit[]> {
    return search.searchIndex(this.#ctx, type, words, query);
  }

  // --- WebSocket tickets -------------------------------------------------------------------------------------------

  saveTicket(hash: string, grant: TicketGrant, ttlMs: number): Promise<void> {
    return tickets.saveTicket(this.#ctx, hash, grant, ttlMs);
  }

  takeTicket(hash: string): Promise<TicketGrant | null> {
    return tickets.takeTicket(this.#ctx, hash);
  }

  // --- notifications -----------------------------------------------------------------------------------------------

  listNotifications(
    userId: string,
    query: { limit: number; after?: NotificationPosition },
  ): Promise<NotificationsPage> {
    return notifications.listNotifications(this.#ctx, userId, query);
  }

  countUnreadNotifications(userId: string, cap: number): Promise<number> {
    return notifications.countUnreadNotifications(this.#ctx, userId, cap);
  }

  markNotificationsRead(userId: string, ids?: string[]): Promise<void> {
    return notifications.markNotificationsRead(this.#ctx, userId, ids);
  }

  // --- bulk import ---------------------------------------------------------------------------------------------------

  importUsers(list: (NewUser & { createdAt: Date })[]): Promise<string[]> {
    return imports.importUsers(this.#ctx, list);
  }

  importPosts(list: (NewPost & { createdAt: Date })[]): Promise<string[]> {
    return imports.importPosts(this.#ctx, list);
  }

  importConnections(list: { senderId: string; receiverId: string; createdAt: Date }[]): Promise<void> {
    return imports.importConnections(this.#ctx, list);
  }

  importTimeline(entries: (TimelineEntry & { memberId: string })[]): Promise<void> {
    return imports.importTimeline(this.#ctx, entries);
  }

  // --- purging a deleted member ------------------------------------------------------------------------------------

  purgeMemberContent(memberId: string): Promise<boolean> {
    return purgeMemberContent(this.#ctx, memberId);
  }

  // --- lifecycle ---------------------------------------------------------------------------------------------------

  /** One cheap read: answers when KV answers. */
  async ping(): Promise<void> {
    await this.kv.get(keys.PING);
  }

  close(): Promise<void> {
    this.kv.close();
    return Promise.resolve();
  }
}
