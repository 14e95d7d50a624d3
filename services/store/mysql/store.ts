// The MySQL / MariaDB adapter of the storage port. Schema: migrations/. Every member write commits an outbox row in
// the same transaction; a relay moves outbox rows into the KV queue (enqueue first, delete after: at least once, and
// workers dedupe by eventId). All SQL goes through pool.ts and binds every value as a parameter. Posts, home timelines
// and connections live in posts.ts, timelines.ts and connections.ts, notifications in notifications.ts, messages and
// conversations in messages.ts, jobs in jobs.ts, WebSocket tickets in tickets.ts, members by place or headline in
// users.ts; what they share with this file is in shared.ts.
import { ConflictError } from "../../errors.ts";
import { MEMBER_DELETION, MEMBER_PURGE, type MemberDeletionStep, type MemberPurgeStep } from "../../rules/members.ts";
import { profileChanges } from "../../rules/patches.ts";
import * as users from "./users.ts";
import { aliasedUserColumns, toUser, USER_COLUMNS, userFromAliased, type UserRow } from "./users.ts";
import { newUserRecord } from "../records.ts";
import { enqueueOptions } from "../events.ts";
import type {
  Connection,
  ConnectionsPage,
  ConnectionsQuery,
  Conversation,
  ConversationOpening,
  DomainEvent,
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
import * as idempotency from "./idempotency.ts";
import * as jobs from "./jobs.ts";
import * as messages from "./messages.ts";
import { migrate } from "./migrate.ts";
import * as notifications from "./notifications.ts";
import { type Database, type Executor, openDatabase, type Param } from "./pool.ts";
import { actingMember, type ReplicaOptions, WROTE_AT_COLUMN } from "./replicas.ts";
import { log } from "../../log.ts";
import * as posts from "./posts.ts";
import * as search from "./search.ts";
import * as suggestions from "./suggestions.ts";
import {
  type Ctx,
  dbId,
  dbIds,
  inLists,
  insertWithIds,
  isDuplicate,
  outboxEvent,
  updateRow,
  writeEvents,
} from "./shared.ts";
import type { SearchDocument, SearchHit, SearchType } from "../model.ts";
import * as tickets from "./tickets.ts";
import * as timelines from "./timelines.ts";

const RELAY_INTERVAL_MS = 1_000;
const RELAY_BATCH = 100;
/** Expired idempotency keys and session families are purged this often, a bounded batch at a time. */
const PURGE_INTERVAL_MS = 60_000;
const PURGE_BATCH = 1_000;
/** Families outlive their expiry by this long, so a late reuse of one of their tokens is still recognised. */
const SESSION_GRACE_MS = 24 * 60 * 60 * 1000;
/**
 * A member's content is purged this many rows (posts, jobs, connections, messages, conversations, notifications) per
 * transaction, this many batches per call.
 */
const MEMBER_PURGE_BATCH = 500;
const MEMBER_PURGE_BATCHES = 20;

const SESSION_COLUMNS = "id, user_id, token_hash, created_at, expires_at, revoked_at, rotated_at";

/** The column of each field a profile patch may set (rules/patches.ts decides which it sets). */
const PATCH_COLUMNS = {
  firstName: "first_name",
  lastName: "last_name",
  headline: "headline",
  bio: "bio",
  location: "location",
  profilePictureUrl: "profile_picture_url",
  passwordHash: "password_hash",
  role: "role",
} as const satisfies Record<keyof UserPatch, string>;

interface SessionRow {
  id: string | number;
  user_id: string | number;
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  rotated_at: Date | null;
}

function toSession(row: SessionRow): Session {
  return {
    id: String(row.id),
    userId: String(row.user_id),
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    rotatedAt: row.rotated_at,
  };
}

/** How each step of MEMBER_DELETION is done here, in the deleting transaction. */
const DELETION_STEPS: Record<MemberDeletionStep, (tx: Executor, memberId: string) => Promise<unknown>> = {
  sessions: () => Promise.resolve(), // with the row: sessions and their token hashes are ON DELETE CASCADE
  idempotencyKeys: (tx, memberId) => tx.execute("DELETE FROM idempotency_keys WHERE user_id = ?", [memberId]),
};

/** How each step of MEMBER_PURGE is done here: a batch of at most `batch` rows, answering how many it found. */
const PURGE_STEPS: Record<MemberPurgeStep, (ctx: Ctx, memberId: string, batch: number) => Promise<number>> = {
  posts: posts.purgeAuthorPosts,
  jobs: jobs.purgePosterJobs,
  connections: connections.purgeMemberConnections,
  messages: messages.purgeMemberMessages,
  conversations: messages.purgeMemberConversations,
  notifications: notifications.purgeMemberNotifications,
  timeline: async (ctx, memberId) => (await timelines.purgeMemberTimeline(ctx, memberId), 0),
};

const USER_UPDATE = { table: "users", columns: USER_COLUMNS, event: "user.updated", toRecord: toUser } as const;

async function writeEvent(tx: Executor, type: DomainEvent["type"], id: string): Promise<void> {
  await writeEvents(tx, [outboxEvent(type, id)]);
}

/** The storage port on MySQL 8 or MariaDB 10.11; events reach the workers through the given KV queue. */
export class MysqlStore implements Store {
  readonly kind = "mysql";
  #timers: ReturnType<typeof setInterval>[] = [];
  #relaying: Promise<void> | null = null;
  #purging: Promise<void> | null = null;
  #relayAgain = false;
  #closed = false;

  /** What posts.ts, timelines.ts and connections.ts get. */
  readonly #ctx: Ctx;

  private constructor(private readonly db: Database, readonly queue: Deno.Kv) {
    this.#ctx = { db, kick: () => this.#kick() };
  }

  /** Statements the app's requests sent so far (tests/sql_budget_test.ts counts them per page). */
  get statements(): number {
    return this.db.statements;
  }

  /**
   * Connects, applies pending migrations and starts the outbox relay; `reads` names read replicas. The caller keeps
   * ownership of `queue`.
   */
  static async open(databaseUrl: string, queue: Deno.Kv, reads?: ReplicaOptions): Promise<MysqlStore> {
    const db = openDatabase(databaseUrl, reads);
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      throw err;
    }
    const store = new MysqlStore(db, queue);
    store.#timers.push(
      setInterval(() => store.#kick(), RELAY_INTERVAL_MS),
      setInterval(() => store.#purge(), PURGE_INTERVAL_MS),
    );
    store.#kick();
    return store;
  }

  // --- members -----------------------------------------------------------------------------------------------------

  async createUser(input: NewUser): Promise<User> {
    const now = new Date();
    const user = newUserRecord(input, now);
    let id: string;
    try {
      id = await this.db.writer.transaction(async (tx) => {
        const { insertId } = await tx.execute(
          "INSERT INTO users (email, email_lower, password_hash, first_name, last_name, headline, bio, location, " +
            "profile_picture_url, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          [
            user.email,
            user.email.toLowerCase(),
            user.passwordHash,
            user.firstName,
            user.lastName,
            user.headline,
            user.bio,
            user.location,
            user.profilePictureUrl,
            user.role,
            now,
            now,
          ],
        );
        await writeEvent(tx, "user.created", insertId);
        return insertId;
      });
    } catch (err) {
      if (isDuplicate(err, "uq_users_email_lower")) {
        throw new ConflictError("That email is already registered.", "email");
      }
      throw err;
    }
    this.#kick();
    return { id, ...user };
  }

  /**
   * Bulk import (see Store): explicit consecutive ids, IMPORT_BATCH rows per transaction, no outbox rows. ConflictError
   * when an email is taken, by a member or twice in the input; the batch that hit it is rolled back, earlier ones stay.
   */
  async importUsers(users: (NewUser & { createdAt: Date })[]): Promise<string[]> {
    try {
      return await insertWithIds(
        this.db,
        "users",
        "INSERT INTO users (id, email, email_lower, password_hash, first_name, last_name, headline, bio, location, " +
          "profile_picture_url, role, created_at, updated_at)",
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        users.map((input) => newUserRecord(input, input.createdAt)),
        (u, out) =>
          out.push(
            u.email,
            u.email.toLowerCase(),
            u.passwordHash,
            u.firstName,
            u.lastName,
            u.headline,
            u.bio,
            u.location,
            u.profilePictureUrl,
            u.role,
            u.createdAt,
            u.updatedAt,
          ),
      );
    } catch (err) {
      if (isDuplicate(err, "uq_users_email_lower")) {
        throw new ConflictError("That email is already registered.", "email");
      }
      throw err;
    }
  }

  async getUser(id: string): Promise<User | null> {
    const key = dbId(id);
    if (!key) return null;
    const [row] = await this.db.reader.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`, [key]);
    return row ? toUser(row) : null;
  }

  async getUserByEmail(email: string): Promise<User | null> {
    const [row] = await this.db.reader.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE email_lower = ?`, [
      email.toLowerCase(),
    ]);
    return row ? toUser(row) : null;
  }

  listUsers(query: ListUsersQuery): Promise<UsersPage> {
    return users.listUsers(this.#ctx, query);
  }

  async updateUser(id: string, patch: UserPatch): Promise<User | null> {
    const key = dbId(id);
    if (!key) return null;
    const changes = (Object.entries(profileChanges(patch)) as [keyof UserPatch, Param][])
      .map(([field, value]): [string, Param] => [PATCH_COLUMNS[field], value]);
    return await updateRow(this.#ctx, USER_UPDATE, key, changes);
  }

  async deleteUser(id: string): Promise<boolean> {
    const key = dbId(id);
    if (!key) return false;
    const deleted = await this.db.writer.transaction(async (tx) => {
      const { affectedRows } = await tx.execute("DELETE FROM users WHERE id = ?", [key]);
      if (affectedRows === 0) return false;
      for (const step of MEMBER_DELETION) await DELETION_STEPS[step](tx, key);
      await writeEvent(tx, "user.deleted", key);
      return true;
    });
    if (deleted) this.#kick();
    return deleted;
  }

  async getUsers(ids: string[]): Promise<User[]> {
    const found = new Map<string, User>();
    for (const list of inLists(dbIds(ids))) {
      const rows = await this.db.reader.query<UserRow>(
        `SELECT ${USER_COLUMNS} FROM users WHERE id IN (${list.placeholders})`,
        list.params,
      );
      for (const row of rows) found.set(String(row.id), toUser(row));
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  /**
   * Posts first (each commits `post.deleted` and takes its timeline rows along), then jobs (each commits
   * `job.deleted`), then connections (accepted ones commit `connection.removed`; the notifications about them go in
   * the same transaction), then messages sent or received (with the `message:received` notifications about them),
   * then conversations (both rows of each), then the member's own notifications, then the member's own timeline.
   * Each batch is its own transaction; one call does
   * at most MEMBER_PURGE_BATCHES of them and answers false when it stopped with work left, so a worker calls again.
   */
  async purgeMemberContent(memberId: string): Promise<boolean> {
    const key = dbId(memberId);
    if (!key) return true;
    let budget = MEMBER_PURGE_BATCHES;
    for (const step of MEMBER_PURGE) {
      // A batch that found fewer rows than it could take was the last of its step.
      while (await PURGE_STEPS[step](this.#ctx, key, MEMBER_PURGE_BATCH) >= MEMBER_PURGE_BATCH) {
        if (--budget === 0) return false;
      }
    }
    return true;
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
    return posts.importPosts(this.#ctx, input);
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
    return timelines.importTimeline(this.#ctx, entries);
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
    return connections.importConnections(this.#ctx, list);
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
  // Session reads use the writer: a revocation or rotation must take effect at once, on every instance.

  async createSession(input: { userId: string; tokenHash: string; expiresAt: Date }): Promise<Session> {
    const createdAt = new Date();
    const id = await this.db.writer.transaction(async (tx) => {
      const { insertId } = await tx.execute(
        "INSERT INTO sessions (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)",
        [input.userId, input.tokenHash, createdAt, input.expiresAt],
      );
      await tx.execute("INSERT INTO session_tokens (token_hash, session_id) VALUES (?, ?)", [
        input.tokenHash,
        insertId,
      ]);
      return insertId;
    });
    if (this.db.replicated) actingMember(input.userId, undefined);
    return {
      id,
      userId: input.userId,
      tokenHash: input.tokenHash,
      createdAt,
      expiresAt: new Date(input.expiresAt.getTime()),
      revokedAt: null,
      rotatedAt: null,
    };
  }

  async getSession(id: string): Promise<Session | null> {
    const key = dbId(id);
    if (!key) return null;
    const [row] = await this.db.writer.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`, [key]);
    return row ? toSession(row) : null;
  }

  async getSessionWithUser(
    id: string,
    unreadCap = 0,
  ): Promise<{ session: Session; user: User; unreadNotifications: number } | null> {
    const key = dbId(id);
    if (!key) return null;
    // One statement for every authenticated request; the writer, so a revocation counts at once. The unread count
    // rides along (an index-only range of ix_notifications_user_unread): a page view costs one round trip, not two.
    // MariaDB cannot LIMIT a correlated count, so the cap applies here; unread notifications are few per member.
    const unread = unreadCap > 0
      ? ", (SELECT COUNT(*) FROM notifications n WHERE n.user_id = s.user_id AND n.read_at IS NULL) AS unread_count"
      : "";
    const [row] = await this.db.writer.query<SessionRow & Record<string, unknown>>(
      `SELECT s.id, s.user_id, s.token_hash, s.created_at, s.expires_at, s.revoked_at, s.rotated_at, ` +
        `${aliasedUserColumns("u")}` +
        `${unread}${this.db.replicated ? WROTE_AT_COLUMN : ""} FROM sessions s JOIN users u ON u.id = s.user_id ` +
        `WHERE s.id = ?`,
      [key],
    );
    if (!row) return null;
    if (this.db.replicated) actingMember(String(row.user_id), row.wrote_at as Date | null);
    const unreadNotifications = Math.min(unreadCap, Number(row.unread_count ?? 0));
    return { session: toSession(row), user: userFromAliased(row), unreadNotifications };
  }

  async findSessionByToken(tokenHash: string): Promise<SessionByToken | null> {
    const [row] = await this.db.writer.query<SessionRow>(
      "SELECT s.id, s.user_id, s.token_hash, s.created_at, s.expires_at, s.revoked_at, s.rotated_at " +
        "FROM session_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = ?",
      [tokenHash],
    );
    return row ? { session: toSession(row), current: row.token_hash === tokenHash } : null;
  }

  async rotateSession(id: string, fromHash: string, toHash: string, at = new Date()): Promise<boolean> {
    const key = dbId(id);
    if (!key) return false;
    return await this.db.writer.transaction(async (tx) => {
      // The row lock serialises racing rotations; the loser re-reads token_hash after the winner commits and matches 0.
      const { affectedRows } = await tx.execute(
        "UPDATE sessions SET token_hash = ?, rotated_at = ? WHERE id = ? AND token_hash = ? AND revoked_at IS NULL",
        [toHash, at, key, fromHash],
      );
      if (affectedRows !== 1) return false;
      await tx.execute("INSERT INTO session_tokens (token_hash, session_id) VALUES (?, ?)", [toHash, key]);
      return true;
    });
  }

  async revokeSession(id: string): Promise<void> {
    const key = dbId(id);
    if (!key) return;
    await this.db.writer.execute("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [
      new Date(),
      key,
    ]);
  }

  async revokeUserSessions(userId: string): Promise<void> {
    const key = dbId(userId);
    if (!key) return;
    await this.db.writer.execute("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", [
      new Date(),
      key,
    ]);
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
    await Promise.all([this.#relaying, this.#purging]);
    await this.db.close();
  }

  /** Starts a relay pass, or asks the running one to go again, so a write committed mid-pass is not left waiting. */
  #kick(): void {
    if (this.#closed) return;
    if (this.#relaying) {
      this.#relayAgain = true;
      return;
    }
    this.#relaying = (async () => {
      try {
        do {
          this.#relayAgain = false;
          while (!this.#closed && await this.#relayBatch() === RELAY_BATCH);
        } while (this.#relayAgain && !this.#closed);
      } catch (err) {
        // The rows stay in the outbox; the next tick retries them.
        log.warn("outbox relay failed; the next tick retries", { kind: "relay", error: err });
      } finally {
        this.#relaying = null;
      }
    })();
  }

  /** Moves one batch from the outbox to the queue. Rows another instance is relaying are skipped, not waited for. */
  async #relayBatch(): Promise<number> {
    return await this.db.maintenance.transaction(async (tx) => {
      const rows = await tx.query<{ id: string; event: string }>(
        "SELECT id, event FROM outbox ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED",
        [String(RELAY_BATCH)],
      );
      if (rows.length === 0) return 0;
      // Enqueue before delete: a crash in between delivers twice (workers dedupe by eventId), never zero times.
      await Promise.all(rows.map((row) => {
        const event = JSON.parse(row.event) as DomainEvent;
        return this.queue.enqueue(event, enqueueOptions(event));
      }));
      await tx.execute(`DELETE FROM outbox WHERE id IN (${rows.map(() => "?").join(", ")})`, rows.map((r) => r.id));
      return rows.length;
    });
  }

  #purge(): void {
    if (this.#closed || this.#purging) return;
    this.#purging = this.#purgeBatch()
      .catch((err) => log.warn("purge failed; retrying later", { kind: "purge", error: err }))
      .finally(() => {
        this.#purging = null;
      });
  }

  async #purgeBatch(): Promise<void> {
    const now = Date.now();
    await this.db.maintenance.execute("DELETE FROM idempotency_keys WHERE expires_at <= ? LIMIT ?", [
      new Date(now),
      String(PURGE_BATCH),
    ]);
    // An ended family's token hashes go with it (ON DELETE CASCADE).
    await this.db.maintenance.execute("DELETE FROM sessions WHERE expires_at <= ? LIMIT ?", [
      new Date(now - SESSION_GRACE_MS),
      String(PURGE_BATCH),
    ]);
    await tickets.deleteExpiredTickets(this.#ctx, PURGE_BATCH);
  }
}
