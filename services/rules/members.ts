// What deleting a member removes, in order, for every store. The deleting commit takes the record and its email
// claim; the steps below follow it, each safe to run again.

/** Removed right after the record, before deleteUser answers: nothing may act for the member any longer. */
export const MEMBER_DELETION = ["sessions", "idempotencyKeys"] as const;
export type MemberDeletionStep = typeof MEMBER_DELETION[number];

/**
 * Removed later by the purge (purgeMemberContent), in this order: the member's posts (each `post.deleted` event takes
 * the post's reactions along), their reactions to other posts (each post's counts follow), messages before the
 * conversations that count them, the member's own notifications after the connections and messages whose deletion
 * takes theirs, the timeline last.
 */
export const MEMBER_PURGE = [
  "posts",
  "reactions",
  "jobs",
  "connections",
  "messages",
  "conversations",
  "notifications",
  "timeline",
] as const;
export type MemberPurgeStep = typeof MEMBER_PURGE[number];
