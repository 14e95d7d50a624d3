// The Deno KV adapter of the storage port. The key layout is in keys.ts. Each entity has one write function
// (stageUser, writeSession, writePost, writeTimelineEntry, writeConnection, and the idempotency methods) that puts the
// record and all its index keys in one atomic commit, guarded by versionstamp checks: a lost race fails the commit and
// the caller re-reads, never overwrites.
import { ConflictError, NotFoundError } from "../../errors.ts";
import { newUserRecord } from "../records.ts";
import { enqueueOptions, newEvent } from "../events.ts";
import type {
  Connection,
  DomainEvent,
  IdempotencyRecord,
  ListUsersQuery,
  NewPost,
  NewUser,
  Post,
  PostPatch,
  PostPosition,
  PostsPage,
  PostsQuery,
  Session,
  SessionByToken,
  Store,
  TimelineEntry,
  TimelinePage,
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
/** Keys one getMany may read. */
const GET_MANY_KEYS = 10;
/** Timelines one commit adds a post to (three keys each), within CHUNK_MUTATIONS. */
const TIMELINE_MEMBERS_PER_COMMIT = Math.floor(CHUNK_MUTATIONS / 3);
/**
 * Posts or connections one purge commit deletes: each is checked (KV allows 100 checks per atomic) and costs at most
 * seven mutations (record, index keys, pair, connected keys, event).
 */
const PURGE_BATCH = 50;
/**
 * Records (posts, connections, timeline entries) one purgeMemberContent call deletes before it answers false; the
 * worker's retries finish the rest, so no single delivery runs for long.
 */
const PURGE_BUDGET = 5_000;

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

/** The values of the entries that exist, in order. */
function values<T>(entries: Deno.KvEntryMaybe<T>[]): T[] {
  return entries.flatMap((e) => e.value === null ? [] : [e.value]);
}

function checkLimit(method: string, limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`${method}: limit must be ≥ 1, got ${limit}`);
}

/** Strictly later than the last write even when the clock has not moved, so updatedAt orders writes. */
function nextUpdatedAt(last: Date): Date {
  return new Date(Math.max(Date.now(), last.getTime() + 1));
}

/** Pending and accepted connections hold their pair's claim; a rejected one has released it. */
function holdsPair(c: Connection | null): boolean {
  return c !== null && c.status !== "rejected";
}

function conflictingConnection(): ConflictError {
  return new ConflictError("These members are already connected, or one has invited the other.");
}

/** What one record of a bulk import adds to a commit. */
interface CommitCost {
  checks: number;
  mutations: number;
  /** Bytes of keys, checked ones included. */
  keyBytes: number;
  /** Bytes of keys and values. */
  bytes: number;
}

/**
 * KV's limits per commit: 100 checks, 1,000 mutations, 80 KiB of keys and 800 KiB in all. The byte budgets leave
 * room for the estimates below being estimates.
 */
const COMMIT_LIMITS: CommitCost = { checks: 100, mutations: 1_000, keyBytes: 72 * 1024, bytes: 640 * 1024 };

/** An upper bound of a serialized value holding `texts`: V8 writes a string as one or two bytes per character. */
function valueBytes(...texts: (string | null)[]): number {
  let n = 256;
  for (const text of texts) if (text) n += 8 + 2 * text.length;
  return n;
}

function cost(checked: Deno.KvKey[], sets: [key: Deno.KvKey, valueBytes: number][]): CommitCost {
  let keyBytes = 0;
  let values = 0;
  for (const key of checked) keyBytes += keys.keyBytes(key);
  for (const [key, value] of sets) {
    keyBytes += keys.keyBytes(key);
    values += value;
  }
  return { checks: checked.length, mutations: sets.length, keyBytes, bytes: keyBytes + values };
}

function userCost(u: User): CommitCost {
  const value = valueBytes(
    u.id,
    u.email,
    u.passwordHash,
    u.firstName,
    u.lastName,
    u.headline,
    u.bio,
    u.location,
    u.profilePictureUrl,
  );
  const [emailKey, createdKey] = keys.userIndexKeys(u);
  return cost([emailKey], [[keys.user(u.id), value], [emailKey, 64], [createdKey, value]]);
}

function postCost(p: Post): CommitCost {
  const value = valueBytes(p.id, p.authorId, p.content, p.mediaUrl);
  return cost([], [keys.post(p.id), ...keys.postIndexKeys(p)].map((key) => [key, value]));
}

function connectionCost(c: Connection): CommitCost {
  const pair = keys.connectionPair(c.senderId, c.receiverId);
  const value = valueBytes(c.id, c.senderId, c.receiverId, c.message);
  return cost([pair], [
    [keys.connection(c.id), value],
    [keys.connectionByMember(c.senderId, c.id), 16],
    [keys.connectionByMember(c.receiverId, c.id), 16],
    [pair, 64],
    ...keys.connectedKeys(c).map((key): [Deno.KvKey, number] => [key, 64]),
  ]);
}

function timelineCost(e: keys.TimelineKeyParts): CommitCost {
  return cost([], keys.timelineEntryKeys(e).map((key) => [key, 128]));
}

/** Cuts `records` into consecutive groups that each fit one commit. */
function* importBatches<T>(records: readonly T[], costOf: (record: T) => CommitCost): Generator<T[]> {
  let batch: T[] = [];
  const used: CommitCost = { checks: 0, mutations: 0, keyBytes: 0, bytes: 0 };
  for (const record of records) {
    const c = costOf(record);
    const fits = (Object.keys(used) as (keyof CommitCost)[]).every((k) => used[k] + c[k] <= COMMIT_LIMITS[k]);
    if (!fits && batch.length > 0) {
      yield batch;
      batch = [];
      for (const k of Object.keys(used) as (keyof CommitCost)[]) used[k] = 0;
    }
    batch.push(record);
    for (const k of Object.keys(used) as (keyof CommitCost)[]) used[k] += c[k];
  }
  if (batch.length > 0) yield batch;
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
   * The one place a member is written: adds to `op` what moves the record, email claim and created index from
   * `before` to `after` (null deletes), checking `before` (null: a new record under a fresh id, nothing to check)
   * and claiming a new email under a versionstamp-null check. The commit fails when a check does: another write won
   * the race, or the email is claimed.
   */
  private stageUser(
    op: Deno.AtomicOperation,
    before: Deno.KvEntryMaybe<User> | null,
    after: User | null,
  ): Deno.AtomicOperation {
    if (before) op.check(before);
    const oldIndex = before?.value ? keys.userIndexKeys(before.value) : [];
    const newIndex = after ? keys.userIndexKeys(after) : [];
    for (const key of oldIndex) if (!newIndex.some((k) => sameKey(k, key))) op.delete(key);
    if (after) {
      const [emailKey, createdKey] = newIndex;
      if (!oldIndex.some((k) => sameKey(k, emailKey))) op.check({ key: emailKey, versionstamp: null });
      op.set(keys.user(after.id), after).set(emailKey, after.id).set(createdKey, after);
    } else if (before) {
      op.delete(before.key);
    }
    return op;
  }

  /** Writes a member (see stageUser) and enqueues the event in the same commit. False when a check failed. */
  private async writeUser(
    before: Deno.KvEntryMaybe<User>,
    after: User | null,
    type: DomainEvent["type"],
  ): Promise<boolean> {
    const op = this.stageUser(this.kv.atomic(), before, after);
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

  /** The members that exist among `ids`, in the order of `ids` (missing ones are skipped). */
  async getUsers(ids: string[]): Promise<User[]> {
    return values(await this.getEntries<User>(ids.filter(isId).map((id) => keys.user(id))));
  }

  /** Reads any number of keys, GET_MANY_KEYS per getMany, all chunks at once; the entries come in the order of `list`. */
  private async getEntries<T>(list: Deno.KvKey[]): Promise<Deno.KvEntryMaybe<T>[]> {
    const chunks: Deno.KvKey[][] = [];
    for (let start = 0; start < list.length; start += GET_MANY_KEYS) {
      chunks.push(list.slice(start, start + GET_MANY_KEYS));
    }
    return (await Promise.all(chunks.map((chunk) => this.kv.getMany<T[]>(chunk)))).flat();
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
    checkLimit("listUsers", limit);
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
      const next: User = { ...entry.value, ...changes, updatedAt: nextUpdatedAt(entry.value.updatedAt) };
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

  async getSessionWithUser(id: string): Promise<{ session: Session; user: User } | null> {
    const session = await this.getSession(id);
    const user = session ? await this.getUser(session.userId) : null;
    return session && user ? { session, user } : null;
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

  // --- posts -------------------------------------------------------------------------------------------------------

  /**
   * The one place a post is written: checks `before` (null: a new record under a fresh id, nothing to check) and
   * adds to `op` the record and its listing copies (a null `after` deletes them) with the event, if `type` names one;
   * a deletion's event names the author. A post's index keys never move.
   */
  private writePost(
    op: Deno.AtomicOperation,
    before: Deno.KvEntryMaybe<Post> | null,
    after: Post | null,
    type: DomainEvent["type"] | null,
  ): Deno.AtomicOperation {
    const post = after ?? before!.value!;
    if (before) op.check(before);
    for (const key of [keys.post(post.id), ...keys.postIndexKeys(post)]) {
      if (after) op.set(key, after);
      else op.delete(key);
    }
    if (type === null) return op;
    const event = newEvent(type, post.id, new Date(), after ? undefined : [post.authorId]);
    return op.enqueue(event, enqueueOptions(event));
  }

  /** Publishes a post; NotFoundError when the author does not exist (or is being deleted). Commits `post.created`. */
  async createPost(input: NewPost): Promise<Post> {
    for (let i = 0; i < MAX_TRIES; i++) {
      const author = isId(input.authorId) ? await this.kv.get<User>(keys.user(input.authorId)) : null;
      if (!author?.value) throw new NotFoundError("member");
      const { id, ms } = newId();
      const post: Post = {
        id,
        authorId: input.authorId,
        content: input.content,
        mediaUrl: input.mediaUrl ?? null,
        createdAt: new Date(ms),
        updatedAt: new Date(ms),
      };
      // Checking the author's versionstamp means no post is added after deleteUser's commit, so the purge finds all.
      const op = this.kv.atomic().check(author);
      const fresh = { key: keys.post(id), value: null, versionstamp: null };
      if ((await this.writePost(op, fresh, post, "post.created").commit()).ok) return post;
    }
    throw lostRaces("member");
  }

  async getPost(id: string): Promise<Post | null> {
    if (!isId(id)) return null;
    return (await this.kv.get<Post>(keys.post(id))).value;
  }

  /** The posts that exist among `ids`, in the order of `ids` (missing ones are skipped). */
  async getPosts(ids: string[]): Promise<Post[]> {
    return values(await this.getEntries<Post>(ids.filter(isId).map((id) => keys.post(id))));
  }

  /** Applies the patch (undefined fields are left alone); commits `post.updated`; null when there is no such post. */
  async updatePost(id: string, patch: PostPatch): Promise<Post | null> {
    if (!isId(id)) return null;
    for (let i = 0; i < MAX_TRIES; i++) {
      const entry = await this.kv.get<Post>(keys.post(id));
      if (!entry.value) return null;
      const next: Post = {
        ...entry.value,
        content: patch.content ?? entry.value.content,
        mediaUrl: patch.mediaUrl === undefined ? entry.value.mediaUrl : patch.mediaUrl,
        updatedAt: nextUpdatedAt(entry.value.updatedAt),
      };
      if ((await this.writePost(this.kv.atomic(), entry, next, "post.updated").commit()).ok) return next;
    }
    throw lostRaces("post");
  }

  /**
   * Deletes the post and its index keys and commits `post.deleted`, whose worker takes it out of the timelines it
   * reached. False when there was no such post.
   */
  async deletePost(id: string): Promise<boolean> {
    if (!isId(id)) return false;
    for (let i = 0; i < MAX_TRIES; i++) {
      const entry = await this.kv.get<Post>(keys.post(id));
      if (!entry.value) return false;
      if ((await this.writePost(this.kv.atomic(), entry, null, "post.deleted").commit()).ok) return true;
    }
    throw lostRaces("post");
  }

  /** Newest first, keyset-paginated over one author's copies or everyone's. */
  async listPosts(query: PostsQuery): Promise<PostsPage> {
    checkLimit("listPosts", query.limit);
    if (query.authorId !== undefined && !isId(query.authorId)) return { items: [], next: null };
    const prefix = query.authorId === undefined ? keys.POSTS_BY_CREATED : keys.postsByAuthor(query.authorId);
    const { entries, next } = await this.listNewest<Post>(prefix, query.limit, query.after);
    return { items: entries.map((e) => e.value), next };
  }

  /**
   * One newest-first page of an index whose keys end in (createdAtMs, id): reads one entry past `limit` to tell
   * whether another page follows, and positions `next` at the page's last key.
   */
  private async listNewest<T>(
    prefix: Deno.KvKey,
    limit: number,
    after: PostPosition | undefined,
  ): Promise<{ entries: Deno.KvEntry<T>[]; next: PostPosition | null }> {
    const selector = after ? { prefix, end: [...prefix, after.createdAt, after.id] } : { prefix };
    const entries: Deno.KvEntry<T>[] = [];
    const batchSize = Math.min(limit + 1, 500); // KV reads at most 1,000 entries per batch
    for await (const entry of this.kv.list<T>(selector, { reverse: true, limit: limit + 1, batchSize })) {
      entries.push(entry);
    }
    if (entries.length <= limit) return { entries, next: null };
    entries.length = limit;
    const last = entries[limit - 1].key;
    return { entries, next: { createdAt: last[last.length - 2] as number, id: last[last.length - 1] as string } };
  }

  // --- timelines ---------------------------------------------------------------------------------------------------

  /** The one place a timeline entry is written: its key and both reverse keys, set (or deleted) together in `op`. */
  private writeTimelineEntry(
    op: Deno.AtomicOperation,
    entry: keys.TimelineKeyParts,
    present: boolean,
  ): Deno.AtomicOperation {
    const [main, byPost, byAuthor] = keys.timelineEntryKeys(entry);
    if (!present) return op.delete(main).delete(byPost).delete(byAuthor);
    const ref: keys.TimelineRef = { createdAtMs: entry.createdAtMs, authorId: entry.authorId };
    return op.set(main, entry.authorId).set(byPost, ref).set(byAuthor, true);
  }

  /**
   * Adds one post to the timelines of `memberIds`, in commits of bounded size; repeating an entry rewrites the same
   * keys. Each commit checks that the post still exists, so a post deleted meanwhile is never added after its
   * removal ran (the removal, triggered by the deletion, finds whatever earlier commits added).
   */
  async addToTimelines(memberIds: string[], entry: TimelineEntry): Promise<void> {
    if (!isId(entry.postId)) return;
    const members = [...new Set(memberIds)].filter(isId);
    const parts = { postId: entry.postId, authorId: entry.authorId, createdAtMs: entry.createdAt.getTime() };
    for (let start = 0; start < members.length; start += TIMELINE_MEMBERS_PER_COMMIT) {
      const chunk = members.slice(start, start + TIMELINE_MEMBERS_PER_COMMIT);
      for (let i = 0;; i++) {
        if (i === MAX_TRIES) throw lostRaces("post");
        const post = await this.kv.get<Post>(keys.post(entry.postId));
        if (!post.value) return;
        const op = this.kv.atomic().check(post);
        for (const memberId of chunk) this.writeTimelineEntry(op, { ...parts, memberId }, true);
        if ((await op.commit()).ok) break;
      }
    }
  }

  /** Removes a post from every timeline it reached. */
  async removePostFromTimelines(postId: string): Promise<void> {
    if (isId(postId)) await this.dropPostFromTimelines(postId);
  }

  /** Removes a post from every timeline it reached; how many entries that deleted. */
  private dropPostFromTimelines(postId: string): Promise<number> {
    return this.dropTimelineEntries(
      this.kv.list<keys.TimelineRef>({ prefix: keys.timelineByPost(postId) }),
      ({ key, value }) => ({ memberId: key[2] as string, postId, ...value }),
    );
  }

  /** Removes one author's posts from one member's timeline (the two are no longer connected). */
  async removeAuthorFromTimeline(memberId: string, authorId: string): Promise<void> {
    if (!isId(memberId) || !isId(authorId)) return;
    await this.dropTimelineEntries(
      this.kv.list<true>({ prefix: keys.timelineByAuthor(memberId, authorId) }),
      ({ key }) => ({ memberId, authorId, createdAtMs: key[3] as number, postId: key[4] as string }),
    );
  }

  /** A member's timeline, newest first, keyset-paginated. */
  async listTimelinePosts(memberId: string, query: { limit: number; after?: PostPosition }): Promise<PostsPage> {
    const page = await this.listTimeline(memberId, query);
    return { items: await this.getPosts(page.items.map((e) => e.postId)), next: page.next };
  }

  async listTimeline(memberId: string, query: { limit: number; after?: PostPosition }): Promise<TimelinePage> {
    checkLimit("listTimeline", query.limit);
    if (!isId(memberId)) return { items: [], next: null };
    const { entries, next } = await this.listNewest<string>(keys.timeline(memberId), query.limit, query.after);
    const items = entries.map(({ key, value }) => ({
      postId: key[3] as string,
      authorId: value,
      createdAt: new Date(key[2] as number),
    }));
    return { items, next };
  }

  /** Keeps the newest `keep` entries of a member's timeline and drops the rest. */
  async trimTimeline(memberId: string, keep: number): Promise<void> {
    if (!isId(memberId)) return;
    await this.dropTimelineEntries(
      this.kv.list<string>({ prefix: keys.timeline(memberId) }, { reverse: true }),
      ({ key, value }) => ({ memberId, createdAtMs: key[2] as number, postId: key[3] as string, authorId: value }),
      Math.max(0, keep),
    );
  }

  /** When the member's timeline was last built from scratch; null when it never was (or was dropped). */
  async getTimelineBuiltAt(memberId: string): Promise<Date | null> {
    if (!isId(memberId)) return null;
    return (await this.kv.get<Date>(keys.timelineBuilt(memberId))).value;
  }

  async setTimelineBuiltAt(memberId: string, at: Date): Promise<void> {
    if (isId(memberId)) await this.kv.set(keys.timelineBuilt(memberId), at);
  }

  /**
   * Deletes the timeline entries `list` yields after the first `skip` (each with its reverse keys), in commits of
   * bounded size. Plain deletes need no checks: deleting an entry twice, or one a racing call deleted, is harmless.
   * How many it deleted.
   */
  private async dropTimelineEntries<T>(
    list: Deno.KvListIterator<T>,
    parts: (entry: Deno.KvEntry<T>) => keys.TimelineKeyParts,
    skip = 0,
  ): Promise<number> {
    let op = this.kv.atomic();
    let pending = 0;
    let seen = 0;
    for await (const entry of list) {
      if (seen++ < skip) continue;
      this.writeTimelineEntry(op, parts(entry), false);
      pending++;
      if (pending * 3 >= CHUNK_MUTATIONS) {
        await op.commit();
        op = this.kv.atomic();
        pending = 0;
      }
    }
    if (pending > 0) await op.commit();
    return Math.max(0, seen - skip);
  }

  // --- connections -------------------------------------------------------------------------------------------------

  /**
   * The one place a connection is written: adds to `op` the record and both members' index keys (a null `after`
   * deletes them), claims the pair under a versionstamp-null check when the connection starts holding it and
   * releases it when it stops (rejected or deleted), sets or deletes the two `connected` keys as it becomes or stops
   * being accepted, and enqueues `connection.accepted` or `connection.removed` with the two members (unless
   * `events` is false: a bulk import). The caller checks the record's versionstamp.
   */
  private writeConnection(
    op: Deno.AtomicOperation,
    before: Connection | null,
    after: Connection | null,
    events = true,
  ): Deno.AtomicOperation {
    const c = after ?? before!;
    const members = [c.senderId, c.receiverId];
    if (after) op.set(keys.connection(c.id), after);
    else op.delete(keys.connection(c.id));
    for (const member of members) {
      if (after) op.set(keys.connectionByMember(member, c.id), true);
      else op.delete(keys.connectionByMember(member, c.id));
    }
    const pair = keys.connectionPair(c.senderId, c.receiverId);
    if (holdsPair(after) && !holdsPair(before)) op.check({ key: pair, versionstamp: null }).set(pair, c.id);
    if (!holdsPair(after) && holdsPair(before)) op.delete(pair);
    const wasAccepted = before?.status === "accepted";
    const isAccepted = after?.status === "accepted";
    if (wasAccepted === isAccepted) return op;
    for (const key of keys.connectedKeys(c)) {
      if (isAccepted) op.set(key, c.id);
      else op.delete(key);
    }
    if (!events) return op;
    const event = newEvent(isAccepted ? "connection.accepted" : "connection.removed", c.id, new Date(), members);
    return op.enqueue(event, enqueueOptions(event));
  }

  /**
   * Sends an invitation (pending). ConflictError when a pending or accepted connection already joins the two members
   * in either direction (of racing invitations, the pair claim lets exactly one in); NotFoundError when either
   * member does not exist.
   */
  async createConnection(input: { senderId: string; receiverId: string; message: string }): Promise<Connection> {
    const { senderId, receiverId } = input;
    if (!isId(senderId) || !isId(receiverId)) throw new NotFoundError("member");
    for (let i = 0; i < MAX_TRIES; i++) {
      const [sender, receiver] = await this.kv.getMany<[User, User]>([keys.user(senderId), keys.user(receiverId)]);
      if (!sender.value || !receiver.value) throw new NotFoundError("member");
      const { id, ms } = newId();
      const connection: Connection = {
        id,
        senderId,
        receiverId,
        status: "pending",
        message: input.message,
        createdAt: new Date(ms),
        updatedAt: new Date(ms),
      };
      // The members' versionstamps: no connection is added after deleteUser's commit, so the purge finds them all.
      const op = this.kv.atomic().check(sender, receiver, { key: keys.connection(id), versionstamp: null });
      if ((await this.writeConnection(op, null, connection).commit()).ok) return connection;
      // A held pair is a genuine conflict; otherwise a member changed, or the pair was released meanwhile: try again.
      if ((await this.kv.get(keys.connectionPair(senderId, receiverId))).versionstamp !== null) {
        throw conflictingConnection();
      }
    }
    throw lostRaces("connection");
  }

  async getConnection(id: string): Promise<Connection | null> {
    if (!isId(id)) return null;
    return (await this.kv.get<Connection>(keys.connection(id))).value;
  }

  /**
   * Moves a connection to `status` (a no-op when it is there already); accepting commits `connection.accepted`,
   * rejecting releases the pair. Null when the connection does not exist; ConflictError when re-opening a rejected
   * one whose pair a newer invitation holds.
   */
  async setConnectionStatus(id: string, status: "accepted" | "rejected"): Promise<Connection | null> {
    if (!isId(id)) return null;
    for (let i = 0; i < MAX_TRIES; i++) {
      const entry = await this.kv.get<Connection>(keys.connection(id));
      const c = entry.value;
      if (!c) return null;
      if (c.status === status) return c;
      const next: Connection = { ...c, status, updatedAt: nextUpdatedAt(c.updatedAt) };
      if ((await this.writeConnection(this.kv.atomic().check(entry), c, next).commit()).ok) return next;
      if (!holdsPair(c)) {
        const pair = await this.kv.get<string>(keys.connectionPair(c.senderId, c.receiverId));
        if (pair.value !== null && pair.value !== id) throw conflictingConnection();
      }
    }
    throw lostRaces("connection");
  }

  /** Removes it (withdrawn or ended) and frees the pair; an accepted one commits `connection.removed`. */
  async deleteConnection(id: string): Promise<boolean> {
    if (!isId(id)) return false;
    for (let i = 0; i < MAX_TRIES; i++) {
      const entry = await this.kv.get<Connection>(keys.connection(id));
      if (!entry.value) return false;
      if ((await this.writeConnection(this.kv.atomic().check(entry), entry.value, null).commit()).ok) return true;
    }
    throw lostRaces("connection");
  }

  /** The members a member is connected to (accepted only). */
  async listConnectedIds(memberId: string): Promise<string[]> {
    if (!isId(memberId)) return [];
    const ids: string[] = [];
    for await (const { key } of this.kv.list({ prefix: keys.connectedTo(memberId) })) ids.push(key[2] as string);
    return ids;
  }

  // --- bulk import ---------------------------------------------------------------------------------------------------
  // The records go through the same write functions as normal writes (so they are the same keys and values), many
  // per commit within KV's limits, and without events.

  /**
   * New members with their given dates, up to 100 per commit (one email claim check each). ConflictError when an
   * email is taken, by a member or twice in the input; the commits before the failing one stay.
   */
  async importUsers(users: (NewUser & { createdAt: Date })[]): Promise<string[]> {
    const emails = new Set<string>();
    for (const input of users) {
      const email = input.email.toLowerCase();
      if (emails.has(email)) throw new ConflictError("That email is already registered.", "email");
      emails.add(email);
    }
    const records = users.map((input): User => ({
      id: newId().id,
      ...newUserRecord(input, new Date(input.createdAt)),
    }));
    for (const batch of importBatches(records, userCost)) {
      const op = this.kv.atomic();
      for (const user of batch) this.stageUser(op, null, user);
      if (!(await op.commit()).ok) throw new ConflictError("That email is already registered.", "email");
    }
    return records.map((u) => u.id);
  }

  /** New posts with their given dates (updatedAt the same); NotFoundError for an author id this store never issues. */
  async importPosts(posts: (NewPost & { createdAt: Date })[]): Promise<string[]> {
    if (posts.some((p) => !isId(p.authorId))) throw new NotFoundError("member");
    const records = posts.map((input): Post => ({
      id: newId().id,
      authorId: input.authorId,
      content: input.content,
      mediaUrl: input.mediaUrl ?? null,
      createdAt: new Date(input.createdAt),
      updatedAt: new Date(input.createdAt),
    }));
    for (const batch of importBatches(records, postCost)) {
      const op = this.kv.atomic();
      for (const post of batch) this.writePost(op, null, post, null);
      await op.commit(); // no checks: it cannot fail on one
    }
    return records.map((p) => p.id);
  }

  /**
   * Accepted connections with their given dates, up to 100 per commit (one pair claim check each). A pair that is
   * already joined (pending or accepted, either direction, or earlier in the input) is skipped; a commit that loses a
   * pair to a racing invitation reads the claims again.
   */
  async importConnections(list: { senderId: string; receiverId: string; createdAt: Date }[]): Promise<void> {
    const pairs = new Set<string>();
    const records: Connection[] = [];
    for (const { senderId, receiverId, createdAt } of list) {
      if (!isId(senderId) || !isId(receiverId)) throw new NotFoundError("member");
      if (senderId === receiverId) throw new RangeError("importConnections: a member cannot connect to themselves");
      const pair = senderId < receiverId ? `${senderId}:${receiverId}` : `${receiverId}:${senderId}`;
      if (pairs.has(pair)) continue;
      pairs.add(pair);
      const at = new Date(createdAt);
      records.push({
        id: newId().id,
        senderId,
        receiverId,
        status: "accepted",
        message: "",
        createdAt: at,
        updatedAt: new Date(at),
      });
    }
    for (const batch of importBatches(records, connectionCost)) {
      for (let i = 0;; i++) {
        if (i === MAX_TRIES) throw lostRaces("connection");
        const claims = await this.getEntries(batch.map((c) => keys.connectionPair(c.senderId, c.receiverId)));
        const op = this.kv.atomic();
        let staged = 0;
        for (const [j, c] of batch.entries()) {
          if (claims[j].versionstamp !== null) continue;
          this.writeConnection(op, null, c, false);
          staged++;
        }
        if (staged === 0 || (await op.commit()).ok) break;
      }
    }
  }

  /** Timeline entries; an entry that is there already is rewritten unchanged, one naming an impossible id skipped. */
  async importTimeline(entries: (TimelineEntry & { memberId: string })[]): Promise<void> {
    const parts = entries
      .filter((e) => isId(e.memberId) && isId(e.postId) && isId(e.authorId))
      .map((e): keys.TimelineKeyParts => ({
        memberId: e.memberId,
        postId: e.postId,
        authorId: e.authorId,
        createdAtMs: e.createdAt.getTime(),
      }));
    for (const batch of importBatches(parts, timelineCost)) {
      const op = this.kv.atomic();
      for (const entry of batch) this.writeTimelineEntry(op, entry, true);
      await op.commit();
    }
  }

  // --- purging a deleted member ------------------------------------------------------------------------------------

  /**
   * Deletes what a deleted member wrote or joined, PURGE_BATCH records per commit and about PURGE_BUDGET per call:
   * their posts (each commit with its `post.deleted` events, then each post out of every timeline), their
   * connections (pairs released, `connection.removed` for accepted ones), and their own timeline. Every step reads
   * what is left, so running it again, or after a crash, carries on. True when nothing is left.
   */
  async purgeMemberContent(memberId: string): Promise<boolean> {
    if (!isId(memberId)) return true;
    let budget = PURGE_BUDGET;

    for (;;) {
      if (budget <= 0) return false;
      const copies = await this.listValues<Post>(keys.postsByAuthor(memberId), PURGE_BATCH);
      if (copies.length === 0) break;
      budget -= copies.length;
      const entries = await this.getEntries<Post>(copies.map((p) => keys.post(p.id)));
      const op = this.kv.atomic();
      for (const [i, entry] of entries.entries()) {
        if (entry.value) this.writePost(op, entry, null, "post.deleted");
        else for (const key of keys.postIndexKeys(copies[i])) op.delete(key); // an index key without its record
      }
      // A lost race (a post edited meanwhile) lists the batch again. Should the process stop before the timelines
      // are cleaned, the committed `post.deleted` events clean them.
      if (!(await op.commit()).ok) continue;
      for (const post of copies) budget -= await this.dropPostFromTimelines(post.id);
    }

    for (;;) {
      if (budget <= 0) return false;
      const ids: string[] = [];
      const list = this.kv.list({ prefix: keys.connectionsByMember(memberId) }, { limit: PURGE_BATCH });
      for await (const { key } of list) ids.push(key[2] as string);
      if (ids.length === 0) break;
      budget -= ids.length;
      const entries = await this.getEntries<Connection>(ids.map((id) => keys.connection(id)));
      const op = this.kv.atomic();
      for (const [i, entry] of entries.entries()) {
        if (entry.value) this.writeConnection(op.check(entry), entry.value, null);
        else op.delete(keys.connectionByMember(memberId, ids[i])); // an index key without its record
      }
      await op.commit(); // a lost race (a connection changed meanwhile) lists the batch again
    }

    budget -= await this.dropTimelineEntries(
      this.kv.list<string>({ prefix: keys.timeline(memberId) }, { limit: Math.max(budget, 1) }),
      ({ key, value }) => ({ memberId, createdAtMs: key[2] as number, postId: key[3] as string, authorId: value }),
    );
    if (budget <= 0) return false;
    await this.kv.delete(keys.timelineBuilt(memberId));
    return true;
  }

  /** The values of the first `limit` keys under `prefix`. */
  private async listValues<T>(prefix: Deno.KvKey, limit: number): Promise<T[]> {
    const out: T[] = [];
    for await (const { value } of this.kv.list<T>({ prefix }, { limit })) out.push(value);
    return out;
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
