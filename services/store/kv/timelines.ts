// Home timelines on Deno KV: each entry is a key and two reverse keys (by post, by author), written together by
// writeTimelineEntry.
import type { Post, PostPosition, PostsPage, TimelineEntry, TimelinePage } from "../model.ts";
import { isId } from "./ids.ts";
import * as keys from "./keys.ts";
import { getPosts } from "./posts.ts";
import { checkLimit, CHUNK_MUTATIONS, commitOrRetry, type Ctx, listNewest, lostRaces, MAX_TRIES } from "./shared.ts";

/** Timelines one commit adds a post to (three keys each), within CHUNK_MUTATIONS. */
const TIMELINE_MEMBERS_PER_COMMIT = Math.floor(CHUNK_MUTATIONS / 3);

/** The one place a timeline entry is written: its key and both reverse keys, set (or deleted) together in `op`. */
export function writeTimelineEntry(
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
export async function addToTimelines(ctx: Ctx, memberIds: string[], entry: TimelineEntry): Promise<void> {
  if (!isId(entry.postId)) return;
  const members = [...new Set(memberIds)].filter(isId);
  const parts = { postId: entry.postId, authorId: entry.authorId, createdAtMs: entry.createdAt.getTime() };
  for (let start = 0; start < members.length; start += TIMELINE_MEMBERS_PER_COMMIT) {
    const chunk = members.slice(start, start + TIMELINE_MEMBERS_PER_COMMIT);
    for (let i = 0;; i++) {
      if (i === MAX_TRIES) throw lostRaces("post");
      const post = await ctx.kv.get<Post>(keys.post(entry.postId));
      if (!post.value) return;
      const op = ctx.kv.atomic().check(post);
      for (const memberId of chunk) writeTimelineEntry(op, { ...parts, memberId }, true);
      if ((await commitOrRetry(op)).ok) break;
    }
  }
}

/** Removes a post from every timeline it reached. */
export async function removePostFromTimelines(ctx: Ctx, postId: string): Promise<void> {
  if (isId(postId)) await dropPostFromTimelines(ctx, postId);
}

/** Removes a post from every timeline it reached; how many entries that deleted. */
export function dropPostFromTimelines(ctx: Ctx, postId: string): Promise<number> {
  return dropTimelineEntries(
    ctx,
    ctx.kv.list<keys.TimelineRef>({ prefix: keys.timelineByPost(postId) }),
    ({ key, value }) => ({ memberId: key[2] as string, postId, ...value }),
  );
}

/** Removes one author's posts from one member's timeline (the two are no longer connected). */
export async function removeAuthorFromTimeline(ctx: Ctx, memberId: string, authorId: string): Promise<void> {
  if (!isId(memberId) || !isId(authorId)) return;
  await dropTimelineEntries(
    ctx,
    ctx.kv.list<true>({ prefix: keys.timelineByAuthor(memberId, authorId) }),
    ({ key }) => ({ memberId, authorId, createdAtMs: key[3] as number, postId: key[4] as string }),
  );
}

/** A member's timeline, newest first, keyset-paginated. */
export async function listTimelinePosts(
  ctx: Ctx,
  memberId: string,
  query: { limit: number; after?: PostPosition },
): Promise<PostsPage> {
  const page = await listTimeline(ctx, memberId, query);
  return { items: await getPosts(ctx, page.items.map((e) => e.postId)), next: page.next };
}

export async function listTimeline(
  ctx: Ctx,
  memberId: string,
  query: { limit: number; after?: PostPosition },
): Promise<TimelinePage> {
  checkLimit("listTimeline", query.limit);
  if (!isId(memberId)) return { items: [], next: null };
  const { entries, next } = await listNewest<string>(ctx, keys.timeline(memberId), query.limit, query.after);
  const items = entries.map(({ key, value }) => ({
    postId: key[3] as string,
    authorId: value,
    createdAt: new Date(key[2] as number),
  }));
  return { items, next };
}

/** Keeps the newest `keep` entries of a member's timeline and drops the rest. */
export async function trimTimeline(ctx: Ctx, memberId: string, keep: number): Promise<void> {
  if (!isId(memberId)) return;
  await dropTimelineEntries(
    ctx,
    ctx.kv.list<string>({ prefix: keys.timeline(memberId) }, { reverse: true }),
    ({ key, value }) => ({ memberId, createdAtMs: key[2] as number, postId: key[3] as string, authorId: value }),
    Math.max(0, keep),
  );
}

/** When the member's timeline was last built from scratch; null when it never was (or was dropped). */
export async function getTimelineBuiltAt(ctx: Ctx, memberId: string): Promise<Date | null> {
  if (!isId(memberId)) return null;
  return (await ctx.kv.get<Date>(keys.timelineBuilt(memberId))).value;
}

export async function setTimelineBuiltAt(ctx: Ctx, memberId: string, at: Date): Promise<void> {
  if (isId(memberId)) await ctx.kv.set(keys.timelineBuilt(memberId), at);
}

/**
 * Deletes the timeline entries `list` yields after the first `skip` (each with its reverse keys), in commits of
 * bounded size. Plain deletes need no checks: deleting an entry twice, or one a racing call deleted, is harmless.
 * How many it deleted.
 */
export async function dropTimelineEntries<T>(
  ctx: Ctx,
  list: Deno.KvListIterator<T>,
  parts: (entry: Deno.KvEntry<T>) => keys.TimelineKeyParts,
  skip = 0,
): Promise<number> {
  let op = ctx.kv.atomic();
  let pending = 0;
  let seen = 0;
  for await (const entry of list) {
    if (seen++ < skip) continue;
    writeTimelineEntry(op, parts(entry), false);
    pending++;
    if (pending * 3 >= CHUNK_MUTATIONS) {
      await op.commit();
      op = ctx.kv.atomic();
      pending = 0;
    }
  }
  if (pending > 0) await op.commit();
  return Math.max(0, seen - skip);
}
