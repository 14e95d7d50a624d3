// Posts on MySQL / MariaDB: every write commits its event in the same transaction (see store.ts).
import { NotFoundError } from "../../errors.ts";
import { postChanges } from "../../rules/patches.ts";
import type { IdempotencyCompletion, NewPost, Post, PostPatch, PostsPage, PostsQuery } from "../model.ts";
import type { Param } from "./pool.ts";
import { holdClaim, recordAnswer } from "./idempotency.ts";
import { setAttachments } from "./media.ts";
import {
  type Ctx,
  dbId,
  deleteInBatches,
  inLists,
  limitParam,
  lockMembers,
  newestPage,
  outboxEvent,
  pageLimit,
  recordsByIds,
  updateRow,
  writeEvents,
} from "./shared.ts";

const POST_COLUMNS = "id, author_id, content, media_url, media_ids, created_at, updated_at";

export interface PostRow {
  id: string | number;
  author_id: string | number;
  content: string;
  media_url: string | null;
  media_ids: string;
  created_at: Date;
  updated_at: Date;
}

export function toPost(row: PostRow): Post {
  return {
    id: String(row.id),
    authorId: String(row.author_id),
    content: row.content,
    mediaUrl: row.media_url,
    mediaIds: row.media_ids ? row.media_ids.split(",") : [],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function createPost(ctx: Ctx, input: NewPost, done?: IdempotencyCompletion<Post>): Promise<Post> {
  const authorId = dbId(input.authorId);
  if (!authorId) throw new NotFoundError("member");
  const now = new Date();
  const mediaUrl = input.mediaUrl ?? null;
  const mediaIds = input.mediaIds ?? [];
  const post = await ctx.db.writer.transaction(async (tx) => {
    await lockMembers(tx, [authorId]);
    await holdClaim(tx, done);
    const { insertId } = await tx.execute(
      "INSERT INTO posts (author_id, content, media_url, media_ids, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
      [authorId, input.content, mediaUrl, mediaIds.join(","), now, now],
    );
    await setAttachments(tx, insertId, [], mediaIds);
    await writeEvents(tx, [outboxEvent("post.created", insertId)]);
    const post: Post = {
      id: insertId,
      authorId,
      content: input.content,
      mediaUrl,
      mediaIds,
      createdAt: now,
      updatedAt: new Date(now),
    };
    await recordAnswer(tx, done, post);
    return post;
  });
  ctx.kick();
  return post;
}

export async function getPost(ctx: Ctx, id: string): Promise<Post | null> {
  const key = dbId(id);
  if (!key) return null;
  const [row] = await ctx.db.reader.query<PostRow>(`SELECT ${POST_COLUMNS} FROM posts WHERE id = ?`, [key]);
  return row ? toPost(row) : null;
}

export function getPosts(ctx: Ctx, ids: string[]): Promise<Post[]> {
  return recordsByIds(ctx, `SELECT ${POST_COLUMNS} FROM posts`, ids, toPost);
}

export async function updatePost(ctx: Ctx, id: string, patch: PostPatch): Promise<Post | null> {
  const key = dbId(id);
  if (!key) return null;
  const changes = (Object.entries(postChanges(patch)) as [keyof PostPatch, Param | string[]][])
    .map(([field, value]): [string, Param] => [
      POST_PATCH_COLUMNS[field],
      Array.isArray(value) ? value.join(",") : value,
    ]);
  return await updateRow(ctx, POST_UPDATE, key, changes, async (tx, row) => {
    if (patch.mediaIds) await setAttachments(tx, key, toPost(row).mediaIds!, patch.mediaIds);
  });
}

/** The column of each field a post patch may set (rules/patches.ts decides which it sets). */
const POST_PATCH_COLUMNS = {
  content: "content",
  mediaUrl: "media_url",
  mediaIds: "media_ids",
} as const satisfies Record<
  keyof PostPatch,
  string
>;

const POST_UPDATE = { table: "posts", columns: POST_COLUMNS, event: "post.updated", toRecord: toPost } as const;

/** The timeline rows of the post are left to the worker reacting to `post.deleted` (a post may reach thousands). */
export async function deletePost(ctx: Ctx, id: string): Promise<boolean> {
  const key = dbId(id);
  if (!key) return false;
  const deleted = await ctx.db.writer.transaction(async (tx) => {
    const [row] = await tx.query<{ author_id: string; media_ids: string }>(
      "SELECT author_id, media_ids FROM posts WHERE id = ? FOR UPDATE",
      [key],
    );
    if (!row) return false;
    await tx.execute("DELETE FROM posts WHERE id = ?", [key]);
    if (row.media_ids) await setAttachments(tx, key, row.media_ids.split(","), []);
    await writeEvents(tx, [outboxEvent("post.deleted", key, [String(row.author_id)])]);
    return true;
  });
  if (deleted) ctx.kick();
  return deleted;
}

export async function listPosts(ctx: Ctx, query: PostsQuery): Promise<PostsPage> {
  const limit = pageLimit(query.limit, "listPosts");
  const where: string[] = [];
  const params: Param[] = [];
  if (query.authorId !== undefined) {
    const authorId = dbId(query.authorId);
    if (!authorId) return { items: [], next: null };
    where.push("author_id = ?");
    params.push(authorId);
  }
  return await newestPage(ctx, `SELECT ${POST_COLUMNS} FROM posts`, { where, params }, query.after, limit, toPost);
}

/**
 * Deletes up to `batch` of a member's posts, each with its `post.deleted` event and the timeline rows it reached.
 * Resolves to how many posts it found (fewer than `batch`: none are left).
 */
export async function purgeAuthorPosts(ctx: Ctx, authorId: string, batch: number): Promise<number> {
  const picked = await ctx.db.writer.query<{ id: string }>("SELECT id FROM posts WHERE author_id = ? LIMIT ?", [
    authorId,
    limitParam(batch),
  ]);
  if (picked.length === 0) return 0;
  const lists = inLists(picked.map((r) => String(r.id)));
  // The timeline rows first, in bounded statements outside the posts' transaction: their number is the posts' reach.
  for (const list of lists) {
    await deleteInBatches(ctx.db.writer, `DELETE FROM timeline WHERE post_id IN (${list.placeholders})`, list.params);
  }
  await ctx.db.writer.transaction(async (tx) => {
    for (const list of lists) {
      // Only the posts still there: one a racing deletePost removed has had its event already.
      const rows = await tx.query<{ id: string }>(
        `SELECT id FROM posts WHERE id IN (${list.placeholders}) FOR UPDATE`,
        list.params,
      );
      if (rows.length === 0) continue;
      await tx.execute(`DELETE FROM posts WHERE id IN (${list.placeholders})`, list.params);
      // Whatever a fan-out added meanwhile (a handful at most).
      await tx.execute(`DELETE FROM timeline WHERE post_id IN (${list.placeholders})`, list.params);
      await writeEvents(tx, rows.map((r) => outboxEvent("post.deleted", String(r.id), [authorId])));
    }
  });
  ctx.kick();
  return picked.length;
}
