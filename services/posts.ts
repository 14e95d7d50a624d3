// Posts: write, read, edit, delete, and the three listings of API.md (home feed, everyone, one author).
// Authorisation: any member reads; only the author edits; the author or an admin deletes.
import type { WriteBudgets } from "./budgets.ts";
import { membersById } from "./members.ts";
import { ForbiddenError, NotFoundError } from "./errors.ts";
import { decodeCursor, encodeCursor, isPosition } from "./store/cursor.ts";
import type { MemberSummary, Post, PostPosition, User } from "./store/model.ts";
import type { MembersPort } from "./store/ports/members.ts";
import type { ConnectionsPort } from "./store/ports/network.ts";
import type { ImportsPort } from "./store/ports/imports.ts";
import type { PostsPort, TimelinesPort } from "./store/ports/posts.ts";
import type { PageReadsPort } from "./store/ports/pages.ts";
import type { Once } from "./idempotency.ts";
import type { MediaPort } from "./store/ports/media.ts";
import type { BlobStore } from "./blobs/types.ts";
import {
  checkIssuedUrl,
  mediaForPost,
  mediaOfPosts,
  type MediaView,
  mediaView,
  removePostMedia,
} from "./media/media.ts";

/** The storage ports this module uses. */
type Store = PostsPort & TimelinesPort & ConnectionsPort & MembersPort & ImportsPort & PageReadsPort & MediaPort;

export interface PostsDeps {
  store: Store;
  /** Where a deleted post's images are removed from. */
  blobs: BlobStore;
  cursorKey: Uint8Array;
  log: (event: Record<string, unknown>) => void;
  budgets: Pick<WriteBudgets, "spend">;
}

/** A post with its author, as pages and the API show it. */
export interface PostView {
  post: Post;
  author: MemberSummary;
  /** Its images, in order (those deleted since are left out). */
  media: MediaView[];
}

/** What a post is written with (API.md, POST /api/posts). */
export interface PostInput {
  content: string;
  mediaUrl?: string | null;
  mediaIds?: string[];
}

export interface PostsPageView {
  items: PostView[];
  nextCursor: string | null;
}

/** How many posts a rebuilt timeline starts with; deeper pages of an old account come from its authors' lists. */
export const REBUILD_DEPTH = 1000;

/** The posts with their authors and images: one read of each for a whole page, never one per post. */
async function withAuthors(
  store: MembersPort & MediaPort,
  posts: Post[],
  known?: MemberSummary[],
): Promise<PostView[]> {
  const [authors, media] = await Promise.all([
    known ? new Map(known.map((u) => [u.id, u])) : membersById(store, posts.map((p) => p.authorId)),
    mediaOfPosts({ store }, posts),
  ]);
  // A post whose author is being purged is skipped rather than shown without one.
  return posts.flatMap((post) =>
    authors.has(post.authorId)
      ? [{ post, author: authors.get(post.authorId)!, media: media.get(post.id)!.map(mediaView) }]
      : []
  );
}

export async function createPost(
  deps: PostsDeps,
  caller: User,
  input: PostInput,
  once?: Once<PostView>,
): Promise<PostView> {
  checkIssuedUrl("mediaUrl", input.mediaUrl);
  const media = (await mediaForPost(deps, caller, input.mediaIds ?? [])).map(mediaView);
  await deps.budgets.spend("post", caller.id);
  const post = await deps.store.createPost(
    { authorId: caller.id, content: input.content, mediaUrl: input.mediaUrl, mediaIds: input.mediaIds },
    once?.completing((post: Post) => ({ post, author: caller, media })),
  );
  // The author sees their post at once on the page they land on; the fan-out worker brings it to everyone else (and
  // adding it again there changes nothing).
  await deps.store.addToTimelines([caller.id], { postId: post.id, authorId: caller.id, createdAt: post.createdAt });
  return { post, author: caller, media };
}

/** The posts among `ids` that still exist with their authors, in the order of `ids` (search hits). */
export async function getPostsView(store: PostsPort & MembersPort & MediaPort, ids: string[]): Promise<PostView[]> {
  return await withAuthors(store, await store.getPosts(ids));
}

export async function getPostView(deps: Pick<PostsDeps, "store">, id: string): Promise<PostView> {
  const post = await deps.store.getPost(id);
  const [view] = post ? await withAuthors(deps.store, [post]) : [];
  if (!view) throw new NotFoundError("post");
  return view;
}

export async function updatePost(
  deps: PostsDeps,
  caller: User,
  id: string,
  patch: Partial<PostInput>,
): Promise<PostView> {
  const { post } = await getPostView(deps, id);
  if (post.authorId !== caller.id) throw new ForbiddenError("Only the author may edit this post.");
  checkIssuedUrl("mediaUrl", patch.mediaUrl);
  if (patch.mediaIds) await mediaForPost(deps, caller, patch.mediaIds, id);
  const updated = await deps.store.updatePost(id, patch);
  if (!updated) throw new NotFoundError("post");
  const [view] = await withAuthors(deps.store, [updated], [caller]);
  return view;
}

export async function deletePost(deps: PostsDeps, caller: User, id: string): Promise<void> {
  const { post } = await getPostView(deps, id);
  if (post.authorId !== caller.id && caller.role !== "admin") {
    throw new ForbiddenError("Only the author or an admin may delete this post.");
  }
  if (!await deps.store.deletePost(id)) throw new NotFoundError("post");
  await removePostMedia(deps, post);
  if (post.authorId !== caller.id) deps.log({ msg: "admin deleted a post", adminId: caller.id, postId: id });
}

async function page(
  deps: PostsDeps,
  kind: string,
  cursor: string | undefined,
  read: (
    after: PostPosition | undefined,
  ) => Promise<{ posts: Post[]; next: PostPosition | null; authors?: MemberSummary[] }>,
): Promise<PostsPageView> {
  const after = cursor ? decodeCursor(deps.cursorKey, kind, cursor, isPosition) : undefined;
  const { posts, next, authors } = await read(after);
  return {
    items: await withAuthors(deps.store, posts, authors),
    nextCursor: next ? encodeCursor(deps.cursorKey, kind, next) : null,
  };
}

/** Everyone's posts, or one author's, newest first. */
export function listPosts(
  deps: PostsDeps,
  query: { authorId?: string; limit: number; cursor?: string },
): Promise<PostsPageView> {
  const kind = query.authorId ? `posts:${query.authorId}` : "posts";
  return page(deps, kind, query.cursor, async (after) => {
    const result = await deps.store.listPosts({ authorId: query.authorId, limit: query.limit, after });
    return { posts: result.items, next: result.next, authors: result.authors };
  });
}

/** An author's newest `count` posts, read in pages the store can serve. */
async function recentPosts(store: Store, authorId: string, count: number): Promise<Post[]> {
  const out: Post[] = [];
  let after: PostPosition | undefined;
  while (out.length < count) {
    const page = await store.listPosts({ authorId, limit: Math.min(100, count - out.length), after });
    out.push(...page.items);
    if (!page.next) break;
    after = page.next;
  }
  return out;
}

/**
 * Builds a member's timeline from scratch: their own newest posts and their connections', merged. Used the first
 * time a member reads their feed (or after the timeline was dropped); the fan-out worker keeps it current after.
 */
export async function rebuildTimeline(store: Store, memberId: string): Promise<void> {
  const authors = [memberId, ...await store.listConnectedIds(memberId)];
  const perAuthor = Math.max(20, Math.ceil(REBUILD_DEPTH / authors.length));
  const lists = await Promise.all(authors.map((authorId) => recentPosts(store, authorId, perAuthor)));
  const newest = lists.flat()
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (b.id < a.id ? -1 : 1))
    .slice(0, REBUILD_DEPTH);
  // In large batches: a member with many connections gets up to REBUILD_DEPTH entries on their first read.
  await store.importTimeline(
    newest.map((post) => ({ memberId, postId: post.id, authorId: post.authorId, createdAt: post.createdAt })),
  );
  await store.setTimelineBuiltAt(memberId, new Date());
}

/**
 * The caller's home feed: their own posts and their connections', newest first, read from their timeline so the
 * cost of a page does not grow with the number of posts. A timeline that was never built is built first.
 */
export function homeFeed(
  deps: PostsDeps,
  caller: User,
  query: { limit: number; cursor?: string },
): Promise<PostsPageView> {
  return page(deps, `home:${caller.id}`, query.cursor, async (after) => {
    let result = await deps.store.listTimelinePosts(caller.id, { limit: query.limit, after });
    // A short first page may mean the timeline was never built (new member, dropped timeline): check, build, reread.
    if (!after && result.next === null && !await deps.store.getTimelineBuiltAt(caller.id)) {
      await rebuildTimeline(deps.store, caller.id);
      result = await deps.store.listTimelinePosts(caller.id, { limit: query.limit });
    }
    return { posts: result.items, next: result.next, authors: result.authors };
  });
}
