// Purging a deleted member's content on Deno KV: their posts, their connections and their own timeline, in bounded
// commits and a bounded amount per call, through the same write functions as normal writes.
import type { Connection, Post } from "../types.ts";
import { writeConnection } from "./connections.ts";
import { isId } from "./ids.ts";
import * as keys from "./keys.ts";
import { writePost } from "./posts.ts";
import { type Ctx, getEntries } from "./shared.ts";
import { dropPostFromTimelines, dropTimelineEntries } from "./timelines.ts";

/**
 * Posts or connections one purge commit deletes: each is checked (KV allows 100 checks per atomic) and costs at most
 * seven mutations (record, index keys, pair, connected keys, event).
 */
const PURGE_BATCH = 50;
/**
 * Records (posts, connections, timeline entries) one purgeMemberContent call deletes before it answers false; the
 * worker's retries finish the rest, so no single delivery runs for long.
 */
const PURGE_BUDGET = 5_000;

/**
 * Deletes what a deleted member wrote or joined, PURGE_BATCH records per commit and about PURGE_BUDGET per call:
 * their posts (each commit with its `post.deleted` events, then each post out of every timeline), their
 * connections (pairs released, `connection.removed` for accepted ones), and their own timeline. Every step reads
 * what is left, so running it again, or after a crash, carries on. True when nothing is left.
 */
export async function purgeMemberContent(ctx: Ctx, memberId: string): Promise<boolean> {
  if (!isId(memberId)) return true;
  let budget = PURGE_BUDGET;

  for (;;) {
    if (budget <= 0) return false;
    const copies = await listValues<Post>(ctx, keys.postsByAuthor(memberId), PURGE_BATCH);
    if (copies.length === 0) break;
    budget -= copies.length;
    const entries = await getEntries<Post>(ctx, copies.map((p) => keys.post(p.id)));
    const op = ctx.kv.atomic();
    for (const [i, entry] of entries.entries()) {
      if (entry.value) writePost(op, entry, null, "post.deleted");
      else for (const key of keys.postIndexKeys(copies[i])) op.delete(key); // an index key without its record
    }
    // A lost race (a post edited meanwhile) lists the batch again. Should the process stop before the timelines
    // are cleaned, the committed `post.deleted` events clean them.
    if (!(await op.commit()).ok) continue;
    for (const post of copies) budget -= await dropPostFromTimelines(ctx, post.id);
  }

  for (;;) {
    if (budget <= 0) return false;
    const ids: string[] = [];
    const list = ctx.kv.list({ prefix: keys.connectionsByMember(memberId) }, { limit: PURGE_BATCH });
    for await (const { key } of list) ids.push(key[2] as string);
    if (ids.length === 0) break;
    budget -= ids.length;
    const entries = await getEntries<Connection>(ctx, ids.map((id) => keys.connection(id)));
    const op = ctx.kv.atomic();
    for (const [i, entry] of entries.entries()) {
      if (entry.value) writeConnection(op.check(entry), entry.value, null);
      else op.delete(keys.connectionByMember(memberId, ids[i])); // an index key without its record
    }
    await op.commit(); // a lost race (a connection changed meanwhile) lists the batch again
  }

  budget -= await dropTimelineEntries(
    ctx,
    ctx.kv.list<string>({ prefix: keys.timeline(memberId) }, { limit: Math.max(budget, 1) }),
    ({ key, value }) => ({ memberId, createdAtMs: key[2] as number, postId: key[3] as string, authorId: value }),
  );
  if (budget <= 0) return false;
  await ctx.kv.delete(keys.timelineBuilt(memberId));
  return true;
}

/** The values of the first `limit` keys under `prefix`. */
async function listValues<T>(ctx: Ctx, prefix: Deno.KvKey, limit: number): Promise<T[]> {
  const out: T[] = [];
  for await (const { value } of ctx.kv.list<T>({ prefix }, { limit })) out.push(value);
  return out;
}
