// Purging a deleted member's content on Deno KV, in the order rules/members.ts gives, in bounded commits and a bounded
// amount per call, through the same write functions as normal writes.
import { MEMBER_PURGE, type MemberPurgeStep } from "../../rules/members.ts";
import type { Connection, Job, Message, Notification, Post } from "../model.ts";
import { writeConnection } from "./connections.ts";
import { isId } from "./ids.ts";
import { writeJob } from "./jobs.ts";
import * as keys from "./keys.ts";
import { writeConversation, writeMessage } from "./messages.ts";
import { notificationsAbout, writeNotification } from "./notifications.ts";
import { writePost } from "./posts.ts";
import { purgeMemberReactions } from "./reactions.ts";
import { type Ctx, getEntries } from "./shared.ts";
import { dropPostFromTimelines, dropTimelineEntries } from "./timelines.ts";

/**
 * Posts, jobs or notifications one purge commit deletes: each post or job is checked (KV allows 100 checks per
 * atomic) and costs four mutations with its event (a job five), a notification three.
 */
const PURGE_BATCH = 50;
/**
 * Connections one purge commit deletes: each is checked and costs up to 17 mutations and about 1.4 KB of keys (record,
 * index, listing and `connected` keys, pair, two notifications of three keys, event), within KV's 1,000 mutations
 * and 80 KiB of keys per commit.
 */
const PURGE_CONNECTION_BATCH = 25;
/**
 * Messages, or conversations, one purge commit deletes. A message costs at most nine deletions and 0.93 KB of keys
 * (record 38 bytes, conversation key 116, two member keys 164, unread key 110, a clientId claim of up to 64
 * characters 242, the one notification about it 259), a conversation four deletions and about 320 bytes (both
 * sides, each with its by-time key): within KV's 1,000 mutations and 80 KiB of keys per commit.
 */
const PURGE_MESSAGE_BATCH = 50;
/**
 * Records (posts, reactions, jobs, connections, messages, conversations, notifications, timeline entries) one
 * purgeMemberContent call deletes before it answers false; the worker's retries finish the rest, so no single delivery
 * runs for long.
 */
const PURGE_BUDGET = 5_000;

/**
 * Deletes what a deleted member wrote or joined, step by step in MEMBER_PURGE's order, in bounded commits and about
 * PURGE_BUDGET records per call. Every step reads what is left, so running it again, or after a crash, carries on.
 * True when nothing is left.
 */
export async function purgeMemberContent(ctx: Ctx, memberId: string): Promise<boolean> {
  if (!isId(memberId)) return true;
  let left = PURGE_BUDGET;
  for (const step of MEMBER_PURGE) {
    for (;;) {
      if (left <= 0) return false;
      const found = await PURGE_STEPS[step](ctx, memberId, left);
      if (found === 0) break;
      left -= found;
    }
  }
  return true;
}

/**
 * Each step deletes one batch (at most `left` records where it can be cut finer) and answers how many records it
 * found; none: the step is done. A commit lost to a racing write lists its batch again.
 */
const PURGE_STEPS: Record<MemberPurgeStep, (ctx: Ctx, memberId: string, left: number) => Promise<number>> = {
  posts: purgePosts,
  reactions: purgeMemberReactions,
  jobs: purgeJobs,
  connections: purgeConnections,
  messages: purgeMessages,
  conversations: purgeConversations,
  notifications: purgeNotifications,
  timeline: purgeTimeline,
};

/** Posts, each commit with its `post.deleted` events, then each post out of every timeline. */
async function purgePosts(ctx: Ctx, memberId: string): Promise<number> {
  const copies = await listValues<Post>(ctx, keys.postsByAuthor(memberId), PURGE_BATCH);
  if (copies.length === 0) return 0;
  const entries = await getEntries<Post>(ctx, copies.map((p) => keys.post(p.id)));
  const op = ctx.kv.atomic();
  for (const [i, entry] of entries.entries()) {
    if (entry.value) writePost(op, entry, null, "post.deleted");
    else for (const key of keys.postIndexKeys(copies[i])) op.delete(key); // an index key without its record
  }
  // A lost race (a post edited meanwhile) lists the batch again. Should the process stop before the timelines
  // are cleaned, the committed `post.deleted` events clean them.
  if (!(await op.commit()).ok) return copies.length;
  let dropped = 0;
  for (const post of copies) dropped += await dropPostFromTimelines(ctx, post.id);
  return copies.length + dropped;
}

/**
 * Jobs, through the poster's listing copies, each commit with its `job.deleted` events. A job costs one check and
 * five mutations (record, three copies, event).
 */
async function purgeJobs(ctx: Ctx, memberId: string): Promise<number> {
  const copies = await listValues<Job>(ctx, keys.jobsByPoster(memberId), PURGE_BATCH);
  if (copies.length === 0) return 0;
  const entries = await getEntries<Job>(ctx, copies.map((j) => keys.job(j.id)));
  const op = ctx.kv.atomic();
  for (const [i, entry] of entries.entries()) {
    if (entry.value) writeJob(op, entry, null, "job.deleted");
    else for (const key of keys.jobIndexKeys(copies[i])) op.delete(key); // copies without their record
  }
  await op.commit(); // a lost race (a job edited meanwhile) lists the batch again
  return copies.length;
}

/** Connections: pairs released, notifications about them deleted, `connection.removed` for accepted ones. */
async function purgeConnections(ctx: Ctx, memberId: string): Promise<number> {
  const ids: string[] = [];
  const list = ctx.kv.list({ prefix: keys.connectionsByMember(memberId) }, { limit: PURGE_CONNECTION_BATCH });
  for await (const { key } of list) ids.push(key[2] as string);
  if (ids.length === 0) return 0;
  const [entries, about] = await Promise.all([
    getEntries<Connection>(ctx, ids.map((id) => keys.connection(id))),
    Promise.all(ids.map((id) => notificationsAbout(ctx, id))),
  ]);
  const op = ctx.kv.atomic();
  for (const [i, entry] of entries.entries()) {
    if (entry.value) writeConnection(op.check(entry), entry.value, null, { notifications: about[i] });
    else op.delete(keys.connectionByMember(memberId, ids[i])); // an index key without its record
  }
  await op.commit(); // a lost race (a connection changed meanwhile) lists the batch again
  return ids.length;
}

/**
 * Messages, sent or received, through the member's own list, with the notifications about them (so the other
 * member's `message:received` from them goes too). No message joins them after deleteUser's commit (createMessage
 * checks both members), and the one other writer, marking read, checks each record and so never writes a deleted one
 * back: plain deletes, which are harmless twice.
 */
async function purgeMessages(ctx: Ctx, memberId: string): Promise<number> {
  const listed: Deno.KvKey[] = [];
  const list = ctx.kv.list({ prefix: keys.memberMessages(memberId) }, { limit: PURGE_MESSAGE_BATCH });
  for await (const { key } of list) listed.push(key);
  if (listed.length === 0) return 0;
  const ids = listed.map((key) => key[3] as string);
  const [entries, about] = await Promise.all([
    getEntries<Message>(ctx, ids.map((id) => keys.message(id))),
    Promise.all(ids.map((id) => notificationsAbout(ctx, id))),
  ]);
  const op = ctx.kv.atomic();
  for (const [i, entry] of entries.entries()) {
    if (entry.value) writeMessage(op, entry.value, null);
    else op.delete(listed[i]); // an index key without its record
    for (const ref of about[i]) writeNotification(op, ref, null);
  }
  await op.commit();
  return listed.length;
}

/** Both sides of each of the member's conversations, with their by-time keys; the messages are gone by now. */
async function purgeConversations(ctx: Ctx, memberId: string): Promise<number> {
  const mine: keys.StoredConversation[] = [];
  const list = ctx.kv.list<keys.StoredConversation>({ prefix: keys.conversations(memberId) }, {
    limit: PURGE_MESSAGE_BATCH,
  });
  for await (const { value } of list) mine.push(value);
  if (mine.length === 0) return 0;
  const theirs = await getEntries<keys.StoredConversation>(
    ctx,
    mine.map((c) => keys.conversation(c.otherId, memberId)),
  );
  const op = ctx.kv.atomic();
  for (const [i, c] of mine.entries()) {
    writeConversation(op, memberId, c, null);
    const other = theirs[i].value;
    if (other && c.otherId !== memberId) writeConversation(op, c.otherId, other, null);
  }
  await op.commit();
  return mine.length;
}

/** What is left of the member's notifications is about other things; deleting one twice is harmless, so no checks. */
async function purgeNotifications(ctx: Ctx, memberId: string): Promise<number> {
  const mine = await listValues<Notification>(ctx, keys.notifications(memberId), PURGE_BATCH);
  if (mine.length === 0) return 0;
  const op = ctx.kv.atomic();
  for (const n of mine) writeNotification(op, n, null);
  await op.commit();
  return mine.length;
}

/** The member's own timeline, up to `left` entries a batch, then the mark that it was built. */
async function purgeTimeline(ctx: Ctx, memberId: string, left: number): Promise<number> {
  const dropped = await dropTimelineEntries(
    ctx,
    ctx.kv.list<string>({ prefix: keys.timeline(memberId) }, { limit: left }),
    ({ key, value }) => ({ memberId, createdAtMs: key[2] as number, postId: key[3] as string, authorId: value }),
  );
  if (dropped === 0) await ctx.kv.delete(keys.timelineBuilt(memberId));
  return dropped;
}

/** The values of the first `limit` keys under `prefix`. */
async function listValues<T>(ctx: Ctx, prefix: Deno.KvKey, limit: number): Promise<T[]> {
  const out: T[] = [];
  for await (const { value } of ctx.kv.list<T>({ prefix }, { limit })) out.push(value);
  return out;
}
