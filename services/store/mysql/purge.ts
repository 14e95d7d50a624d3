// Purges on MySQL / MariaDB: a deleted member's content, in the order rules/members.ts gives, in bounded transactions
// and a bounded amount per call; and the expired rows (idempotency keys, session families, tickets, once records) a
// timer clears.
import { MEMBER_PURGE, type MemberPurgeStep } from "../../rules/members.ts";
import * as connections from "./connections.ts";
import { deleteExpiredIdempotency } from "./idempotency.ts";
import * as jobs from "./jobs.ts";
import * as messages from "./messages.ts";
import * as notifications from "./notifications.ts";
import { deleteExpiredOnce } from "./once.ts";
import * as posts from "./posts.ts";
import * as reactions from "./reactions.ts";
import { deleteExpiredSessions } from "./sessions.ts";
import { type Ctx, dbId } from "./shared.ts";
import { deleteExpiredTickets } from "./tickets.ts";
import * as timelines from "./timelines.ts";

/**
 * A member's content is purged this many rows (posts, reactions, jobs, connections, messages, conversations, notifications) per
 * transaction, this many batches per call.
 */
const MEMBER_PURGE_BATCH = 500;
const MEMBER_PURGE_BATCHES = 20;
/** Expired rows of each kind one timer pass deletes. */
const EXPIRED_BATCH = 1_000;

/** How each step of MEMBER_PURGE is done here: a batch of at most `batch` rows, answering how many it found. */
const PURGE_STEPS: Record<MemberPurgeStep, (ctx: Ctx, memberId: string, batch: number) => Promise<number>> = {
  posts: posts.purgeAuthorPosts,
  reactions: reactions.purgeMemberReactions,
  jobs: jobs.purgePosterJobs,
  connections: connections.purgeMemberConnections,
  messages: messages.purgeMemberMessages,
  conversations: messages.purgeMemberConversations,
  notifications: notifications.purgeMemberNotifications,
  timeline: async (ctx, memberId) => (await timelines.purgeMemberTimeline(ctx, memberId), 0),
};

/**
 * Posts first (each commits `post.deleted` and takes its timeline rows along), then the member's reactions (each
 * post's count follows in the same transaction), then jobs (each commits `job.deleted`), then connections (accepted
 * ones commit `connection.removed`; the notifications about them go in the same transaction), then messages sent or received (with the `message:received` notifications about them),
 * then conversations (both rows of each), then the member's own notifications, then the member's own timeline.
 * Each batch is its own transaction; one call does at most MEMBER_PURGE_BATCHES of them and answers false when it
 * stopped with work left, so a worker calls again.
 */
export async function purgeMemberContent(ctx: Ctx, memberId: string): Promise<boolean> {
  const key = dbId(memberId);
  if (!key) return true;
  let budget = MEMBER_PURGE_BATCHES;
  for (const step of MEMBER_PURGE) {
    // A batch that found fewer rows than it could take was the last of its step.
    while (await PURGE_STEPS[step](ctx, key, MEMBER_PURGE_BATCH) >= MEMBER_PURGE_BATCH) {
      if (--budget === 0) return false;
    }
  }
  return true;
}

/** One sweep over the rows that expire: a bounded batch of each kind. */
export async function purgeExpired(ctx: Ctx): Promise<void> {
  await deleteExpiredIdempotency(ctx, EXPIRED_BATCH);
  await deleteExpiredSessions(ctx, EXPIRED_BATCH);
  await deleteExpiredTickets(ctx, EXPIRED_BATCH);
  await deleteExpiredOnce(ctx, EXPIRED_BATCH);
}
