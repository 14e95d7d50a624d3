// Bulk import on Deno KV. The records go through the same write functions as normal writes (so they are the same
// keys and values), many per commit within KV's limits, and without events.
import { ConflictError, NotFoundError } from "../../errors.ts";
import { checkImportedPair } from "../../rules/connections.ts";
import { newUserRecord } from "../records.ts";
import type { Connection, NewPost, NewUser, Post, TimelineEntry, User } from "../model.ts";
import { writeConnection } from "./connections.ts";
import { isId, newId } from "./ids.ts";
import * as keys from "./keys.ts";
import { writePost } from "./posts.ts";
import { type Ctx, getEntries, lostRaces, MAX_TRIES } from "./shared.ts";
import { writeTimelineEntry } from "./timelines.ts";
import { stageUser } from "./users.ts";

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
  const [emailKey, createdKey, ...searchKeys] = keys.userIndexKeys(u);
  return cost([emailKey], [
    [keys.user(u.id), value],
    [emailKey, 64],
    [createdKey, value],
    ...searchKeys.map((key): [Deno.KvKey, number] => [key, 16]),
  ]);
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
    ...keys.connectionListingEntries(c).map(([key]): [Deno.KvKey, number] => [key, 64]),
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

/**
 * New members with their given dates, up to 100 per commit (one email claim check each). ConflictError when an
 * email is taken, by a member or twice in the input; the commits before the failing one stay.
 */
export async function importUsers(ctx: Ctx, users: (NewUser & { createdAt: Date })[]): Promise<string[]> {
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
    const op = ctx.kv.atomic();
    for (const user of batch) stageUser(op, null, user);
    if (!(await op.commit()).ok) throw new ConflictError("That email is already registered.", "email");
  }
  return records.map((u) => u.id);
}

/** New posts with their given dates (updatedAt the same); NotFoundError for an author id this store never issues. */
export async function importPosts(ctx: Ctx, posts: (NewPost & { createdAt: Date })[]): Promise<string[]> {
  if (posts.some((p) => !isId(p.authorId))) throw new NotFoundError("member");
  const records = posts.map((input): Post => ({
    id: newId().id,
    authorId: input.authorId,
    content: input.content,
    mediaUrl: input.mediaUrl ?? null,
    mediaIds: [],
    createdAt: new Date(input.createdAt),
    updatedAt: new Date(input.createdAt),
  }));
  for (const batch of importBatches(records, postCost)) {
    const op = ctx.kv.atomic();
    for (const post of batch) writePost(op, null, post, null);
    await op.commit(); // no checks: it cannot fail on one
  }
  return records.map((p) => p.id);
}

/**
 * Accepted connections with their given dates, up to 100 per commit (one pair claim check each). A pair that is
 * already joined (pending or accepted, either direction, or earlier in the input) is skipped; a commit that loses a
 * pair to a racing invitation reads the claims again.
 */
export async function importConnections(
  ctx: Ctx,
  list: { senderId: string; receiverId: string; createdAt: Date }[],
): Promise<void> {
  const pairs = new Set<string>();
  const records: Connection[] = [];
  for (const { senderId, receiverId, createdAt } of list) {
    if (!isId(senderId) || !isId(receiverId)) throw new NotFoundError("member");
    checkImportedPair(senderId, receiverId);
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
      const claims = await getEntries(ctx, batch.map((c) => keys.connectionPair(c.senderId, c.receiverId)));
      const op = ctx.kv.atomic();
      let staged = 0;
      for (const [j, c] of batch.entries()) {
        if (claims[j].versionstamp !== null) continue;
        writeConnection(op, null, c, { bulk: true });
        staged++;
      }
      if (staged === 0 || (await op.commit()).ok) break;
    }
  }
}

/** Timeline entries; an entry that is there already is rewritten unchanged, one naming an impossible id skipped. */
export async function importTimeline(ctx: Ctx, entries: (TimelineEntry & { memberId: string })[]): Promise<void> {
  const parts = entries
    .filter((e) => isId(e.memberId) && isId(e.postId) && isId(e.authorId))
    .map((e): keys.TimelineKeyParts => ({
      memberId: e.memberId,
      postId: e.postId,
      authorId: e.authorId,
      createdAtMs: e.createdAt.getTime(),
    }));
  for (const batch of importBatches(parts, timelineCost)) {
    const op = ctx.kv.atomic();
    for (const entry of batch) writeTimelineEntry(op, entry, true);
    await op.commit();
  }
}
