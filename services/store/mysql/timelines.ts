// Home timelines on MySQL / MariaDB: rows keyed (member_id, created_at, post_id), so a page is one range scan of the
// primary key and a repeated fan-out lands on the key it wrote before.
import type { MemberSummary, PostPosition, PostsPage, TimelineEntry, TimelinePage } from "../model.ts";
import { type PostRow, toPost } from "./posts.ts";
import { aliasedSummaryColumns, summaryFromAliased } from "./users.ts";
import type { Param } from "./pool.ts";
import { type Ctx, dbId, dbIds, deleteInBatches, limitParam, pageLimit, rowChunks } from "./shared.ts";

interface TimelineRow {
  post_id: string | number;
  author_id: string | number;
  created_at: Date;
}

/**
 * Every timeline page names the primary key: ix_timeline_member_author holds the same columns, and on a big table
 * whose statistics are InnoDB's samples, MariaDB chose it for a first page, reading the member's whole timeline (a
 * thousand entries on the seeded network) and sorting it, where the primary key reads the page in order and stops.
 */
const TIMELINE = "timeline FORCE INDEX (PRIMARY)";
const TIMELINE_T = "timeline t FORCE INDEX (PRIMARY)";

/**
 * A page after a position. Spelled out rather than `(created_at, post_id) < (?, ?)`: both servers turn this form into
 * one range on the primary key, so page 50 reads as few rows as page 1 (mysql_test.ts checks the plan).
 */
export const TIMELINE_AFTER_SQL = `SELECT post_id, author_id, created_at FROM ${TIMELINE} ` +
  "WHERE member_id = ? AND (created_at < ? OR (created_at = ? AND post_id < ?)) " +
  "ORDER BY created_at DESC, post_id DESC LIMIT ?";
export const TIMELINE_FIRST_SQL = `SELECT post_id, author_id, created_at FROM ${TIMELINE} WHERE member_id = ? ` +
  "ORDER BY created_at DESC, post_id DESC LIMIT ?";

export async function addToTimelines(ctx: Ctx, memberIds: string[], entry: TimelineEntry): Promise<void> {
  const postId = dbId(entry.postId);
  const authorId = dbId(entry.authorId);
  if (!postId || !authorId) return;
  // ON DUPLICATE KEY UPDATE with a no-op rather than INSERT IGNORE: IGNORE would also turn any other error (a bad
  // value, say) into a warning and drop the row silently; here only the repeat of an entry is ignored.
  for (const chunk of rowChunks(dbIds(memberIds))) {
    const params: Param[] = [];
    for (const memberId of chunk) params.push(memberId, entry.createdAt, postId, authorId);
    await ctx.db.writer.execute(
      `INSERT INTO timeline (member_id, created_at, post_id, author_id) VALUES ${
        chunk.map(() => "(?, ?, ?, ?)").join(", ")
      } ON DUPLICATE KEY UPDATE author_id = author_id`,
      params,
    );
  }
}

export async function removePostFromTimelines(ctx: Ctx, postId: string): Promise<void> {
  const key = dbId(postId);
  if (!key) return;
  await deleteInBatches(ctx.db.writer, "DELETE FROM timeline WHERE post_id = ?", [key]);
}

export async function removeAuthorFromTimeline(ctx: Ctx, memberId: string, authorId: string): Promise<void> {
  const member = dbId(memberId);
  const author = dbId(authorId);
  if (!member || !author) return;
  await deleteInBatches(ctx.db.writer, "DELETE FROM timeline WHERE member_id = ? AND author_id = ?", [member, author]);
}

// The timeline page, its posts and their authors in one statement: each statement costs a socket write, which is
// the largest single cost of a feed read under Deno's node:net. LEFT JOINs, so `next` follows the timeline itself.
// An author is what a card shows of them: not their email, password hash or bio, twenty times a page.
const TIMELINE_POSTS_SELECT = "SELECT t.post_id AS t_post_id, t.created_at AS t_created_at, " +
  `p.id, p.author_id, p.content, p.media_url, p.media_ids, p.created_at, p.updated_at, ${aliasedSummaryColumns("u")} ` +
  `FROM ${TIMELINE_T} LEFT JOIN posts p ON p.id = t.post_id LEFT JOIN users u ON u.id = p.author_id `;
export const TIMELINE_POSTS_FIRST_SQL = TIMELINE_POSTS_SELECT +
  "WHERE t.member_id = ? ORDER BY t.created_at DESC, t.post_id DESC LIMIT ?";
export const TIMELINE_POSTS_AFTER_SQL = TIMELINE_POSTS_SELECT +
  "WHERE t.member_id = ? AND (t.created_at < ? OR (t.created_at = ? AND t.post_id < ?)) " +
  "ORDER BY t.created_at DESC, t.post_id DESC LIMIT ?";

interface TimelinePostRow extends PostRow {
  t_post_id: string | number;
  t_created_at: Date;
  u_id: string | number | null;
}

/** One keyset page of timeline rows, through the first-page or the after-a-position statement; null for bad input. */
async function timelineRows<T>(
  ctx: Ctx,
  memberId: string,
  query: { limit: number; after?: PostPosition },
  sql: { first: string; after: string },
): Promise<T[] | null> {
  const member = dbId(memberId);
  if (!member) return null;
  if (!query.after) return await ctx.db.reader.query<T>(sql.first, [member, limitParam(query.limit + 1)]);
  const afterId = dbId(query.after.id);
  if (!afterId || !Number.isFinite(query.after.createdAt)) return null;
  const after = new Date(query.after.createdAt);
  return await ctx.db.reader.query<T>(sql.after, [member, after, after, afterId, limitParam(query.limit + 1)]);
}

/** One statement: a timeline page with its posts and their authors. */
export async function listTimelinePosts(
  ctx: Ctx,
  memberId: string,
  query: { limit: number; after?: PostPosition },
): Promise<PostsPage> {
  const limit = pageLimit(query.limit, "listTimelinePosts");
  const rows = await timelineRows<TimelinePostRow>(ctx, memberId, { ...query, limit }, {
    first: TIMELINE_POSTS_FIRST_SQL,
    after: TIMELINE_POSTS_AFTER_SQL,
  });
  if (!rows) return { items: [], next: null };
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const found = page.filter((row) => row.id !== null);
  const authors = new Map<string, MemberSummary>();
  for (const row of found) {
    if (row.u_id !== null && !authors.has(String(row.u_id))) {
      authors.set(String(row.u_id), summaryFromAliased(row as unknown as Record<string, unknown>));
    }
  }
  return {
    items: found.map(toPost),
    authors: [...authors.values()],
    next: rows.length > limit && last ? { createdAt: last.t_created_at.getTime(), id: String(last.t_post_id) } : null,
  };
}

export async function listTimeline(
  ctx: Ctx,
  memberId: string,
  query: { limit: number; after?: PostPosition },
): Promise<TimelinePage> {
  const limit = pageLimit(query.limit, "listTimeline");
  const rows = await timelineRows<TimelineRow>(ctx, memberId, { ...query, limit }, {
    first: TIMELINE_FIRST_SQL,
    after: TIMELINE_AFTER_SQL,
  });
  if (!rows) return { items: [], next: null };
  const items = rows.slice(0, limit).map((row) => ({
    postId: String(row.post_id),
    authorId: String(row.author_id),
    createdAt: row.created_at,
  }));
  const last = items.at(-1);
  return {
    items,
    next: rows.length > limit && last ? { createdAt: last.createdAt.getTime(), id: last.postId } : null,
  };
}

export async function trimTimeline(ctx: Ctx, memberId: string, keep: number): Promise<void> {
  const member = dbId(memberId);
  if (!member) return;
  if (!Number.isInteger(keep) || keep < 0) throw new RangeError(`trimTimeline keep must be >= 0, got ${keep}`);
  if (keep === 0) {
    await deleteInBatches(ctx.db.writer, "DELETE FROM timeline WHERE member_id = ? ORDER BY created_at, post_id", [
      member,
    ]);
    return;
  }
  // The oldest of the newest `keep` entries: a walk of `keep` primary-key entries on the server, no OFFSET.
  const [edge] = await ctx.db.writer.query<{ created_at: Date; post_id: string }>(
    "SELECT created_at, post_id FROM (SELECT created_at, post_id FROM timeline WHERE member_id = ? " +
      "ORDER BY created_at DESC, post_id DESC LIMIT ?) AS newest ORDER BY created_at, post_id LIMIT 1",
    [member, limitParam(keep)],
  );
  if (!edge) return;
  await deleteInBatches(
    ctx.db.writer,
    "DELETE FROM timeline WHERE member_id = ? AND (created_at < ? OR (created_at = ? AND post_id < ?)) " +
      "ORDER BY created_at, post_id",
    [member, edge.created_at, edge.created_at, String(edge.post_id)],
  );
}

/** Read from the writer: the caller decides from it whether to rebuild, just after a build may have set it. */
export async function getTimelineBuiltAt(ctx: Ctx, memberId: string): Promise<Date | null> {
  const member = dbId(memberId);
  if (!member) return null;
  const [row] = await ctx.db.writer.query<{ built_at: Date }>(
    "SELECT built_at FROM timeline_state WHERE member_id = ?",
    [member],
  );
  return row?.built_at ?? null;
}

export async function setTimelineBuiltAt(ctx: Ctx, memberId: string, at: Date): Promise<void> {
  const member = dbId(memberId);
  if (!member) return;
  // The value is bound twice rather than VALUES(built_at), which MySQL 8.0.20+ deprecates (and MariaDB lacks `AS new`).
  await ctx.db.writer.execute(
    "INSERT INTO timeline_state (member_id, built_at) VALUES (?, ?) ON DUPLICATE KEY UPDATE built_at = ?",
    [member, at, at],
  );
}

/** Removes a member's own timeline and its state; resolves to the rows removed. */
export async function purgeMemberTimeline(ctx: Ctx, memberId: string): Promise<number> {
  const removed = await deleteInBatches(ctx.db.writer, "DELETE FROM timeline WHERE member_id = ?", [memberId]);
  const { affectedRows } = await ctx.db.writer.execute("DELETE FROM timeline_state WHERE member_id = ?", [memberId]);
  return removed + affectedRows;
}
