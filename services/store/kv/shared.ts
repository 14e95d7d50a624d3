// What every part of the Deno KV adapter shares: the context, retry and chunk limits, and reads used by several.
import { ConflictError } from "../../errors.ts";
import type { PostPosition } from "../model.ts";

/** What the adapter's parts (users.ts, posts.ts, timelines.ts, …) get from the store. */
export interface Ctx {
  readonly kv: Deno.Kv;
}

/** Read-modify-write attempts before giving up on a key many writers are fighting over. */
export const MAX_TRIES = 10;
/** Mutations per commit when a cleanup spans many keys; KV allows 1,000 per atomic (and 800 KiB). */
export const CHUNK_MUTATIONS = 500;
/** Longer strings cannot be a stored email or token hash, and would exceed KV's 2 KiB key limit. */
export const MAX_KEY_TEXT = 320;
/** Keys one getMany may read. */
const GET_MANY_KEYS = 10;

export function lostRaces(what: string): ConflictError {
  return new ConflictError(`The ${what} was changed by other requests at the same time; try again.`);
}

/** The values of the entries that exist, in order. */
export function values<T>(entries: Deno.KvEntryMaybe<T>[]): T[] {
  return entries.flatMap((e) => e.value === null ? [] : [e.value]);
}

export function checkLimit(method: string, limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`${method}: limit must be ≥ 1, got ${limit}`);
}

/** Reads any number of keys, GET_MANY_KEYS per getMany, all chunks at once; the entries come in the order of `list`. */
export async function getEntries<T>(ctx: Ctx, list: Deno.KvKey[]): Promise<Deno.KvEntryMaybe<T>[]> {
  const chunks: Deno.KvKey[][] = [];
  for (let start = 0; start < list.length; start += GET_MANY_KEYS) {
    chunks.push(list.slice(start, start + GET_MANY_KEYS));
  }
  return (await Promise.all(chunks.map((chunk) => ctx.kv.getMany<T[]>(chunk)))).flat();
}

/**
 * One newest-first page of an index whose keys end in (createdAtMs, id): reads one entry past `limit` to tell
 * whether another page follows, and positions `next` at the page's last key.
 */
export async function listNewest<T>(
  ctx: Ctx,
  prefix: Deno.KvKey,
  limit: number,
  after: PostPosition | undefined,
): Promise<{ entries: Deno.KvEntry<T>[]; next: PostPosition | null }> {
  const selector = after ? { prefix, end: [...prefix, after.createdAt, after.id] } : { prefix };
  const entries: Deno.KvEntry<T>[] = [];
  const batchSize = Math.min(limit + 1, 500); // KV reads at most 1,000 entries per batch
  for await (const entry of ctx.kv.list<T>(selector, { reverse: true, limit: limit + 1, batchSize })) {
    entries.push(entry);
  }
  if (entries.length <= limit) return { entries, next: null };
  entries.length = limit;
  const last = entries[limit - 1].key;
  return { entries, next: { createdAt: last[last.length - 2] as number, id: last[last.length - 1] as string } };
}

/**
 * Commits `op`; a commit refused because another process held the KV file's write lock ("database is locked", two
 * instances on one file) counts as a lost race, so the caller's loop reads again instead of answering 500.
 */
export async function commitOrRetry(op: Deno.AtomicOperation): Promise<{ ok: boolean }> {
  try {
    return await op.commit();
  } catch (err) {
    if (err instanceof TypeError && err.message.includes("database is locked")) return { ok: false };
    throw err;
  }
}
