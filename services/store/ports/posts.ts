// The posts port and the timelines port: posts, the feed reads, home timelines.
import type {
  IdempotencyCompletion,
  NewPost,
  Post,
  PostPatch,
  PostPosition,
  PostsPage,
  PostsQuery,
  TimelineEntry,
  TimelinePage,
} from "../model.ts";

/** Posts and the page-shaped feed reads. */
export interface PostsPort {
  /** Publishes a post; NotFoundError when the author does not exist. Commits `post.created`. */
  createPost(input: NewPost, done?: IdempotencyCompletion<Post>): Promise<Post>;
  getPost(id: string): Promise<Post | null>;
  /** The posts that exist among `ids`, in the order of `ids` (missing ones are skipped). */
  getPosts(ids: string[]): Promise<Post[]>;
  /** Commits `post.updated`; null when the post does not exist. */
  updatePost(id: string, patch: PostPatch): Promise<Post | null>;
  /** Commits `post.deleted` (with the author in `members`); false when there was no such post. */
  deletePost(id: string): Promise<boolean>;
  /** Newest first, keyset-paginated; one author's or everyone's. */
  listPosts(query: PostsQuery): Promise<PostsPage>;
}

/** Home timelines, filled by the fan-out worker. */
export interface TimelinesPort {
  /** Adds one post to the timelines of `memberIds`; adding an entry that is there already changes nothing. */
  addToTimelines(memberIds: string[], entry: TimelineEntry): Promise<void>;
  /** Removes a post from every timeline it reached. */
  removePostFromTimelines(postId: string): Promise<void>;
  /** Removes one author's posts from one member's timeline (the two are no longer connected). */
  removeAuthorFromTimeline(memberId: string, authorId: string): Promise<void>;
  /** A member's timeline, newest first, keyset-paginated. */
  listTimeline(memberId: string, query: { limit: number; after?: PostPosition }): Promise<TimelinePage>;
  /** Keeps the newest `keep` entries of a member's timeline and drops the rest. */
  trimTimeline(memberId: string, keep: number): Promise<void>;
  /** When the member's timeline was last built from scratch; null when it never was (or was dropped). */
  getTimelineBuiltAt(memberId: string): Promise<Date | null>;
  setTimelineBuiltAt(memberId: string, at: Date): Promise<void>;
}
