// The reactions port: each member's one reaction to a post, the post's counts by type, and who reacted.
import type { PostReactions, ReactionsPage, ReactionsQuery, ReactionType } from "../model.ts";

export interface ReactionsPort {
  /**
   * Sets the member's one reaction to the post (a different type replaces it), with the post's counts in the same
   * commit. Answers the type it replaced (null: none; the same type: nothing changed), or null when the post does not
   * exist. NotFoundError when the member does not exist (or is being deleted).
   */
  setPostReaction(
    postId: string,
    memberId: string,
    type: ReactionType,
  ): Promise<{ previous: ReactionType | null } | null>;
  /** Removes the member's reaction to the post, with the counts; false when there was none (or no such post). */
  removePostReaction(postId: string, memberId: string): Promise<boolean>;
  /**
   * For each of `postIds`, in order, its counts by type (zeros when it has no reactions or does not exist) and
   * `memberId`'s own reaction: one read for a page of posts.
   */
  getPostReactions(postIds: string[], memberId?: string): Promise<PostReactions[]>;
  /** A post's reactions, newest first (all, or one type's), keyset-paginated. */
  listPostReactions(postId: string, query: ReactionsQuery): Promise<ReactionsPage>;
  /**
   * Removes a bounded batch of what a deleted post leaves of its reactions (the worker reacting to `post.deleted`
   * calls it until it answers true); a post that still exists keeps its reactions, and the answer is true.
   */
  purgePostReactions(postId: string): Promise<boolean>;
}
