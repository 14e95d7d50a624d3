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

/** Where a newest-first user listing stopped. */
export interface UserPosition {
  createdAt: number;
  id: string;
}

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
  type: "user.created" | "user.updated" | "user.deleted";
  /** The id of the record the event is about. */
  id: string;
  /** Unique per event, so a worker can make its effect idempotent. */
  eventId: string;
  /** ISO 8601. */
  at: string;
}

export type IdempotencyRecord =
  | { state: "in-flight"; requestHash: string }
  | { state: "done"; requestHash: string; status: number; body: string };

export interface Store {
  readonly kind: "deno-kv" | "mysql";

  /** Creates a member; throws ConflictError("email") when the email is taken in any letter case. */
  createUser(input: NewUser): Promise<User>;
  getUser(id: string): Promise<User | null>;
  /** Case-insensitive. */
  getUserByEmail(email: string): Promise<User | null>;
  /** Newest first, keyset-paginated. */
  listUsers(query: ListUsersQuery): Promise<UsersPage>;
  /** Applies the patch; null when the member does not exist. */
  updateUser(id: string, patch: UserPatch): Promise<User | null>;
  /**
   * Removes the member and everything keyed to them (index keys, sessions); the email is free again.
   * False when there was no such member.
   */
  deleteUser(id: string): Promise<boolean>;

  /** Starts a refresh family; NotFoundError when the member does not exist (or was deleted meanwhile). */
  createSession(input: { userId: string; tokenHash: string; expiresAt: Date }): Promise<Session>;
  getSession(id: string): Promise<Session | null>;
  findSessionByToken(tokenHash: string): Promise<SessionByToken | null>;
  /**
   * Replaces the live token of a family if, and only if, `fromHash` is still the live one and the family is not
   * revoked: of two racing rotations exactly one wins. True when this call won.
   */
  rotateSession(id: string, fromHash: string, toHash: string): Promise<boolean>;
  revokeSession(id: string): Promise<void>;
  /** Revokes every family of a member (password change, deletion, "sign out everywhere"). */
  revokeUserSessions(userId: string): Promise<void>;

  /**
   * Claims an idempotency key for a member: null when the key is new (the caller proceeds and later calls
   * `finishIdempotency`), otherwise the existing record.
   */
  claimIdempotency(userId: string, key: string, requestHash: string, ttlMs: number): Promise<IdempotencyRecord | null>;
  finishIdempotency(userId: string, key: string, result: { status: number; body: string }): Promise<void>;
  /** Releases a claim whose request failed, so the client can retry with the same key. */
  releaseIdempotency(userId: string, key: string): Promise<void>;

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
