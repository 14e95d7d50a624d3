// Post reactions on Deno KV: each member's one reaction with its listing copies, written by writeReaction in the
// commit that changes the post's counters (KvU64 keys changed only by `sum`, so racing reactions never lose a count).
// Every write checks the reaction's own versionstamp and the post's, so none lands on a deleted post.
import { NotFoundError } from "../../errors.ts";
import {
  assertReactionType,
  noReactions,
  type PostReactions,
  type Reaction,
  REACTION_TYPES,
  type ReactionsPage,
  type ReactionsQuery,
  type ReactionType,
} from "../model.ts";
import { isId } from "./ids.ts";
import * as keys from "./keys.ts";
import { checkLimit, commitOrRetry, type Ctx, getEntries, listNewest, lostRaces, MAX_TRIES } from "./shared.ts";

/** `sum` wraps around at 2^64, so adding 2^64 - 1 takes one away. */
const MINUS_ONE = (1n << 64n) - 1n;
/** Reactions one commit of purgePostReactions deletes: four keys each, about 70 bytes a key (28 KB of 80 KiB). */
const PURGE_BATCH = 100;
/** Reactions one call of purgePostReactions deletes before it answers false. */
const PURGE_BUDGET = 1_000;
/** A deleted member's reactions one purge commit deletes: two checks each, within KV's 100 per commit. */
const MEMBER_PURGE_BATCH = 40;

/**
 * Adds to `op` the reaction's record, listing copies and the member's index key (a null `after` deletes them) and
 * moves the post's counters from `before`'s type to `after`'s. The caller checks the entries it read.
 */
function writeReaction(op: Deno.AtomicOperation, before: Reaction | null, after: Reaction | null): void {
  // A change of type moves both copies (their keys hold the time, and one the type); the other two keys stay put.
  for (const key of before ? keys.reactionCopyKeys(before) : []) op.delete(key);
  if (after) {
    op.set(keys.postReaction(after.postId, after.memberId), after);
    for (const key of keys.reactionCopyKeys(after)) op.set(key, after);
    op.set(keys.memberReaction(after.memberId, after.postId), true);
  } else if (before) {
    op.delete(keys.postReaction(before.postId, before.memberId));
    op.delete(keys.memberReaction(before.memberId, before.postId));
  }
  if (before) op.sum(keys.postReactionCount(before.postId, before.type), MINUS_ONE);
  if (after) op.sum(keys.postReactionCount(after.postId, after.type), 1n);
}

export async function setPostReaction(
  ctx: Ctx,
  postId: string,
  memberId: string,
  type: ReactionType,
): Promise<{ previous: ReactionType | null } | null> {
  assertReactionType(type);
  if (!isId(memberId)) throw new NotFoundError("member");
  if (!isId(postId)) return null;
  for (let i = 0; i < MAX_TRIES; i++) {
    const [post, member, current] = await ctx.kv.getMany<[unknown, unknown, Reaction]>([
      keys.post(postId),
      keys.user(memberId),
      keys.postReaction(postId, memberId),
    ]);
    if (!post.value) return null;
    if (!member.value) throw new NotFoundError("member");
    const previous = current.value?.type ?? null;
    if (previous === type) return { previous };
    const next: Reaction = { postId, memberId, type, createdAt: new Date() };
    // The member's check means no reaction is added after deleteUser's commit, so the purge finds them all.
    const op = ctx.kv.atomic().check(post).check(member).check(current);
    writeReaction(op, current.value, next);
    if ((await commitOrRetry(op)).ok) return { previous };
  }
  throw lostRaces("reaction");
}

export async function removePostReaction(ctx: Ctx, postId: string, memberId: string): Promise<boolean> {
  if (!isId(postId) || !isId(memberId)) return false;
  for (let i = 0; i < MAX_TRIES; i++) {
    const [post, current] = await ctx.kv.getMany<[unknown, Reaction]>([
      keys.post(postId),
      keys.postReaction(postId, memberId),
    ]);
    // A deleted post's reactions are purgePostReactions' to remove, with its counters.
    if (!post.value || !current.value) return false;
    const op = ctx.kv.atomic().check(post).check(current);
    writeReaction(op, current.value, null);
    if ((await commitOrRetry(op)).ok) return true;
  }
  throw lostRaces("reaction");
}

export async function getPostReactions(ctx: Ctx, postIds: string[], memberId?: string): Promise<PostReactions[]> {
  const valid = postIds.filter(isId);
  const countKeys = valid.flatMap((id) => REACTION_TYPES.map((type) => keys.postReactionCount(id, type)));
  const mineKeys = memberId === undefined || !isId(memberId) ? [] : valid.map((id) => keys.postReaction(id, memberId));
  const entries = await getEntries<unknown>(ctx, [...countKeys, ...mineKeys]);
  const found = new Map<string, PostReactions>();
  for (const [i, postId] of valid.entries()) {
    const counts = noReactions();
    for (const [t, type] of REACTION_TYPES.entries()) {
      const value = entries[i * REACTION_TYPES.length + t].value as Deno.KvU64 | null;
      if (value) counts[type] = Number(value.value);
    }
    const mine = (entries[countKeys.length + i]?.value as Reaction | null | undefined)?.type ?? null;
    found.set(postId, { postId, counts, mine });
  }
  return postIds.map((postId) => found.get(postId) ?? { postId, counts: noReactions(), mine: null });
}

export async function listPostReactions(ctx: Ctx, postId: string, query: ReactionsQuery): Promise<ReactionsPage> {
  checkLimit("listPostReactions", query.limit);
  if (query.type !== undefined) assertReactionType(query.type);
  if (!isId(postId)) return { items: [], next: null };
  const prefix = query.type ? keys.postReactionsByType(postId, query.type) : keys.postReactionsByTime(postId);
  const { entries, next } = await listNewest<Reaction>(ctx, prefix, query.limit, query.after);
  return { items: entries.map((e) => e.value), next };
}

export async function purgePostReactions(ctx: Ctx, postId: string): Promise<boolean> {
  if (!isId(postId)) return true;
  if ((await ctx.kv.get(keys.post(postId))).value) return true;
  for (let left = PURGE_BUDGET; left > 0; left -= PURGE_BATCH) {
    const found: Reaction[] = [];
    const list = ctx.kv.list<Reaction>({ prefix: keys.postReactions(postId) }, { limit: PURGE_BATCH });
    for await (const { value } of list) found.push(value);
    // Plain deletes, harmless twice: every writer checks the post, which is gone, so nothing writes these again.
    const op = ctx.kv.atomic();
    for (const reaction of found) for (const key of keys.reactionKeys(reaction)) op.delete(key);
    for (const type of REACTION_TYPES) op.delete(keys.postReactionCount(postId, type));
    await op.commit();
    if (found.length < PURGE_BATCH) return true;
  }
  return false;
}

/**
 * One batch of a deleted member's reactions, each with its post's counter when the post is still there (a deleted
 * post's counters go with it). Answers how many it found; none: the step is done.
 */
export async function purgeMemberReactions(ctx: Ctx, memberId: string): Promise<number> {
  const postIds: string[] = [];
  const list = ctx.kv.list({ prefix: keys.memberReactions(memberId) }, { limit: MEMBER_PURGE_BATCH });
  for await (const { key } of list) postIds.push(key[2] as string);
  if (postIds.length === 0) return 0;
  const [reactions, posts] = await Promise.all([
    getEntries<Reaction>(ctx, postIds.map((postId) => keys.postReaction(postId, memberId))),
    getEntries<unknown>(ctx, postIds.map((postId) => keys.post(postId))),
  ]);
  const op = ctx.kv.atomic();
  for (const [i, postId] of postIds.entries()) {
    const reaction = reactions[i];
    if (!reaction.value) {
      op.delete(keys.memberReaction(memberId, postId)); // an index key without its record
      continue;
    }
    op.check(reaction, posts[i]);
    if (posts[i].value) writeReaction(op, reaction.value, null);
    else for (const key of keys.reactionKeys(reaction.value)) op.delete(key);
  }
  await commitOrRetry(op); // a lost race (a reaction changed meanwhile) lists the batch again
  return postIds.length;
}
