// The MySQL / MariaDB adapter of the storage port: a facade over one file per aggregate (users.ts, sessions.ts,
// idempotency.ts, posts.ts, timelines.ts, connections.ts, notifications.ts, messages.ts, jobs.ts, search.ts,
// suggestions.ts, tickets.ts, imports.ts, purge.ts), as kv/store.ts is for Deno KV. It owns the lifecycle: the pools
// (pool.ts), migrations (migrate.ts), the queue on the outbox (queue.ts) with the records beside it (once.ts,
// dirty.ts), and the timer that purges expired rows. All SQL binds every value as a parameter.
import { log } from "../../log.ts";
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
  SearchDocument,
  SearchHit,
  SearchType,
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
import * as idempotency from "./idempotency.ts";
import * as imports from "./imports.ts";
import * as jobs from "./jobs.ts";
import * as messages from "./messages.ts";
import * as notifications from "./notifications.ts";
import * as posts from "./posts.ts";
import * as purge from "./purge.ts";
import * as search from "./search.ts";
import * as sessions from "./sessions.ts";
import * as suggestions from "./suggestions.ts";
import * as tickets from "./tickets.ts";
import * as timelines from "./timelines.ts";
import * as users from "./users.ts";
import { migrate } from "./migrate.ts";
import { type Database, openDatabase } from "./pool.ts";
import { MysqlDirtyRecords } from "./dirty.ts";
import { MysqlOnce } from "./once.ts";
import { MysqlEventQueue, type MysqlQueueOptions } from "./queue.ts";
import type { Ctx } from "./shared.ts";

/** Expired idempotency keys, session families and tickets are purged this often, a bounded batch at a time. */
const PURGE_INTERVAL_MS = 60_000;

/** The storage port on MySQL 8 or MariaDB 10.11; its outbox table is the queue the workers take events from. */
export class MysqlStore implements Store {
  readonly kind = "mysql";
  #timers: ReturnType<typeof setInterval>[] = [];
  #purging: Promise<void> | null = null;
  #closed = false;
  readonly queue: MysqlEventQueue;
  readonly once: MysqlOnce;
  readonly searchDirty: MysqlDirtyRecords;

  /** What the aggregate files get. */
  readonly #ctx: Ctx;

  private constructor(private readonly db: Database, queue: MysqlQueueOptions) {
    this.queue = new MysqlEventQueue(db, queue);
    this.once = new MysqlOnce(db);
    this.searchDirty = new MysqlDirtyRecords(db);
    this.#ctx = { db, kick: () => this.queue.kick() };
  }

  /** Statements the app's requests sent so far (tests/sql_budget_test.ts counts them per page). */
  get statements(): number {
    return this.db.statements;
  }

  /** Connects, applies pending migrations and starts the purge timer; the workers listen on `queue`. */
  static async open(databaseUrl: string, queue: MysqlQueueOptions = {}): Promise<MysqlStore> {
    const db = openDatabase(databaseUrl);
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      throw err;
    }
    const store = new MysqlStore(db, queue);
    store.#timers.push(setInterval(() => store.#purge(), PURGE_INTERVAL_MS));
    return store;
  }

  // --- members -----------------------------------------------------------------------------------------------------

  createUser(input: NewUser): Promise<User> {
    return users.createUser(this.#ctx, input);
  }

  importUsers(list: (NewUser & { createdAt: Date })[]): Promise<string[]> {
    return imports.importUsers(this.#ctx, list);
  }

  getUser(id: string): Promise<User | null> {
    return users.getUser(this.#ctx, id);
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

  getUsers(ids: string[]): Promise<User[]> {
    return users.getUsers(this.#ctx, ids);
  }

  purgeMemberContent(memberId: string): Promise<boolean> {
    return purge.purgeMemberContent(this.#ctx, memberId);
  }

  // --- posts ---------------------------------------------------------------------------------------------------------

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

  importPosts(input: (NewPost & { createdAt: Date })[]): Promise<string[]> {
    return imports.importPosts(this.#ctx, input);
  }

  // --- home timelines ------------------------------------------------------------------------------------------------

  addToTimelines(memberIds: string[], entry: TimelineEntry): Promise<void> {
    return timelines.addToTimelines(this.#ctx, memberIds, entry);
  }

  removePostFromTimelines(postId: string): Promise<void> {
    return timelines.removePostFromTimelines(this.#ctx, postId);
  }

  removeAuthorFromTimeline(memberId: string, authorId: string): Promise<void> {
    return timelines.removeAuthorFromTimeline(this.#ctx, memberId, authorId);
  }

  listTimeline(memberId: string, query: { limit: number; after?: PostPosition }): Promise<TimelinePage> {
    return timelines.listTimeline(this.#ctx, memberId, query);
  }

  listTimelinePosts(memberId: string, query: { limit: number; after?: PostPosition }): Promise<PostsPage> {
    return timelines.listTimelinePosts(this.#ctx, memberId, query);
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

  importTimeline(entries: (TimelineEntry & { memberId: string })[]): Promise<void> {
    return imports.importTimeline(this.#ctx, entries);
  }

  // --- connections ---------------------------------------------------------------------------------------------------

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

  importConnections(list: { senderId: string; receiverId: string; createdAt: Date }[]): Promise<void> {
    return imports.importConnections(this.#ctx, list);
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
    return connections.countMutualConnections(this.#ctx, a, b);
  }

  listSuggestionCandidates(memberId: string, query: SuggestionQuery): Promise<SuggestionCandidates> {
    return suggestions.listSuggestionCandidates(this.#ctx, memberId, query);
  }

  // --- messages and conversations ------------------------------------------------------------------------------------

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

  // --- jobs ----------------------------------------------------------------------------------------------------------

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

  // --- search (search.ts) --------------------------------------------------------------------------------------------
  // InnoDB keeps the FULLTEXT indexes in the same transaction as their rows, so the records are the index and there
  // is nothing to write, remove or clear: these three are no-ops (the contract checks what searchIndex sees).

  indexDocuments(_docs: SearchDocument[]): Promise<void> {
    return Promise.resolve();
  }

  removeDocuments(_type: SearchType, _ids: string[]): Promise<void> {
    return Promise.resolve();
  }

  clearIndex(_type: SearchType): Promise<void> {
    return Promise.resolve();
  }

  searchIndex(type: SearchType, words: string[], query: { limit: number; offset: number }): Promise<SearchHit[]> {
    return search.searchIndex(this.#ctx, type, words, query);
  }

  // --- WebSocket tickets ---------------------------------------------------------------------------------------------

  saveTicket(hash: string, grant: TicketGrant, ttlMs: number): Promise<void> {
    return tickets.saveTicket(this.#ctx, hash, grant, ttlMs);
  }

  takeTicket(hash: string): Promise<TicketGrant | null> {
    return tickets.takeTicket(this.#ctx, hash);
  }

  // --- notifications -------------------------------------------------------------------------------------------------

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

  // --- refresh-token families ----------------------------------------------------------------------------------------

  createSession(input: { userId: string; tokenHash: string; expiresAt: Date }): Promise<Session> {
    return sessions.createSession(this.#ctx, input);
  }

  getSession(id: string): Promise<Session | null> {
    return sessions.getSession(this.#ctx, id);
  }

  getSessionWithUser(
    id: string,
    unreadCap = 0,
  ): Promise<{ session: Session; user: User; unreadNotifications: number } | null> {
    return sessions.getSessionWithUser(this.#ctx, id, unreadCap);
  }

  findSessionByToken(tokenHash: string): Promise<SessionByToken | null> {
    return sessions.findSessionByToken(this.#ctx, tokenHash);
  }

  rotateSession(id: string, fromHash: string, toHash: string, at = new Date()): Promise<boolean> {
    return sessions.rotateSession(this.#ctx, id, fromHash, toHash, at);
  }

  revokeSession(id: string): Promise<void> {
    return sessions.revokeSession(this.#ctx, id);
  }

  revokeUserSessions(userId: string): Promise<void> {
    return sessions.revokeUserSessions(this.#ctx, userId);
  }

  // --- idempotency keys (idempotency.ts) ----------------------------------------------------------------------------

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

  // --- lifecycle -----------------------------------------------------------------------------------------------------

  async ping(): Promise<void> {
    await this.db.ping();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    await Promise.all([this.queue.close(), this.#purging]);
    await this.db.close();
  }

  #purge(): void {
    if (this.#closed || this.#purging) return;
    this.#purging = purge.purgeExpired(this.#ctx)
      .catch((err) => log.warn("purge failed; retrying later", { kind: "purge", error: err }))
      .finally(() => {
        this.#purging = null;
      });
  }
}
