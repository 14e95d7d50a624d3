// Members on Deno KV: the record, its email claim, its created index and its search keys (location, headline
// words), written together by stageUser.
import { MEMBER_DELETION, type MemberDeletionStep } from "../../rules/members.ts";
import { nextUpdatedAt } from "../../rules/time.ts";
import { profileChanges } from "../../rules/patches.ts";
import { ConflictError } from "../../errors.ts";
import { newUserRecord } from "../records.ts";
import { newEvent } from "../events.ts";
import { enqueueEvent } from "./queue.ts";
import {
  type DomainEvent,
  type ListUsersQuery,
  type NewUser,
  type User,
  USER_SCAN_BUDGET,
  type UserPatch,
  type UsersPage,
} from "../model.ts";
import { headlineWords } from "../words.ts";
import { isId, newId } from "./ids.ts";
import * as keys from "./keys.ts";
import { deleteIdempotencyOf } from "./idempotency.ts";
import { deleteSessionsOf } from "./sessions.ts";
import {
  checkLimit,
  commitOrRetry,
  type Ctx,
  getEntries,
  lostRaces,
  MAX_KEY_TEXT,
  MAX_TRIES,
  values,
} from "./shared.ts";

/** Index entries a filtered listing may scan for one page, so a rare query costs a bounded amount per page. */
/**
 * Members listUsersByHeadline reads per word, the newest with it; the ranking is exact among those, so a query of n
 * words reads at most n × HEADLINE_WORD_SCAN keys however common its words are.
 */
const HEADLINE_WORD_SCAN = 200;

const DELETION_STEPS: Record<MemberDeletionStep, (ctx: Ctx, memberId: string) => Promise<void>> = {
  sessions: deleteSessionsOf,
  idempotencyKeys: deleteIdempotencyOf,
};

function sameKey(a: Deno.KvKey, b: Deno.KvKey): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

function matches(u: User, needle: string): boolean {
  return u.firstName.toLowerCase().includes(needle) || u.lastName.toLowerCase().includes(needle) ||
    u.headline.toLowerCase().includes(needle);
}

/**
 * The one place a member is written: adds to `op` what moves the record, email claim, created index and search keys
 * from `before` to `after` (null deletes), checking `before` (null: a new record under a fresh id, nothing to
 * check) and claiming a new email under a versionstamp-null check. The commit fails when a check does: another
 * write won the race, or the email is claimed.
 */
export function stageUser(
  op: Deno.AtomicOperation,
  before: Deno.KvEntryMaybe<User> | null,
  after: User | null,
): Deno.AtomicOperation {
  if (before) op.check(before);
  const oldIndex = before?.value ? keys.userIndexKeys(before.value) : [];
  const newIndex = after ? keys.userIndexKeys(after) : [];
  const isOld = (key: Deno.KvKey) => oldIndex.some((k) => sameKey(k, key));
  for (const key of oldIndex) if (!newIndex.some((k) => sameKey(k, key))) op.delete(key);
  if (after) {
    const [emailKey, createdKey, ...searchKeys] = newIndex;
    if (!isOld(emailKey)) op.check({ key: emailKey, versionstamp: null });
    op.set(keys.user(after.id), after).set(emailKey, after.id).set(createdKey, after);
    for (const key of searchKeys) if (!isOld(key)) op.set(key, true);
  } else if (before) {
    op.delete(before.key);
  }
  return op;
}

/** Writes a member (see stageUser) and enqueues the event in the same commit. False when a check failed. */
async function writeUser(
  ctx: Ctx,
  before: Deno.KvEntryMaybe<User>,
  after: User | null,
  type: DomainEvent["type"],
): Promise<boolean> {
  const op = stageUser(ctx.kv.atomic(), before, after);
  const event = newEvent(type, after?.id ?? before.value!.id);
  enqueueEvent(op, event);
  return (await commitOrRetry(op)).ok;
}

/** Creates a member; throws ConflictError("email") when the email is taken in any letter case. */
export async function createUser(ctx: Ctx, input: NewUser): Promise<User> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const { id, ms } = newId();
    const at = new Date(ms);
    const user: User = { id, ...newUserRecord(input, at) };
    const fresh = { key: keys.user(id), value: null, versionstamp: null };
    if (await writeUser(ctx, fresh, user, "user.created")) return user;
    const claim = await ctx.kv.get(keys.userByEmail(input.email));
    if (claim.versionstamp !== null) throw new ConflictError("That email is already registered.", "email");
  }
  throw lostRaces("email");
}

/** The member, or null (also for ids this store could never have issued). */
export async function getUser(ctx: Ctx, id: string): Promise<User | null> {
  if (!isId(id)) return null;
  return (await ctx.kv.get<User>(keys.user(id))).value;
}

/** The members that exist among `ids`, in the order of `ids` (missing ones are skipped). */
export async function getUsers(ctx: Ctx, ids: string[]): Promise<User[]> {
  return values(await getEntries<User>(ctx, ids.filter(isId).map((id) => keys.user(id))));
}

/** Case-insensitive. */
export async function getUserByEmail(ctx: Ctx, email: string): Promise<User | null> {
  if (email.length > MAX_KEY_TEXT) return null;
  const claim = await ctx.kv.get<string>(keys.userByEmail(email));
  return claim.value === null ? null : await getUser(ctx, claim.value);
}

/**
 * Newest first, keyset-paginated over the created index. With `q`, scans at most USER_SCAN_BUDGET entries per page
 * and may return fewer than `limit` items with a `next` position; `next` is null only when the index is exhausted.
 */
export async function listUsers(ctx: Ctx, query: ListUsersQuery): Promise<UsersPage> {
  const { limit, after } = query;
  checkLimit("listUsers", limit);
  const needle = query.q ? query.q.toLowerCase() : null;
  const budget = needle ? Math.max(USER_SCAN_BUDGET, limit) : limit;
  const selector = after
    ? { prefix: keys.USERS_BY_CREATED, end: keys.userByCreated(after.createdAt, after.id) }
    : { prefix: keys.USERS_BY_CREATED };
  const items: User[] = [];
  let scanned = 0;
  let last: User | null = null;
  // One entry past the budget tells "stopped early" (next = last position) from "index exhausted" (next = null).
  const iter = ctx.kv.list<User>(selector, {
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
export async function updateUser(ctx: Ctx, id: string, patch: UserPatch): Promise<User | null> {
  if (!isId(id)) return null;
  const changes = profileChanges(patch);
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<User>(keys.user(id));
    if (!entry.value) return null;
    const next: User = { ...entry.value, ...changes, updatedAt: nextUpdatedAt(entry.value.updatedAt) };
    if (await writeUser(ctx, entry, next, "user.updated")) return next;
  }
  throw lostRaces("member");
}

/**
 * Removes the member and everything keyed to them; the email is free again. The record, its index keys and the
 * event go in one commit first, so the member is gone at once; what MEMBER_DELETION names follows in further commits
 * (sessions and idempotency keys expire by themselves should the process stop in between). False when there was no
 * such member.
 */
export async function deleteUser(ctx: Ctx, id: string): Promise<boolean> {
  if (!isId(id)) return false;
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<User>(keys.user(id));
    if (!entry.value) return false;
    if (await writeUser(ctx, entry, null, "user.deleted")) {
      for (const step of MEMBER_DELETION) await DELETION_STEPS[step](ctx, id);
      return true;
    }
  }
  throw lostRaces("member");
}

/** The members `indexKeys` (ending in ids) name, in that order, that still pass `matches` (a record may have moved). */
async function usersAt(ctx: Ctx, indexKeys: Deno.KvKey[], matches: (u: User) => boolean): Promise<User[]> {
  return (await getUsers(ctx, indexKeys.map((key) => key.at(-1) as string))).filter(matches);
}

/** Members whose location equals `location` (trimmed, any letter case), newest first: one range, then the records. */
export async function listUsersByLocation(ctx: Ctx, location: string, limit: number): Promise<User[]> {
  checkLimit("listUsersByLocation", limit);
  const place = keys.locationKeyText(location);
  if (!place) return [];
  const found: Deno.KvKey[] = [];
  const list = ctx.kv.list({ prefix: keys.usersByLocation(place) }, {
    reverse: true,
    limit,
    batchSize: Math.min(limit, 500),
  });
  for await (const { key } of list) found.push(key);
  return await usersAt(ctx, found, (u) => keys.locationKeyText(u.location) === place);
}

/**
 * Members whose headline shares a word with `headline`, those sharing more first, then newest first: one range per
 * word, of at most HEADLINE_WORD_SCAN keys, counted, then the best `limit` records.
 */
export async function listUsersByHeadline(ctx: Ctx, headline: string, limit: number): Promise<User[]> {
  checkLimit("listUsersByHeadline", limit);
  const words = headlineWords(headline);
  const shared = new Map<string, { key: Deno.KvKey; count: number }>();
  await Promise.all(words.map(async (word) => {
    const list = ctx.kv.list({ prefix: keys.usersByHeadlineWord(word) }, {
      reverse: true,
      limit: HEADLINE_WORD_SCAN,
      batchSize: HEADLINE_WORD_SCAN,
    });
    for await (const { key } of list) {
      const id = key.at(-1) as string;
      const hit = shared.get(id);
      if (hit) hit.count++;
      else shared.set(id, { key, count: 1 });
    }
  }));
  // Keys end in (createdAtMs, id), so comparing the two as a pair orders newest first.
  const newer = (a: Deno.KvKey, b: Deno.KvKey) =>
    (b.at(-2) as number) - (a.at(-2) as number) || ((a.at(-1) as string) < (b.at(-1) as string) ? 1 : -1);
  const best = [...shared.values()].sort((a, b) => b.count - a.count || newer(a.key, b.key)).slice(0, limit);
  const wanted = new Set(words);
  return await usersAt(ctx, best.map((b) => b.key), (u) => headlineWords(u.headline).some((w) => wanted.has(w)));
}
