// Post reactions on MySQL / MariaDB (migrations/012): one post_reactions row per member per post, and the post's counts
// in its own row's reactions_<type> columns, changed in the same transaction. Every write locks the post's row first,
// so writers of one post's reactions queue on it, never deadlock with each other, and none lands on a deleted post.
import { NotFoundError } from "../../errors.ts";
import {
  assertReactionType,
  noReactions,
  type PostReactions,
  type Reaction,
  REACTION_TYPES,
  type ReactionCounts,
  type ReactionsPage,
  type ReactionsQuery,
  type ReactionType,
} from "../model.ts";
import type { Executor, Param } from "./pool.ts";
import { type Ctx, dbId, dbIds, DELETE_BATCH, inLists, limitParam, lockMembers, pageLimit } from "./shared.ts";

/** The posts column that counts each type. */
const COUNT_COLUMN = Object.fromEntries(REACTION_TYPES.map((type) => [type, `reactions_${type}`])) as Record<
  ReactionType,
  string
>;
const COUNT_COLUMNS = REACTION_TYPES.map((type) => `p.${COUNT_COLUMN[type]}`).join(", ");

type CountsRow = Record<`reactions_${ReactionType}`, number>;

/** The counts a posts row carries (COUNT_COLUMNS read them). */
export function toReactionCounts(row: CountsRow): ReactionCounts {
  const counts = noReactions();
  for (const type of REACTION_TYPES) counts[type] = Number(row[`reactions_${type}`]);
  return counts;
}

interface ReactionRow {
  post_id: string | number;
  member_id: string | number;
  type: ReactionType;
  created_at: Date;
}

function toReaction(row: ReactionRow): Reaction {
  return { postId: String(row.post_id), memberId: String(row.member_id), type: row.type, createdAt: row.created_at };
}

/**
 * In the caller's transaction: locks the post's row, then reads the member's reaction to it. The read is the
 * transaction's first plain one, so its snapshot is taken after the lock and sees every earlier writer's commit.
 * Null when there is no such post.
 */
async function lockedReaction(
  tx: Executor,
  postId: string,
  memberId: string,
): Promise<{ type: ReactionType | null } | null> {
  const [post] = await tx.query<{ id: string }>("SELECT id FROM posts WHERE id = ? FOR UPDATE", [postId]);
  if (!post) return null;
  const [row] = await tx.query<{ type: ReactionType }>(
    "SELECT type FROM post_reactions WHERE post_id = ? AND member_id = ?",
    [postId, memberId],
  );
  return { type: row?.type ?? null };
}

/** Moves one post's counts from `before` to `after` (either may be null) in the caller's transaction. */
async function moveCounts(tx: Executor, postId: string, before: ReactionType | null, after: ReactionType | null) {
  const sets: string[] = [];
  if (before) sets.push(`${COUNT_COLUMN[before]} = ${COUNT_COLUMN[before]} - 1`);
  if (after) sets.push(`${COUNT_COLUMN[after]} = ${COUNT_COLUMN[after]} + 1`);
  if (sets.length) await tx.execute(`UPDATE posts SET ${sets.join(", ")} WHERE id = ?`, [postId]);
}

export async function setPostReaction(
  ctx: Ctx,
  postId: string,
  memberId: string,
  type: ReactionType,
): Promise<{ previous: ReactionType | null } | null> {
  assertReactionType(type);
  const member = dbId(memberId);
  if (!member) throw new NotFoundError("member");
  const post = dbId(postId);
  if (!post) return null;
  return await ctx.db.writer.transaction(async (tx) => {
    // A racing deleteUser waits for this commit, so the purge that follows it finds the reaction.
    await lockMembers(tx, [member]);
    const current = await lockedReaction(tx, post, member);
    if (!current) return null;
    const previous = current.type;
    if (previous === type) return { previous };
    await tx.execute(
      "INSERT INTO post_reactions (post_id, member_id, type, created_at) VALUES (?, ?, ?, ?) " +
        "ON DUPLICATE KEY UPDATE type = VALUES(type), created_at = VALUES(created_at)",
      [post, member, type, new Date()],
    );
    await moveCounts(tx, post, previous, type);
    return { previous };
  });
}

export async function removePostReaction(ctx: Ctx, postId: string, memberId: string): Promise<boolean> {
  const post = dbId(postId);
  const member = dbId(memberId);
  if (!post || !member) return false;
  return await ctx.db.writer.transaction(async (tx) => {
    const current = await lockedReaction(tx, post, member);
    if (!current?.type) return false;
    await tx.execute("DELETE FROM post_reactions WHERE post_id = ? AND member_id = ?", [post, member]);
    await moveCounts(tx, post, current.type, null);
    return true;
  });
}

export async function getPostReactions(ctx: Ctx, postIds: string[], memberId?: string): Promise<PostReactions[]> {
  const member = memberId === undefined ? null : dbId(memberId);
  const found = new Map<string, PostReactions>();
  for (const list of inLists(dbIds(postIds))) {
    // One statement for a page: the counts are columns of the posts, the reader's reaction a join by primary key.
    const rows = await ctx.db.reader.query<CountsRow & { id: string | number; mine: ReactionType | null }>(
      member
        ? `SELECT p.id, ${COUNT_COLUMNS}, r.type AS mine FROM posts p LEFT JOIN post_reactions r ` +
          `ON r.post_id = p.id AND r.member_id = ? WHERE p.id IN (${list.placeholders})`
        : `SELECT p.id, ${COUNT_COLUMNS}, NULL AS mine FROM posts p WHERE p.id IN (${list.placeholders})`,
      member ? [member, ...list.params] : list.params,
    );
    for (const row of rows) {
      const postId = String(row.id);
      found.set(postId, { postId, counts: toReactionCounts(row), mine: row.mine ?? null });
    }
  }
  return postIds.map((postId) => found.get(postId) ?? { postId, counts: noReactions(), mine: null });
}

/**
 * A page of one post's reactions (`byType`: of one type), newest first, after a position or from the top: a backward
 * range of ix_post_reactions_newest (or _type_newest), never a sort. The position is spelled out rather than a row
 * comparison, which MariaDB does not turn into a range (see OLDER_THAN).
 */
export function listReactionsSql(byType: boolean, after: boolean): string {
  return "SELECT post_id, member_id, type, created_at FROM post_reactions WHERE post_id = ? " +
    (byType ? "AND type = ? " : "") +
    (after ? "AND (created_at < ? OR (created_at = ? AND member_id < ?)) " : "") +
    "ORDER BY created_at DESC, member_id DESC LIMIT ?";
}

export async function listPostReactions(ctx: Ctx, postId: string, query: ReactionsQuery): Promise<ReactionsPage> {
  const limit = pageLimit(query.limit, "listPostReactions");
  if (query.type !== undefined) assertReactionType(query.type);
  const post = dbId(postId);
  if (!post) return { items: [], next: null };
  const params: Param[] = [post];
  if (query.type) params.push(query.type);
  if (query.after) {
    const member = dbId(query.after.id);
    if (!member || !Number.isFinite(query.after.createdAt)) return { items: [], next: null };
    const at = new Date(query.after.createdAt);
    params.push(at, at, member);
  }
  const rows = await ctx.db.reader.query<ReactionRow>(
    listReactionsSql(query.type !== undefined, query.after !== undefined),
    [...params, limitParam(limit + 1)],
  );
  const items = rows.slice(0, limit).map(toReaction);
  const last = items.at(-1);
  return {
    items,
    next: rows.length > limit && last ? { createdAt: last.createdAt.getTime(), id: last.memberId } : null,
  };
}

export async function purgePostReactions(ctx: Ctx, postId: string): Promise<boolean> {
  const post = dbId(postId);
  if (!post) return true;
  const [live] = await ctx.db.writer.query<{ id: string }>("SELECT id FROM posts WHERE id = ?", [post]);
  if (live) return true;
  // No writer adds to a deleted post's reactions (each locks the post's row first), so plain bounded deletes do.
  const { affectedRows } = await ctx.db.writer.execute("DELETE FROM post_reactions WHERE post_id = ? LIMIT ?", [
    post,
    limitParam(DELETE_BATCH),
  ]);
  return affectedRows < DELETE_BATCH;
}

/**
 * Deletes up to `batch` of a deleted member's reactions in one transaction, taking one from each post's count.
 * Resolves to how many it found (fewer than `batch`: none are left).
 */
export async function purgeMemberReactions(ctx: Ctx, memberId: string, batch: number): Promise<number> {
  const picked = await ctx.db.writer.query<{ post_id: string | number }>(
    "SELECT post_id FROM post_reactions WHERE member_id = ? ORDER BY post_id LIMIT ?",
    [memberId, limitParam(batch)],
  );
  if (picked.length === 0) return 0;
  await ctx.db.writer.transaction(async (tx) => {
    for (const list of inLists(picked.map((r) => String(r.post_id)))) {
      // The posts' rows first, in id order, as every reaction writer locks them; deleted posts simply are not there.
      await tx.query(`SELECT id FROM posts WHERE id IN (${list.placeholders}) ORDER BY id FOR UPDATE`, list.params);
      const rows = await tx.query<{ post_id: string | number; type: ReactionType }>(
        `SELECT post_id, type FROM post_reactions WHERE member_id = ? AND post_id IN (${list.placeholders}) FOR UPDATE`,
        [memberId, ...list.params],
      );
      if (rows.length === 0) continue;
      await tx.execute(
        `DELETE FROM post_reactions WHERE member_id = ? AND post_id IN (${list.placeholders})`,
        [memberId, ...list.params],
      );
      for (const type of REACTION_TYPES) {
        const ids = rows.filter((r) => r.type === type).map((r) => String(r.post_id));
        for (const of of inLists(ids)) {
          await tx.execute(
            `UPDATE posts SET ${COUNT_COLUMN[type]} = ${COUNT_COLUMN[type]} - 1 WHERE id IN (${of.placeholders})`,
            of.params,
          );
        }
      }
    }
  });
  return picked.length;
}
