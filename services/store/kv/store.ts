// The Deno KV adapter of the storage port. The key layout is in keys.ts. Each entity has one write function
// (writeUser, writeSession, and the idempotency methods) that puts the record and all its index keys in one atomic
// commit, guarded by versionstamp checks: a lost race fails the commit and the caller re-reads, never overwrites.
import { ConflictError, NotFoundError } from "../../errors.ts";
import { newUserRecord } from "../records.ts";
import { enqueueOptions, newEvent } from "../events.ts";
import type {
  DomainEvent,
  IdempotencyRecord,
  ListUsersQuery,
  NewUser,
  Session,
  SessionByToken,
  Store,
  User,
  UserPatch,
  UsersPage,
} from "../types.ts";
import { isId, newId } from "./ids.ts";
import * as keys from "./keys.ts";

/** Read-modify-write attempts before giving up on a key many writers are fighting over. */
const MAX_TRIES = 10;
/** Index entries a filtered listing may scan for one page, so a rare query costs a bounded amount per page. */
const SCAN_BUDGET = 1_000;
/** Session keys outlive their family by this long, so a late reuse is still recognised before KV drops them. */
const SESSION_GRACE_MS = 24 * 60 * 60 * 1000;
/** Mutations per commit when a cleanup spans many keys; KV allows 1,000 per atomic (and 800 KiB). */
const CHUNK_MUTATIONS = 500;
/** Longer strings cannot be a stored email or token hash, and would exceed KV's 2 KiB key limit. */
const MAX_KEY_TEXT = 320;

const PATCHABLE = [
  "firstName",
  "lastName",
  "headline",
  "bio",
  "location",
  "profilePictureUrl",
  "passwordHash",
  "role",
] as const satisfies readonly (keyof UserPatch)[];

type StoredIdempotency = IdempotencyRecord & { expiresAt: number };
interface TokenIndex {
  sessionId: string;
}

function sameKey(a: Deno.KvKey, b: Deno.KvKey): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

function matches(u: User, needle: string): boolean {
  return u.firstName.toLowerCase().includes(needle) || u.lastName.toLowerCase().includes(needle) ||
    u.headline.toLowerCase().includes(needle);
}

function publicIdempotency(stored: StoredIdempotency): IdempotencyRecord {
  return stored.state === "done"
    ? { state: "done", requestHash: stored.requestHash, status: stored.status, body: stored.body }
    : { state: "in-flight", requestHash: stored.requestHash };
}

function lostRaces(what: string): ConflictError {
  return new ConflictError(`The ${what} was changed by other requests at the same time; try again.`);
}

/** The storage port on Deno KV; also the event queue (`queue` is the same `kv`). */
export class KvStore implements Store {
  readonly kind = "deno-kv";
  readonly queue: Deno.Kv;

  constructor(private readonly kv: Deno.Kv) {
    this.queue = kv;
  }

  // --- members -----------------------------------------------------------------------------------------------------

  /**
   * The one place a member is written: moves the record, email claim and created index from `before` to `after`
   * (null deletes) and enqueues the event, all in one commit. False when a check failed: another write won the race,
   * or (on create) the email is claimed.
   */
  private async writeUser(
    before: Deno.KvEntryMaybe<User>,
    after: User | null,
    type: DomainEvent["type"],
  ): Promise<boolean> {
    const op = this.kv.atomic().check(before);
    const oldIndex = before.value ? keys.userIndexKeys(before.value) : [];
    const newIndex = after ? keys.userIndexKeys(after) : [];
    for (const key of oldIndex) if (!newIndex.some((k) => sameKey(k, key))) op.delete(key);
    if (after) {
      const [emailKey, createdKey] = newIndex;
      if (!oldIndex.some((k) => sameKey(k, emailKey))) op.check({ key: emailKey, versionstamp: null });
      op.set(keys.user(after.id), after).set(emailKey, after.id).set(createdKey, after);
    } else {
      op.delete(before.key);
    }
    const event = newEvent(type, after?.id ?? before.value!.id);
    op.enqueue(event, enqueueOptions(event));
    return (await op.commit()).ok;
  }

  /** Creates a member; throws ConflictError("email") when the email is taken in any letter case. */
  async createUser(input: NewUser): Promise<User> {
    for (let i = 0; i < MAX_TRIES; i++) {
      const { id, ms } = newId();
      const at = new Date(ms);
      const user: User = { id, ...newUserRecord(input, at) };
      const fresh = { key: keys.user(id), value: null, versionstamp: null };
      if (await this.writeUser(fresh, user, "user.created")) return user;
      const claim = await this.kv.get(keys.userByEmail(input.email));
      if (claim.versionstamp !== null) throw new ConflictError("That email is already registered.", "email");
    }
    throw lostRaces("email");
  }

  /** The member, or null (also for ids this store could never have issued). */
  async getUser(id: string): Promise<User | null> {
    if (!isId(id)) return null;
    return (await this.kv.get<User>(keys.user(id))).value;
  }

  /** Case-insensitive. */
  async getUserByEmail(email: string): Promise<User | null> {
    if (email.length > MAX_KEY_TEXT) return null;
    const claim = await this.kv.get<string>(keys.userByEmail(email));
    return claim.value === null ? null : await this.getUser(claim.value);
  }

  /**
   * Newest first, keyset-paginated over the created index. With `q`, scans at most SCAN_BUDGET entries per page and
   * may return fewer than `limit` items with a `next` position; `next` is null only when the index is exhausted.
   */
  async listUsers(query: ListUsersQuery): Promise<UsersPage> {
    const { limit, after } = query;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`listUsers: limit must be ≥ 1, got ${limit}`);
    const needle = query.q ? query.q.toLowerCase() : null;
    const budget = needle ? Math.max(SCAN_BUDGET, limit) : limit;
    const selector = after
      ? { prefix: keys.USERS_BY_CREATED, end: keys.userByCreated(after.createdAt, after.id) }
      : { prefix: keys.USERS_BY_CREATED };
    const items: User[] = [];
    let scanned = 0;
    let last: User | null = null;
    // One entry past the budget tells "stopped early" (next = last position) from "index exhausted" (next = null).
    const iter = this.kv.list<User>(selector, {
      reverse: true,
      limit: budget + 1,
      batchSize: Math.min(budget + 1, 500),
    });
    for await (const { value } of iter) {
      if (items.length === limit || scanned === budget) {
        return { items, next: { createdAt: last!.createdAt.getTime(), id: last!.id } };
      }
      scanned++;
      last = value;
      if (!needle || matches(value, needle)) items.push(value);
    }
    return { items, next: null };
  }

  /** Applies the patch (undefined fields are left alone); null when the member does not exist. */
  async updateUser(id: string, patch: UserPatch): Promise<User | null> {
    if (!isId(id)) return null;
    // Only allow-listed fields that are present: extra keys or explicit undefineds never reach the record.
    const changes: UserPatch = Object.fromEntries(
      PATCHABLE.filter((field) => patch[field] !== undefined).map((field) => [field, patch[field]]),
    );
    for (let i = 0; i < MAX_TRIES; i++) {
      const entry = await this.kv.get<User>(keys.user(id));
      if (!entry.value) return null;
      const next: User = {
        ...entry.value,
        ...changes,
        // Strictly later than the last write even when the clock has not moved, so updatedAt orders writes.
        updatedAt: new Date(Math.max(Date.now(), entry.value.updatedAt.getTime() + 1)),
      };
      if (await this.writeUser(entry, next, "user.updated")) return next;
    }
    throw lostRaces("member");
  }

  /**
   * Removes the member and everything keyed to them; the email is free again. The record, its index keys and the
   * event go in one commit first, so the member is gone at once; their sessions follow in further commits (and
   * expire by themselves should the process stop in between). False when there was no such member.
   */
  async deleteUser(id: string): Promise<boolean> {
    if (!isId(id)) return false;
    for (let i = 0; i < MAX_TRIES; i++) {
      const entry = await this.kv.get<User>(keys.user(id));
      if (!entry.value) return false;
      if (await this.writeUser(entry, null, "user.deleted")) {
        await this.deleteSessionsOf(id);
        return true;
      }
    }
    throw lostRaces("member");
  }

  // --- sessions ----------------------------------------------------------------------------------------------------

  /**
   * The one place a session family is written: adds to `op` the record, its per-member index and, when a token is
   * issued, that token's lookup and history keys, all expiring a grace period after the family.
   */
  private writeSession(op: Deno.AtomicOperation, s: Session, issuedTokenHash: string | null): Deno.AtomicOperation {
    const expireIn = Math.max(s.expiresAt.getTime() - Date.now(), 0) + SESSION_GRACE_MS;
    op.set(keys.session(s.id), s, { expireIn }).set(keys.sessionByUser(s.userId, s.id), true, { expireIn });
    if (issuedTokenHash !== null) {
      const tokenKey = keys.sessionByToken(issuedTokenHash);
      op.check({ key: tokenKey, versionstamp: null })
        .set(tokenKey, { sessionId: s.id } satisfies TokenIndex, { expireIn })
        .set(keys.sessionToken(s.id, issuedTokenHash), true, { expireIn });
    }
    return op;
  }

  /** Starts a refresh-token family; throws NotFoundError when the member does not exist (or is being deleted). */
  async createSession(input: { userId: string; tokenHash: string; expiresAt: Date }): Promise<Session> {
    for (let i = 0; i < MAX_TRIES; i++) {
      const member = isId(input.userId) ? await this.kv.get<User>(keys.user(input.userId)) : null;
      if (!member?.value) throw new NotFoundError("member");
      const { id, ms } = newId();
      const session: Session = {
        id,
        userId: input.userId,
        tokenHash: input.tokenHash,
        createdAt: new Date(ms),
        expiresAt: new Date(input.expiresAt.getTime()),
        revokedAt: null,
      };
      // Checking the member's versionstamp means a session can never be added after deleteUser's first commit.
      const op = this.kv.atomic().check(member).check({ key: keys.session(id), versionstamp: null });
      if ((await this.writeSession(op, session, input.tokenHash).commit()).ok) return session;
      const taken = await this.kv.get(keys.sessionByToken(input.tokenHash));
      if (taken.versionstamp !== null) throw new ConflictError("That refresh token is already in use.");
    }
    throw lostRaces("member");
  }

  async getSession(id: string): Promise<Session | null> {
    if (!isId(id)) return null;
    return (await this.kv.get<Session>(keys.session(id))).value;
  }

  /** The family that ever issued `tokenHash`, and whether it is still that family's live token. */
  async findSessionByToken(tokenHash: string): Promise<SessionByToken | null> {
    if (tokenHash.length > MAX_KEY_TEXT) return null;
    const index = await this.kv.get<TokenIndex>(keys.sessionByToken(tokenHash));
    if (!index.value) return null;
    const session = await this.getSession(index.value.sessionId);
    return session ? { session, current: session.tokenHash === tokenHash } : null;
  }

  /**
   * Replaces the live token if, and only if, `fromHash` is still live and the family is not revoked. Not retried:
   * a failed check means another rotation or a revocation won, and this call's expected token is gone.
   */
  async rotateSession(id: string, fromHash: string, toHash: string): Promise<boolean> {
    if (!isId(id)) return false;
    const entry = await this.kv.get<Session>(keys.session(id));
    const s = entry.value;
    if (!s || s.revokedAt !== null || s.tokenHash !== fromHash) return false;
    const op = this.writeSession(this.kv.atomic().check(entry), { ...s, tokenHash: toHash }, toHash);
    return (await op.commit()).ok;
  }

  async revokeSession(id: string): Promise<void> {
    if (isId(id)) await this.revokeSessions([id]);
  }

  /** Revokes every family of a member (password change, deletion, "sign out everywhere"). */
  async revokeUserSessions(userId: string): Promise<void> {
    const ids: string[] = [];
    for await (const { key } of this.kv.list({ prefix: keys.sessionsByUser(userId) })) ids.push(key[2] as string);
    await this.revokeSessions(ids);
  }

  private async revokeSessions(ids: string[]): Promise<void> {
    // getMany reads at most 10 keys; each chunk is one checked commit, retried on a lost race.
    for (let start = 0; start < ids.length; start += 10) {
      const chunk = ids.slice(start, start + 10);
      for (let i = 0;; i++) {
        if (i === MAX_TRIES) throw lostRaces("session");
        const entries = await this.kv.getMany<Session[]>(chunk.map((id) => keys.session(id)));
        const op = this.kv.atomic();
        let live = 0;
        const now = new Date();
        for (const entry of entries) {
          if (!entry.value || entry.value.revokedAt !== null) continue;
          live++;
          this.writeSession(op.check(entry), { ...entry.value, revokedAt: now }, null);
        }
        if (live === 0 || (await op.commit()).ok) break;
      }
    }
  }

  /** Deletes every family of a member and all the token keys each ever issued, in commits of bounded size. */
  private async deleteSessionsOf(userId: string): Promise<void> {
    let op = this.kv.atomic();
    let pending = 0;
    const flush = async () => {
      if (pending === 0) return;
      await op.commit();
      op = this.kv.atomic();
      pending = 0;
    };
    for await (const { key } of this.kv.list({ prefix: keys.sessionsByUser(userId) })) {
      const sessionId = key[2] as string;
      // The record goes in the first commit that touches its family, so a family half cleaned up is already dead.
      op.delete(keys.session(sessionId)).delete(key);
      pending += 2;
      for await (const token of this.kv.list({ prefix: keys.sessionTokens(sessionId) })) {
        if (pending >= CHUNK_MUTATIONS) await flush();
        op.delete(keys.sessionByToken(token.key[2] as string)).delete(token.key);
        pending += 2;
      }
      if (pending >= CHUNK_MUTATIONS) await flush();
    }
    await flush();
  }

  // --- idempotency keys --------------------------------------------------------------------------------------------

  /**
   * Claims an idempotency key: null when it is new (or its previous claim expired), otherwise the existing record.
   * Exactly one of racing claims gets null.
   */
  async claimIdempotency(
    userId: string,
    key: string,
    requestHash: string,
    ttlMs: number,
  ): Promise<IdempotencyRecord | null> {
    const k = keys.idempotency(userId, key);
    for (let i = 0; i < MAX_TRIES; i++) {
      const entry = await this.kv.get<StoredIdempotency>(k);
      const now = Date.now();
      // KV deletes expired keys lazily, so an expired value is treated as absent and claimed over its versionstamp.
      if (entry.value && entry.value.expiresAt > now) return publicIdempotency(entry.value);
      const claim: StoredIdempotency = { state: "in-flight", requestHash, expiresAt: now + ttlMs };
      if ((await this.kv.atomic().check(entry).set(k, claim, { expireIn: ttlMs }).commit()).ok) return null;
    }
    throw lostRaces("idempotency key");
  }

  /** Records the result of a live in-flight claim, keeping the claim's expiry; a no-op when there is none. */
  async finishIdempotency(userId: string, key: string, result: { status: number; body: string }): Promise<void> {
    const k = keys.idempotency(userId, key);
    for (let i = 0; i < MAX_TRIES; i++) {
      const entry = await this.kv.get<StoredIdempotency>(k);
      const claim = entry.value;
      const expireIn = claim ? claim.expiresAt - Date.now() : 0;
      if (!claim || claim.state !== "in-flight" || expireIn <= 0) return;
      const done: StoredIdempotency = {
        state: "done",
        requestHash: claim.requestHash,
        status: result.status,
        body: result.body,
        expiresAt: claim.expiresAt,
      };
      if ((await this.kv.atomic().check(entry).set(k, done, { expireIn }).commit()).ok) return;
    }
    throw lostRaces("idempotency key");
  }

  /** Releases an in-flight claim whose request failed; a finished record is kept, so a late release cannot undo it. */
  async releaseIdempotency(userId: string, key: string): Promise<void> {
    const k = keys.idempotency(userId, key);
    for (let i = 0; i < MAX_TRIES; i++) {
      const entry = await this.kv.get<StoredIdempotency>(k);
      if (!entry.value || entry.value.state !== "in-flight") return;
      if ((await this.kv.atomic().check(entry).delete(k).commit()).ok) return;
    }
    throw lostRaces("idempotency key");
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
