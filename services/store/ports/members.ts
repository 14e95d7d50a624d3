// The members port and the sessions port: accounts and profiles, sign-in sessions, WebSocket tickets.
import type {
  ListUsersQuery,
  NewUser,
  Session,
  SessionByToken,
  TicketGrant,
  User,
  UserPatch,
  UsersPage,
} from "../model.ts";

/** Members: accounts, profiles, and what a deletion removes. */
export interface MembersPort {
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

  /** The members that exist among `ids`, in the order of `ids` (missing ones are skipped). */
  getUsers(ids: string[]): Promise<User[]>;

  /**
   * Deletes what a deleted member wrote or joined (posts, connections, timeline, notifications, messages and
   * conversations, both sides), in bounded batches, committing the
   * events that keep other timelines right. Safe to run again; true when nothing is left.
   */
  purgeMemberContent(memberId: string): Promise<boolean>;
}

/** Sign-in sessions (refresh token families) and single-use WebSocket tickets. */
export interface SessionsPort {
  /** Starts a refresh family; NotFoundError when the member does not exist (or was deleted meanwhile). */
  createSession(input: { userId: string; tokenHash: string; expiresAt: Date }): Promise<Session>;
  getSession(id: string): Promise<Session | null>;
  findSessionByToken(tokenHash: string): Promise<SessionByToken | null>;
  /**
   * Replaces the live token of a family if, and only if, `fromHash` is still the live one and the family is not
   * revoked: of two racing rotations exactly one wins. True when this call won; `at` becomes its `rotatedAt`.
   */
  rotateSession(id: string, fromHash: string, toHash: string, at?: Date): Promise<boolean>;
  revokeSession(id: string): Promise<void>;
  /** Revokes every family of a member (password change, deletion, "sign out everywhere"). */
  revokeUserSessions(userId: string): Promise<void>;

  /** Keeps a single-use WebSocket ticket (by the hash of its secret) until `ttlMs` from now. */
  saveTicket(hash: string, grant: TicketGrant, ttlMs: number): Promise<void>;
  /** Takes a ticket: its grant the first time within its lifetime, null afterwards (or for an unknown one). */
  takeTicket(hash: string): Promise<TicketGrant | null>;
}
