// The domain model the storage port speaks in: records, their inputs and patches, pages and positions, events.

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
  /** Its images (0..4, in order); absent on posts written before media existed. */
  mediaIds?: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface NewPost {
  authorId: string;
  content: string;
  mediaUrl?: string | null;
  /** Media the adapter attaches to the post in the same commit (services/media/media.ts checks they may be). */
  mediaIds?: string[];
}

/** A new `mediaIds` attaches the added media and detaches the dropped ones in the same commit. */
export type PostPatch = Partial<Pick<Post, "content" | "mediaUrl" | "mediaIds">>;

export type MediaPurpose = "avatar" | "post";

/** One encoding of an upload at one size, stored in the blob store under `key`. */
export interface MediaVariant {
  key: string;
  width: number;
  height: number;
  type: "image/webp" | "image/jpeg";
}

/** An uploaded image: its record; the bytes of its variants are in the blob store. */
export interface Media {
  id: string;
  ownerId: string;
  purpose: MediaPurpose;
  width: number;
  height: number;
  /** 0..1,000 characters. */
  alt: string;
  /** A ThumbHash, base64. */
  placeholder: string;
  /** Largest first. */
  variants: MediaVariant[];
  /** `post:<id>` or `avatar:<memberId>`; null until attached (an upload never attached is swept after a day). */
  attachedTo: string | null;
  createdAt: Date;
}

export type NewMedia = Omit<Media, "id" | "createdAt" | "attachedTo">;

export type MediaPatch = Partial<Pick<Media, "alt" | "attachedTo" | "variants">>;

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

/** The kinds of reaction a member can leave on a post, in the order a page shows them. */
export const REACTION_TYPES = ["like", "celebrate", "support", "insightful", "funny"] as const;
export type ReactionType = typeof REACTION_TYPES[number];

/** How many reactions of each type a post has. */
export type ReactionCounts = Record<ReactionType, number>;

/** A member's one reaction to a post; changing its type replaces it (and its time). */
export interface Reaction {
  postId: string;
  memberId: string;
  type: ReactionType;
  createdAt: Date;
}

/** Where a newest-first listing of a post's reactions stopped: `id` is the reacting member's. */
export type ReactionPosition = Position;

export interface ReactionsQuery {
  /** Only reactions of this type. */
  type?: ReactionType;
  limit: number;
  after?: ReactionPosition;
}

export interface ReactionsPage {
  items: Reaction[];
  next: ReactionPosition | null;
}

/** What a post card shows of its reactions: the counts, and the reader's own reaction. */
export interface PostReactions {
  postId: string;
  counts: ReactionCounts;
  /** The reader's reaction; null when they have none (or no reader was named). */
  mine: ReactionType | null;
}

/** Narrows `type` to a reaction type; a RangeError naming the types for anything else. */
export function assertReactionType(type: string): asserts type is ReactionType {
  if (!(REACTION_TYPES as readonly string[]).includes(type)) {
    throw new RangeError(`Unknown reaction type ${JSON.stringify(type)}; use one of ${REACTION_TYPES.join(", ")}.`);
  }
}

/** Counts of zero for every type. */
export function noReactions(): ReactionCounts {
  return { like: 0, celebrate: 0, support: 0, insightful: 0, funny: 0 };
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
