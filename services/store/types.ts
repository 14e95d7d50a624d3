// The storage port. Services depend on this interface only; services/store/kv and services/store/mysql implement it,
// and services/store/contract.ts is the one test suite both must pass.

export type Role = "member" | "recruiter" | "admin";

export interface User {
  id: string;
  /** As the member typed it; uniqueness is case-insensitive. */
  email: string;
  passwordHash: string;
  firstName: string;
  lastName: string;
  headline: string;
  bio: string;
  location: string;
  profilePictureUrl: string | null;
  role: Role;
  createdAt: Date;
  updatedAt: Date;
}

/** What a member's name on someone else's page needs: a post's author, say. */
export type MemberSummary = Pick<User, "id" | "firstName" | "lastName" | "headline" | "profilePictureUrl">;

export type NewUser =
  & Pick<User, "email" | "passwordHash" | "firstName" | "lastName" | "role">
  & Partial<Pick<User, "headline" | "bio" | "location" | "profilePictureUrl">>;

/** The fields an update may change; anything else is not a column a caller can reach. */
export type UserPatch = Partial<
  Pick<User, "firstName" | "lastName" | "headline" | "bio" | "location" | "profilePictureUrl" | "passwordHash" | "role">
>;

/**
 * A refresh-token family: one sign-in on one device. Only the hash of the current token is live; every token the
 * family ever issued stays findable, so presenting a rotated one is recognised as reuse.
 */
export interface Session {
  id: string;
  userId: string;
  /** SHA-256 (hex) of the live refresh token. */
  tokenHash: string;
  createdAt: Date;
  /** Absolute end of the family (30 days from sign-in); rotation does not extend it. */
  expiresAt: Date;
  revokedAt: Date | null;
  /** When the live token replaced its predecessor (null before the first rotation). */
  rotatedAt: Date | null;
}

export interface SessionByToken {
  session: Session;
  /** False when the presented token was already rotated away: reuse. */
  current: boolean;
}

/** A keyset page. `nextCursor` is opaque to callers (see services/store/cursor.ts). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ListUsersQuery {
  /** Case-insensitive substring of first name, last name or headline. */
  q?: string;
  limit: number;
  /** A position from a previous page's `nextCursor`, already verified and decoded. */
  after?: UserPosition;
}

/** Where a newest-first listing stopped: every keyset listing of the store orders by (createdAt, id). */
export interface Position {
  createdAt: number;
  id: string;
}

export type UserPosition = Position;

export interface UsersPage {
  items: User[];
  next: UserPosition | null;
}

/**
 * What the event log carries to the workers: ids, never whole records (workers reload). Every write that has side
 * effects commits its event in the same transaction (KV: the same atomic() with enqueue; MySQL: an outbox row
 * relayed to the KV queue), so an acknowledged write never loses its event.
 */
export interface DomainEvent {
  type:
    | "user.created"
    | "user.updated"
    | "user.deleted"
    | "post.created"
    | "post.updated"
    | "post.deleted"
    | "connection.invited"
    | "connection.accepted"
    | "connection.removed"
    | "message.created"
    | "job.created"
    | "job.updated"
    | "job.deleted";
  /** The id of the record the event is about. */
  id: string;
  /**
   * The members a record joined, for events whose record may be gone by the time a worker runs: a connection's two
   * members, a deleted post's author.
   */
  members?: string[];
  /** Unique per event, so a worker can make its effect idempotent. */
  eventId: string;
  /** ISO 8601. */
  at: string;
  /** How many times it came back from the dead letters (workers/dead_letters.ts); absent the first time round. */
  redrives?: number;
  /** How many times the runner sent it back after a worker failed (workers/runner.ts); absent on the first try. */
  retries?: number;
}

export interface Post {
  id: string;
  authorId: string;
  /** Exactly as written (1..3,000 characters). */
  content: string;
  mediaUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewPost {
  authorId: string;
  content: string;
  mediaUrl?: string | null;
}

export type PostPatch = Partial<Pick<Post, "content" | "mediaUrl">>;

/** Where a newest-first listing of posts (or timeline entries) stopped. */
export type PostPosition = Position;

export interface PostsQuery {
  /** Only this member's posts; every post when absent. */
  authorId?: string;
  limit: number;
  after?: PostPosition;
}

export interface PostsPage {
  items: Post[];
  next: PostPosition | null;
  /** The items' authors, when the backend read them in the same statement (callers fetch them otherwise). */
  authors?: MemberSummary[];
}

/** A post that reached a member's home timeline (the fan-out worker writes these). */
export interface TimelineEntry {
  postId: string;
  authorId: string;
  createdAt: Date;
}

export interface TimelinePage {
  items: TimelineEntry[];
  next: PostPosition | null;
}

export type ConnectionStatus = "pending" | "accepted" | "rejected";

export interface Connection {
  id: string;
  senderId: string;
  receiverId: string;
  status: ConnectionStatus;
  /** The invitation note (0..300 characters). */
  message: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Where a newest-first listing of connections stopped. */
export type ConnectionPosition = Position;

export interface ConnectionsQuery {
  status: "accepted" | "pending";
  /** Incoming: the member received the invitation; outgoing: they sent it. Both when absent. */
  direction?: "incoming" | "outgoing";
  limit: number;
  after?: ConnectionPosition;
}

export interface ConnectionsPage {
  items: Connection[];
  next: ConnectionPosition | null;
}

/** The first page of each listing of "My network" (the three ConnectionsQuery listings a member's overview shows). */
export interface NetworkListing {
  /** Pending, incoming. */
  received: ConnectionsPage;
  /** Pending, outgoing. */
  sent: ConnectionsPage;
  /** Accepted, both directions. */
  connections: ConnectionsPage;
  /** The other members of the listed connections, when the backend read them in the same statement. */
  members?: User[];
}

/** A member reached through the member's connections, and through how many of them. */
export interface SecondDegree {
  id: string;
  mutualCount: number;
}

/** How many of each kind of candidate to find (0: none of that kind), and what to compare with. */
export interface SuggestionQuery {
  /** Members connected to the member's connections, most mutual connections first, then id. */
  secondDegree: number;
  /** Members whose location equals this one (case-insensitive, trimmed), newest first; none for a blank one. */
  location: string;
  nearby: number;
  /**
   * Members whose headline shares words with this one (case-insensitive; words of three letters or more), those
   * sharing more first, then newest; none when it has no such word.
   */
  headline: string;
  similar: number;
}

export interface SuggestionCandidates {
  secondDegree: (SecondDegree & { user: User })[];
  nearby: User[];
  similar: User[];
}

export type NotificationType = "invitation:received" | "invitation:accepted" | "message:received";

export interface Notification {
  id: string;
  /** Who is notified. */
  userId: string;
  type: NotificationType;
  /** Who caused it (the inviter, the member who accepted, the sender). */
  actorId: string;
  /** What it is about: a connection id for invitations, a message id for messages. */
  subjectId: string;
  read: boolean;
  createdAt: Date;
}

/** Where a newest-first listing of notifications stopped. */
export type NotificationPosition = Position;

export interface NotificationsPage {
  items: Notification[];
  next: NotificationPosition | null;
}

export interface Message {
  id: string;
  senderId: string;
  receiverId: string;
  /** Exactly as written (1..5,000 characters). */
  content: string;
  /** Whether the receiver has read it. */
  isRead: boolean;
  createdAt: Date;
  /** The sender's own id for it (1..64 visible ASCII characters): a resend with the same one is the same message. */
  clientId: string | null;
}

export interface NewMessage {
  senderId: string;
  receiverId: string;
  content: string;
  clientId?: string | null;
}

export type MessagePosition = Position;

export interface MessagesPage {
  items: Message[];
  next: MessagePosition | null;
}

/** What a thread's page needs of one conversation, read together (Store.openConversation). */
export interface ConversationOpening {
  other: User;
  /** The status of the connection between the two members, if one is live (pending or accepted). */
  connection: ConnectionStatus | null;
  /** Messages from the other member the member has not read. */
  unreadCount: number;
  /** Whether the member's `message:received` notification from the other member is unread. */
  notified: boolean;
  messages: MessagesPage;
}

/** One conversation of a member: the other member, the newest message either way, and how many are unread. */
export interface Conversation {
  otherId: string;
  lastMessage: Message;
  /** Messages from the other member the member has not read. */
  unreadCount: number;
  /** The other member, when the backend read them in the same statement (callers fetch them otherwise). */
  other?: User;
}

export type JobType = "full-time" | "part-time" | "contract" | "internship";

export interface Job {
  id: string;
  /** The recruiter (or admin) who posted it: API.md's `company`. */
  posterId: string;
  /** 1..255 characters. */
  title: string;
  /** 1..10,000 characters. */
  description: string;
  /** 0..255 characters; "" when not given. */
  location: string;
  salaryRange: string | null;
  jobType: JobType;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewJob {
  posterId: string;
  title: string;
  description: string;
  location?: string;
  salaryRange?: string | null;
  jobType: JobType;
}

export type JobPatch = Partial<Pick<Job, "title" | "description" | "location" | "salaryRange" | "jobType">>;

export type JobPosition = Position;

export interface JobsQuery {
  /** Every word (case-insensitive, whole words or their beginnings) appears in the title, description or location. */
  q?: string;
  /** Case-insensitive substring of the location. */
  location?: string;
  jobType?: JobType;
  /** One poster's jobs ("Jobs posted" on a recruiter's profile). */
  posterId?: string;
  limit: number;
  after?: JobPosition;
}

export interface JobsPage {
  items: Job[];
  next: JobPosition | null;
}

export type SearchType = "people" | "posts" | "jobs";

/** A record as the built-in index keeps it: its words, weighted by the field they come from. */
export interface SearchDocument {
  type: SearchType;
  id: string;
  /** Distinct index words with their weight (e.g. 3 for a name or title word, 2 headline or location, 1 body). */
  words: { word: string; weight: number }[];
  /** Newer records rank first among equal matches. */
  createdAt: Date;
}

export interface SearchHit {
  id: string;
  /** Sum of the weights of the matched query words (a prefix match of the last query word counts too). */
  score: number;
}

/** What a WebSocket ticket stands for: the session it was issued in. */
export interface TicketGrant {
  userId: string;
  sessionId: string;
}

export type IdempotencyRecord =
  | { state: "in-flight"; requestHash: string }
  | { state: "done"; requestHash: string; status: number; body: string };

/** A held Idempotency-Key claim: only the holder of `token` may renew, finish or release it. */
export interface IdempotencyClaim {
  userId: string;
  key: string;
  token: string;
}

/**
 * Finishes a held claim inside a creating write's own commit, so a committed write always replays: `answer` renders
 * the stored answer from the record just written, kept `keepMs`. When the claim is no longer held (its lease lapsed
 * and another request took it, or it was finished) the write is refused with a ConflictError and nothing is written.
 */
export interface IdempotencyCompletion<T> extends IdempotencyClaim {
  keepMs: number;
  answer(record: T): { status: number; body: string };
}

/** Members a filtered listUsers page looks at, at most. */
export const USER_SCAN_BUDGET = 1_000;

export interface Store {
  readonly kind: "deno-kv" | "mysql";

  /** Creates a member; throws ConflictError("email") when the email is taken in any letter case. */
  createUser(input: NewUser): Promise<User>;
  getUser(id: string): Promise<User | null>;
  /** Case-insensitive. */
  getUserByEmail(email: string): Promise<User | null>;
  /**
   * Newest first, keyset-paginated. With `q`, a page looks at no more than USER_SCAN_BUDGET members (or `limit`, if
   * larger), so a rare `q` costs a bounded read: it may hold fewer than `limit` items with a `next` position, and
   * `next` is null only when no member is left.
   */
  listUsers(query: ListUsersQuery): Promise<UsersPage>;
  /** Applies the patch; null when the member does not exist. */
  updateUser(id: string, patch: UserPatch): Promise<User | null>;
  /**
   * Removes the member and everything keyed to them (index keys, sessions, idempotency keys, posts, connections,
   * timeline; rules/members.ts lists them in order); the email is free again. The email goes in the same commit as
   * the record, sessions and idempotency keys before this answers; the member's posts and connections may follow in a
   * worker reacting to `user.deleted`, through `purgeMemberContent`. False when there was no such member.
   */
  deleteUser(id: string): Promise<boolean>;

  /**
   * Deletes what a deleted member wrote or joined (posts, connections, timeline, notifications, messages and
   * conversations, both sides), in bounded batches, committing the
   * events that keep other timelines right. Safe to run again; true when nothing is left.
   */
  purgeMemberContent(memberId: string): Promise<boolean>;

  /** Starts a refresh family; NotFoundError when the member does not exist (or was deleted meanwhile). */
  createSession(input: { userId: string; tokenHash: string; expiresAt: Date }): Promise<Session>;
  getSession(id: string): Promise<Session | null>;
  /**
   * A session with its member, in one read where the backend can (every authenticated request asks this), and,
   * when `unreadCap` is above 0, the member's unread notifications counted up to it in the same read (every page
   * view shows that count in its header).
   */
  getSessionWithUser(
    id: string,
    unreadCap?: number,
  ): Promise<{ session: Session; user: User; unreadNotifications: number } | null>;
  findSessionByToken(tokenHash: string): Promise<SessionByToken | null>;
  /**
   * Replaces the live token of a family if, and only if, `fromHash` is still the live one and the family is not
   * revoked: of two racing rotations exactly one wins. True when this call won; `at` becomes its `rotatedAt`.
   */
  rotateSession(id: string, fromHash: string, toHash: string, at?: Date): Promise<boolean>;
  revokeSession(id: string): Promise<void>;
  /** Revokes every family of a member (password change, deletion, "sign out everywhere"). */
  revokeUserSessions(userId: string): Promise<void>;

  /**
   * Claims an idempotency key for a member as a lease of `leaseMs` held by `token`: null when the key is new or its
   * previous lease ran out (the caller proceeds, renews while it runs, and finishes), otherwise the live record.
   */
  claimIdempotency(
    userId: string,
    key: string,
    claim: { requestHash: string; token: string; leaseMs: number },
  ): Promise<IdempotencyRecord | null>;
  /** Extends a held in-flight claim to `leaseMs` from now; false when the claim is no longer the holder's. */
  renewIdempotency(claim: IdempotencyClaim, leaseMs: number): Promise<boolean>;
  /** Records the answer of a held in-flight claim, kept `keepMs`; false (and nothing changes) when it is not held. */
  finishIdempotency(
    claim: IdempotencyClaim,
    result: { status: number; body: string },
    keepMs: number,
  ): Promise<boolean>;
  /** Drops a held in-flight claim whose request failed, so the key can be retried at once; a finished one stays. */
  releaseIdempotency(claim: IdempotencyClaim): Promise<void>;

  /** Publishes a post; NotFoundError when the author does not exist. Commits `post.created`. */
  createPost(input: NewPost, done?: IdempotencyCompletion<Post>): Promise<Post>;
  getPost(id: string): Promise<Post | null>;
  /** The posts that exist among `ids`, in the order of `ids` (missing ones are skipped). */
  getPosts(ids: string[]): Promise<Post[]>;
  /** Commits `post.updated`; null when the post does not exist. */
  updatePost(id: string, patch: PostPatch): Promise<Post | null>;
  /** Commits `post.deleted` (with the author in `members`); false when there was no such post. */
  deletePost(id: string): Promise<boolean>;
  /** Newest first, keyset-paginated; one author's or everyone's. */
  listPosts(query: PostsQuery): Promise<PostsPage>;
  /** The members that exist among `ids`, in the order of `ids` (missing ones are skipped). */
  getUsers(ids: string[]): Promise<User[]>;

  /** Adds one post to the timelines of `memberIds`; adding an entry that is there already changes nothing. */
  addToTimelines(memberIds: string[], entry: TimelineEntry): Promise<void>;
  /** Removes a post from every timeline it reached. */
  removePostFromTimelines(postId: string): Promise<void>;
  /** Removes one author's posts from one member's timeline (the two are no longer connected). */
  removeAuthorFromTimeline(memberId: string, authorId: string): Promise<void>;
  /** A member's timeline, newest first, keyset-paginated. */
  listTimeline(memberId: string, query: { limit: number; after?: PostPosition }): Promise<TimelinePage>;
  /**
   * The posts of a member's timeline page, in one read where the backend can (the home feed). Entries whose post is
   * gone are skipped; `next` follows the timeline, so a page may hold fewer than `limit` posts.
   */
  listTimelinePosts(memberId: string, query: { limit: number; after?: PostPosition }): Promise<PostsPage>;
  /** Keeps the newest `keep` entries of a member's timeline and drops the rest. */
  trimTimeline(memberId: string, keep: number): Promise<void>;
  /** When the member's timeline was last built from scratch; null when it never was (or was dropped). */
  getTimelineBuiltAt(memberId: string): Promise<Date | null>;
  setTimelineBuiltAt(memberId: string, at: Date): Promise<void>;

  /**
   * Sends an invitation (pending) and, in the same commit, the receiver's `invitation:received` notification
   * (subject: the connection) and `connection.invited` (members: sender, receiver). ConflictError when a pending or
   * accepted connection already joins the two members in either direction, even when two invitations race;
   * NotFoundError when either member does not exist.
   */
  createConnection(
    input: { senderId: string; receiverId: string; message: string },
    done?: IdempotencyCompletion<Connection>,
  ): Promise<Connection>;
  getConnection(id: string): Promise<Connection | null>;
  /**
   * Accepting commits `connection.accepted` and the sender's `invitation:accepted` notification (actor: the
   * receiver); null when the connection does not exist.
   */
  setConnectionStatus(id: string, status: "accepted" | "rejected"): Promise<Connection | null>;
  /**
   * Removes it (withdrawn or ended) with every notification about it; an accepted one commits `connection.removed`.
   * False when there was none.
   */
  deleteConnection(id: string): Promise<boolean>;
  /** The members a member is connected to (accepted only). */
  listConnectedIds(memberId: string): Promise<string[]>;
  /** A member's connections of one status, newest first (createdAt, then id), keyset-paginated. */
  listConnections(memberId: string, query: ConnectionsQuery): Promise<ConnectionsPage>;
  /** The first `limit` of each of a member's three listings at once: what listConnections gives for each. */
  listNetwork(memberId: string, limit: number): Promise<NetworkListing>;
  /** The pending or accepted connection joining two members, whichever sent it; null when there is none. */
  getConnectionBetween(a: string, b: string): Promise<Connection | null>;
  /** How many invitations `senderId` sent at or after `since` that are still pending (the weekly cap). */
  countPendingSent(senderId: string, since: Date): Promise<number>;
  /** How many accepted connections two members have in common; the cost grows with their connections only. */
  countMutualConnections(a: string, b: string): Promise<number>;
  /**
   * Where "People you may know" looks, all at once: members two steps away, members in the same place and members
   * with headline words in common. Never the member, nor anyone a pending or accepted connection joins them to: those
   * are left out of the first `nearby` and `similar` found, not replaced, so a list may be shorter than asked. The
   * cost grows with the connections of the member's connections and with the matches of the place and words, never
   * with the number of members.
   */
  listSuggestionCandidates(memberId: string, query: SuggestionQuery): Promise<SuggestionCandidates>;

  /**
   * Stores a message and, in the same commit, updates both members' conversation and the receiver's unread
   * `message:received` notification from this sender (one per sender while unread: its subject and time move to the
   * newest message), and commits `message.created` (members: sender, receiver; the queue delivers it 15 minutes
   * later, see enqueueOptions). With a `clientId` the sender already used, nothing is written (no event either) and
   * the first message is returned with `created: false`, even when the two sends race. NotFoundError when either
   * member does not exist. Whether the two may message each other is the caller's rule, not the store's.
   */
  createMessage(
    input: NewMessage,
    done?: IdempotencyCompletion<{ message: Message; created: boolean }>,
  ): Promise<{ message: Message; created: boolean }>;
  getMessage(id: string): Promise<Message | null>;
  /** The messages between two members, either way, newest first (createdAt, then id), keyset-paginated. */
  listMessages(a: string, b: string, query: { limit: number; after?: MessagePosition }): Promise<MessagesPage>;
  /**
   * Every message a member sent or received after `after` (null: from the first), oldest first (createdAt, then id),
   * at most `limit`: what a reconnecting client missed. `after.id` is an id of this store.
   */
  listMessagesAfter(memberId: string, after: MessagePosition | null, limit: number): Promise<Message[]>;
  /** A member's conversations, the one with the newest message first, at most `limit`. */
  listConversations(memberId: string, limit: number): Promise<Conversation[]>;
  /**
   * A thread as its page opens it: the other member, the connection between the two, what the member has unread
   * from them, and a page of their messages (as listMessages), in one read where the backend can. Null when `otherId`
   * is no member, or is the member.
   */
  openConversation(
    memberId: string,
    otherId: string,
    query: { limit: number; after?: MessagePosition },
  ): Promise<ConversationOpening | null>;
  /**
   * Marks the messages `otherId` sent to `memberId` read, with the member's `message:received` notification from
   * them; answers whether any message was unread.
   */
  markConversationRead(memberId: string, otherId: string): Promise<boolean>;

  /** Publishes a job; NotFoundError when the poster does not exist. Commits `job.created`. */
  createJob(input: NewJob, done?: IdempotencyCompletion<Job>): Promise<Job>;
  getJob(id: string): Promise<Job | null>;
  /** The jobs that exist among `ids`, in the order of `ids`. */
  getJobs(ids: string[]): Promise<Job[]>;
  /** Commits `job.updated`; null when the job does not exist. */
  updateJob(id: string, patch: JobPatch): Promise<Job | null>;
  /** Commits `job.deleted` (with the poster in `members`); false when there was none. */
  deleteJob(id: string): Promise<boolean>;
  /** Newest first, keyset-paginated, filtered; the cost of a page does not grow with the number of jobs unfiltered. */
  listJobs(query: JobsQuery): Promise<JobsPage>;

  /**
   * The built-in search index, kept in the primary store so every instance sees the same one. Writing a document
   * replaces what was indexed for it before; both are idempotent. MySQL may serve these from FULLTEXT indexes on the
   * records themselves (then writes are no-ops that the contract still checks through `searchIndex`).
   */
  indexDocuments(docs: SearchDocument[]): Promise<void>;
  removeDocuments(type: SearchType, ids: string[]): Promise<void>;
  /** Drops a type's whole index (before a rebuild). */
  clearIndex(type: SearchType): Promise<void>;
  /**
   * Ranked matches of `words` (already normalised by services/store/words.ts): documents matching more and
   * heavier words first, then newer; the last word also matches as a prefix. At most `limit`, after `offset`.
   */
  searchIndex(type: SearchType, words: string[], query: { limit: number; offset: number }): Promise<SearchHit[]>;

  /** Keeps a single-use WebSocket ticket (by the hash of its secret) until `ttlMs` from now. */
  saveTicket(hash: string, grant: TicketGrant, ttlMs: number): Promise<void>;
  /** Takes a ticket: its grant the first time within its lifetime, null afterwards (or for an unknown one). */
  takeTicket(hash: string): Promise<TicketGrant | null>;

  /** A member's notifications, newest first, keyset-paginated; ones whose actor is gone are still listed. */
  listNotifications(userId: string, query: { limit: number; after?: NotificationPosition }): Promise<NotificationsPage>;
  /** Unread notifications, counted up to `cap` (the header shows "99+" beyond it). */
  countUnreadNotifications(userId: string, cap: number): Promise<number>;
  /** Marks the member's notifications among `ids` read, or all of them when `ids` is absent; others' are untouched. */
  markNotificationsRead(userId: string, ids?: string[]): Promise<void>;

  /**
   * Bulk import for `deno task seed` and data migrations (and, for timelines, rebuilds): writes the records as given
   * (with their dates) in large batches and commits no events (the importer builds timelines itself with
   * `importTimeline`). Returns the new ids in input order. ConflictError when an email is taken.
   */
  importUsers(users: (NewUser & { createdAt: Date })[]): Promise<string[]>;
  importPosts(posts: (NewPost & { createdAt: Date })[]): Promise<string[]>;
  /** Accepted connections; a pair that is already joined is skipped. */
  importConnections(connections: { senderId: string; receiverId: string; createdAt: Date }[]): Promise<void>;
  /** Timeline entries in bulk; repeats change nothing. Also how a member's missing timeline is rebuilt. */
  importTimeline(entries: (TimelineEntry & { memberId: string })[]): Promise<void>;

  /**
   * Events are delivered to this Deno KV queue (the app's `kv`, whose `listenQueue` the worker runner owns). The KV
   * adapter enqueues inside its atomic commits; the MySQL adapter writes outbox rows and relays them here, retrying
   * until the queue has them.
   */
  readonly queue: Deno.Kv;

  /** Answers when the backend answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
