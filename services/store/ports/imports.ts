// The bulk import port (tasks/seed.ts and migrations from other systems).
import type { NewPost, NewUser, TimelineEntry } from "../model.ts";

/** Bulk import (seed and migration tasks): explicit timestamps, no events. */
export interface ImportsPort {
  /**
   * Bulk import for `deno task seed` and data migrations (and, for timelines, rebuilds): writes the records as given
   * (with their dates) in large batches and commits no events (the importer builds timelines itself with
   * `importTimeline`). Returns the new ids in input order. ConflictError when an email is taken.
   */
  importUsers(users: (NewUser & { createdAt: Date })[]): Promise<string[]>;
  importPosts(posts: (NewPost & { createdAt: Date })[]): Promise<string[]>;
  /** Accepted connections; a pair that is already joined is skipped. */
  importConnections(connections: { senderId: string; receiverId: string; createdAt: Date }[]): Promise<void>;
  /** Timeline entries in bulk; repeats change nothing. Also how a member's missing timeline is rebuilt. */
  importTimeline(entries: (TimelineEntry & { memberId: string })[]): Promise<void>;
}
