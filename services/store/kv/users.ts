// Members on Deno KV: the record, its email claim and its created index, written together by stageUser.
import { ConflictError } from "../../errors.ts";
import { newUserRecord } from "../records.ts";
import { enqueueOptions, newEvent } from "../events.ts";
import type { DomainEvent, ListUsersQuery, NewUser, User, UserPatch, UsersPage } from "../types.ts";
import { isId, newId } from "./ids.ts";
import * as keys from "./keys.ts";
import { deleteSessionsOf } from "./sessions.ts";
import {
  checkLimit,
  type Ctx,
  getEntries,
  lostRaces,
  MAX_KEY_TEXT,
  MAX_TRIES,
  nextUpdatedAt,
  values,
} from "./shared.ts";

/** Index entries a filtered listing may scan for one page, so a rare query costs a bounded amount per page. */
const SCAN_BUDGET = 1_000;

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

function sameKey(a: Deno.KvKey, b: Deno.KvKey): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

function matches(u: User, needle: string): boolean {
  return u.firstName.toLowerCase().includes(needle) || u.lastName.toLowerCase().includes(needle) ||
    u.headline.toLowerCase().includes(needle);
}

/**
 * The one place a member is written: adds to `op` what moves the record, email claim and created index from
 * `before` to `after` (null deletes), checking `before` (null: a new record under a fresh id, nothing to check)
 * and claiming a new email under a versionstamp-null check. The commit fails when a check does: another write won
 * the race, or the email is claimed.
 */
export function stageUser(
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
async function writeUser(
  ctx: Ctx,
  before: Deno.KvEntryMaybe<User>,
  after: User | null,
  type: DomainEvent["type"],
): Promise<boolean> {
  const op = stageUser(ctx.kv.atomic(), before, after);
  const event = newEvent(type, after?.id ?? before.value!.id);
  op.enqueue(event, enqueueOptions(event));
  return (await op.commit()).ok;
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
 * Newest first, keyset-paginated over the created index. With `q`, scans at most SCAN_BUDGET entries per page and
 * may return fewer than `limit` items with a `next` position; `next` is null only when the index is exhausted.
 */
export async function listUsers(ctx: Ctx, query: ListUsersQuery): Promise<UsersPage> {
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
  // Only allow-listed fields that are present: extra keys or explicit undefineds never reach the record.
  const changes: UserPatch = Object.fromEntries(
    PATCHABLE.filter((field) => patch[field] !== undefined).map((field) => [field, patch[field]]),
  );
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
 * event go in one commit first, so the member is gone at once; their sessions follow in further commits (and
 * expire by themselves should the process stop in between). False when there was no such member.
 */
export async function deleteUser(ctx: Ctx, id: string): Promise<boolean> {
  if (!isId(id)) return false;
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<User>(keys.user(id));
    if (!entry.value) return false;
    if (await writeUser(ctx, entry, null, "user.deleted")) {
      await deleteSessionsOf(ctx, id);
      return true;
    }
  }
  throw lostRaces("member");
}
