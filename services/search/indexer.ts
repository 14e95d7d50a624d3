// Keeps the active search engine in line with the store. The search worker (workers/search.ts) calls `sync` for each
// record an event names; it reloads the record by id and indexes it, or removes it from the index when it is gone.
//
// A search engine that is down must never cost a write (the worker runs after the commit) and must catch up when it
// returns. So a record whose sync fails is first marked dirty in the store (ports/dirty.ts); when the engine was
// merely unavailable the event is then done (retrying it five times over an hour would only add noise, and after the
// last retry the queue would give it up), and the sweep, which runs every SWEEP_INTERVAL_MS while the workers run,
// syncs the dirty records once the engine answers again (the scheduler runs it: workers/mod.ts). Other failures (a store error, a bug) are marked too and
// rethrown, so the queue retries the event as well; whichever syncs first wins, and a sync is idempotent.
import { UnavailableError } from "../errors.ts";
import type { SearchType } from "../store/model.ts";
import type { DirtyRecordsPort } from "../store/ports/dirty.ts";
import type { Store } from "../store/store.ts";
import { jobRecord, personRecord, postRecord } from "./records.ts";
import type { SearchEngine, SearchRecord } from "./types.ts";

/** How often the dirty records are looked at (on Deno Deploy's cron: every minute). */
export const SWEEP_INTERVAL_MS = 15_000;
/** Dirty records one sweep reads per round, and rounds per sweep (a long outage drains over several sweeps). */
const SWEEP_BATCH = 100;
const SWEEP_ROUNDS = 10;
/** Reload-and-index rounds while the record keeps changing under the sync (its own event syncs it again anyway). */
const SYNC_ROUNDS = 3;

export type IndexerLog = (fields: Record<string, unknown>) => void;

export interface IndexerDeps {
  store: Store;
  engine: SearchEngine;
  /** Where the dirty records are kept: beside the store's queue, so every instance sweeps the same ones. */
  dirty: DirtyRecordsPort;
  log?: IndexerLog;
}

/** A record as the index should have it, with what tells one version from the next; null when it is gone. */
async function load(
  store: Store,
  type: SearchType,
  id: string,
): Promise<{ record: SearchRecord; version: number } | null> {
  if (type === "people") {
    const user = await store.getUser(id);
    return user && { record: personRecord(user), version: user.updatedAt.getTime() };
  }
  if (type === "posts") {
    const post = await store.getPost(id);
    return post && { record: postRecord(post), version: post.updatedAt.getTime() };
  }
  const job = await store.getJob(id);
  return job && { record: jobRecord(job), version: job.updatedAt.getTime() };
}

export class SearchIndexer {
  readonly #deps: IndexerDeps;
  #sweeping: Promise<number> | null = null;
  #closed = false;

  constructor(deps: IndexerDeps) {
    this.#deps = deps;
  }

  /**
   * Indexes the record as it is now, or removes it when it is gone. "deferred": the engine is unavailable and the
   * record is marked dirty for the sweep. Throws (after marking it) on any other failure.
   */
  async sync(type: SearchType, id: string): Promise<"synced" | "deferred"> {
    // The builtin engine on MySQL searches the records' own FULLTEXT indexes: there is nothing to reload or write.
    if (this.#deps.engine.kind === "builtin" && this.#deps.store.kind === "mysql") return "synced";
    try {
      await this.#syncOnce(type, id);
      return "synced";
    } catch (err) {
      await this.#deps.dirty.markDirty(type, id);
      if (!(err instanceof UnavailableError)) throw err;
      this.#deps.log?.({ level: "warn", msg: "search engine unavailable; the record waits for the sweep", type, id });
      return "deferred";
    }
  }

  /**
   * Reloads and indexes until the record read after indexing is the one indexed: a sync that read an older version
   * and finished after a newer one's sync then writes the newer version over its own.
   */
  async #syncOnce(type: SearchType, id: string): Promise<void> {
    const { store, engine } = this.#deps;
    let current = await load(store, type, id);
    for (let round = 0; round < SYNC_ROUNDS; round++) {
      if (current) await engine.index([current.record]);
      else await engine.remove(type, [id]);
      const again = await load(store, type, id);
      if (again?.version === current?.version) return;
      current = again;
    }
  }

  /** How many records wait for the sweep (at most `cap` counted). */
  async countDirty(cap = 1_000): Promise<number> {
    return (await this.#deps.dirty.listDirty(cap)).length;
  }

  /**
   * Syncs the dirty records while the engine answers; resolves to how many it synced. Runs once at a time: a call
   * during a sweep waits for that sweep.
   */
  sweep(): Promise<number> {
    this.#sweeping ??= this.#sweep().finally(() => {
      this.#sweeping = null;
    });
    return this.#sweeping;
  }

  async #sweep(): Promise<number> {
    const { dirty, engine, log } = this.#deps;
    let synced = 0;
    for (let round = 0; round < SWEEP_ROUNDS && !this.#closed; round++) {
      const batch = await dirty.listDirty(SWEEP_BATCH);
      if (batch.length === 0) break;
      if (round === 0) {
        try {
          await engine.ping();
        } catch {
          return synced; // still down: the next sweep looks again
        }
      }
      const before = synced;
      for (const record of batch) {
        if (this.#closed) break;
        const { type, id } = record;
        try {
          await this.#syncOnce(type, id);
        } catch (err) {
          if (err instanceof UnavailableError) return synced;
          const failures = record.failures + 1;
          log?.({
            level: "error",
            msg: "search sweep could not sync a record; it stays dirty",
            type,
            id,
            failures,
            error: err instanceof Error ? err.message : String(err),
          });
          await dirty.failDirty(record);
          continue;
        }
        // Only if nothing marked it again meanwhile (that mark is for a newer failure: the next sweep takes it).
        await dirty.clearDirty(record);
        synced++;
      }
      if (batch.length < SWEEP_BATCH || synced === before) break; // done, or only records that keep failing
    }
    if (synced > 0) log?.({ level: "info", msg: "search sweep caught up", synced });
    return synced;
  }

  /** Refuses further sweeps and waits for a sweep under way. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#sweeping?.catch(() => {});
  }
}
