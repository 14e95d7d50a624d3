// Reads across the connection graph on Deno KV: mutual connections and the second degree. Each reads members'
// connection keys only, a bounded number of them, so the cost never grows with the number of members.
import type { SecondDegree } from "../model.ts";
import { isId } from "./ids.ts";
import * as keys from "./keys.ts";
import { checkLimit, type Ctx, getEntries } from "./shared.ts";

/**
 * listSecondDegree walks the member's newest VIA connections and, of each, their newest REACH connections: at most
 * 1 + VIA range reads and 100 + VIA × REACH = 10,100 keys, then the pair claims of the best-ranked candidates. Mutual
 * counts are exact while the member and each of their connections have at most that many connections; beyond, they
 * count through the newest ones only.
 */
const SECOND_DEGREE_VIA = 100;
const SECOND_DEGREE_REACH = 100;
/** Range reads listSecondDegree runs at once. */
const PARALLEL_READS = 20;

/** The ids of the members connected to `memberId` (accepted), up to `limit`, newest connections first. */
async function newestConnected(ctx: Ctx, memberId: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  const prefix = keys.memberConnections(memberId, "accepted", "all");
  for await (const { value } of ctx.kv.list<string>({ prefix }, { reverse: true, limit, batchSize: limit })) {
    ids.push(value);
  }
  return ids;
}

/** Every member connected to `memberId`: one range of their `connected` keys. */
async function allConnected(ctx: Ctx, memberId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const { key } of ctx.kv.list({ prefix: keys.connectedTo(memberId) }, { batchSize: 500 })) {
    ids.add(key[2] as string);
  }
  return ids;
}

/** How many accepted connections two members have in common: two ranges, one per member. */
export async function countMutualConnections(ctx: Ctx, a: string, b: string): Promise<number> {
  if (!isId(a) || !isId(b)) return 0;
  const [ofA, ofB] = await Promise.all([allConnected(ctx, a), allConnected(ctx, b)]);
  let count = 0;
  for (const id of ofA) if (ofB.has(id)) count++;
  return count;
}

/**
 * Members connected to the member's connections, most mutual connections first, then by id; within the bounds
 * above. Leaving out everyone a pending or accepted connection joins to the member is exact whatever the bounds:
 * the best-ranked candidates' pair claims are read, in rounds, until `limit` are free of one.
 */
export async function listSecondDegree(ctx: Ctx, memberId: string, limit: number): Promise<SecondDegree[]> {
  checkLimit("listSecondDegree", limit);
  if (!isId(memberId)) return [];
  const via = await newestConnected(ctx, memberId, SECOND_DEGREE_VIA);
  const first = new Set(via);
  const counts = new Map<string, number>();
  for (let start = 0; start < via.length; start += PARALLEL_READS) {
    const reached = await Promise.all(
      via.slice(start, start + PARALLEL_READS).map((id) => newestConnected(ctx, id, SECOND_DEGREE_REACH)),
    );
    for (const id of reached.flat()) {
      if (id !== memberId && !first.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  const ranked = [...counts].map(([id, mutualCount]) => ({ id, mutualCount }))
    .sort((x, y) => y.mutualCount - x.mutualCount || (x.id < y.id ? -1 : 1));
  const found: SecondDegree[] = [];
  const round = Math.max(limit, 20);
  for (let start = 0; start < ranked.length && found.length < limit; start += round) {
    const candidates = ranked.slice(start, start + round);
    const claims = await getEntries(ctx, candidates.map((c) => keys.connectionPair(memberId, c.id)));
    found.push(...candidates.filter((_, i) => claims[i].versionstamp === null));
  }
  return found.slice(0, limit);
}
