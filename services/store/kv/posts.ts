// Posts on Deno KV: the record and its listing copies, written together (with the event) by writePost.
import { postChanges } from "../../rules/patches.ts";
import { nextUpdatedAt } from "../../rules/time.ts";
import { NotFoundError } from "../../errors.ts";
import { newEvent } from "../events.ts";
import { enqueueEvent } from "./queue.ts";
import type {
  DomainEvent,
  IdempotencyCompletion,
  NewPost,
  Post,
  PostPatch,
  PostsPage,
  PostsQuery,
  User,
} from "../model.ts";
import { heldClaim, recordAnswer } from "./idempotency.ts";
import { isId, newId } from "./ids.ts";
import * as keys from "./keys.ts";
import { stageAttachments } from "./media.ts";
import { checkLimit, commitOrRetry, type Ctx, getEntries, listNewest, lostRaces, MAX_TRIES, values } from "./shared.ts";

/**
 * The one place a post is written: checks `before` (null: a new record under a fresh id, nothing to check) and
 * adds to `op` the record and its listing copies (a null `after` deletes them) with the event, if `type` names one;
 * a deletion's event names the author. A post's index keys never move.
 */
export function writePost(
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
  return enqueueEvent(op, event);
}

/** Publishes a post; NotFoundError when the author does not exist (or is being deleted). Commits `post.created`. */
export async function createPost(ctx: Ctx, input: NewPost, done?: IdempotencyCompletion<Post>): Promise<Post> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const author = isId(input.authorId) ? await ctx.kv.get<User>(keys.user(input.authorId)) : null;
    if (!author?.value) throw new NotFoundError("member");
    const claim = done ? await heldClaim(ctx, done) : null;
    const { id, ms } = newId();
    const post: Post = {
      id,
      authorId: input.authorId,
      content: input.content,
      mediaUrl: input.mediaUrl ?? null,
      mediaIds: input.mediaIds ?? [],
      createdAt: new Date(ms),
      updatedAt: new Date(ms),
    };
    // Checking the author's versionstamp means no post is added after deleteUser's commit, so the purge finds all.
    const op = ctx.kv.atomic().check(author);
    const fresh = { key: keys.post(id), value: null, versionstamp: null };
    if (done && claim) recordAnswer(op, claim, done, post);
    await stageAttachments(ctx, op, id, [], post.mediaIds!);
    if ((await commitOrRetry(writePost(op, fresh, post, "post.created"))).ok) return post;
  }
  throw lostRaces("member");
}

export async function getPost(ctx: Ctx, id: string): Promise<Post | null> {
  if (!isId(id)) return null;
  return (await ctx.kv.get<Post>(keys.post(id))).value;
}

/** The posts that exist among `ids`, in the order of `ids` (missing ones are skipped). */
export async function getPosts(ctx: Ctx, ids: string[]): Promise<Post[]> {
  return values(await getEntries<Post>(ctx, ids.filter(isId).map((id) => keys.post(id))));
}

/** Applies the patch (undefined fields are left alone); commits `post.updated`; null when there is no such post. */
export async function updatePost(ctx: Ctx, id: string, patch: PostPatch): Promise<Post | null> {
  if (!isId(id)) return null;
  const changes = postChanges(patch);
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<Post>(keys.post(id));
    if (!entry.value) return null;
    const next: Post = { ...entry.value, ...changes, updatedAt: nextUpdatedAt(entry.value.updatedAt) };
    const op = ctx.kv.atomic();
    await stageAttachments(ctx, op, id, entry.value.mediaIds ?? [], next.mediaIds ?? []);
    if ((await commitOrRetry(writePost(op, entry, next, "post.updated"))).ok) return next;
  }
  throw lostRaces("post");
}

/**
 * Deletes the post and its index keys and commits `post.deleted`, whose worker takes it out of the timelines it
 * reached. False when there was no such post.
 */
export async function deletePost(ctx: Ctx, id: string): Promise<boolean> {
  if (!isId(id)) return false;
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<Post>(keys.post(id));
    if (!entry.value) return false;
    const op = ctx.kv.atomic();
    await stageAttachments(ctx, op, id, entry.value.mediaIds ?? [], []);
    if ((await commitOrRetry(writePost(op, entry, null, "post.deleted"))).ok) return true;
  }
  throw lostRaces("post");
}

/** Newest first, keyset-paginated over one author's copies or everyone's. */
export async function listPosts(ctx: Ctx, query: PostsQuery): Promise<PostsPage> {
  checkLimit("listPosts", query.limit);
  if (query.authorId !== undefined && !isId(query.authorId)) return { items: [], next: null };
  const prefix = query.authorId === undefined ? keys.POSTS_BY_CREATED : keys.postsByAuthor(query.authorId);
  const { entries, next } = await listNewest<Post>(ctx, prefix, query.limit, query.after);
  return { items: entries.map((e) => e.value), next };
}
