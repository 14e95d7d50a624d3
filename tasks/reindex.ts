// deno task reindex — clears the active search engine's index and rebuilds it from the store: members, then posts,
// then jobs, each read newest first in keyset pages (listUsers, listPosts, listJobs) and indexed a page at a time,
// with a progress line. For a new Meilisearch, one whose data was lost, or a builtin index on Deno KV after an upgrade.
// The builtin engine on MySQL has nothing to rebuild (the FULLTEXT indexes are the records' own) and says so.
//
// Safe while the app runs: its search worker keeps indexing what changes meanwhile, and after each page the rebuild
// reads the page's records again and removes those deleted since, so nothing it indexed outlives its record. Searches
// find fewer results until the rebuild has passed them.
import { closeApp, openApp } from "../services/app.ts";
import { jobRecord, personRecord, postRecord } from "../services/search/records.ts";
import type { SearchEngine } from "../services/search/types.ts";
import type { Position, SearchType } from "../services/store/model.ts";
import type { Store } from "../services/store/store.ts";
import { configOrExit } from "./cli.ts";

/** Records read and indexed per page. */
export const REINDEX_BATCH = 500;

const LABELS: Record<SearchType, string> = { people: "members", posts: "posts", jobs: "jobs" };

export interface ReindexOptions {
  batch?: number;
  /** Called after each page with the running count of the type (and once more, done, at its end). */
  progress?: (type: SearchType, indexed: number, done: boolean) => void;
}

/** One keyset page of a type: its records for the index, the ids, and where the next page starts. */
async function page(store: Store, type: SearchType, limit: number, after: Position | undefined) {
  if (type === "people") {
    const { items, next } = await store.listUsers({ limit, after });
    return { records: items.map(personRecord), next };
  }
  if (type === "posts") {
    const { items, next } = await store.listPosts({ limit, after });
    return { records: items.map(postRecord), next };
  }
  const { items, next } = await store.listJobs({ limit, after });
  return { records: items.map(jobRecord), next };
}

/** The ids among `ids` whose record still exists. */
async function existing(store: Store, type: SearchType, ids: string[]): Promise<Set<string>> {
  const found = type === "people"
    ? await store.getUsers(ids)
    : type === "posts"
    ? await store.getPosts(ids)
    : await store.getJobs(ids);
  return new Set(found.map((r) => r.id));
}

/** Clears and rebuilds each type's index; resolves to how many records of each it indexed. */
export async function reindex(
  deps: { store: Store; engine: SearchEngine },
  options: ReindexOptions = {},
): Promise<Record<SearchType, number>> {
  const { store, engine } = deps;
  const batch = options.batch ?? REINDEX_BATCH;
  const counts: Record<SearchType, number> = { people: 0, posts: 0, jobs: 0 };
  for (const type of ["people", "posts", "jobs"] as const) {
    await engine.clear(type);
    let after: Position | undefined;
    do {
      const { records, next } = await page(store, type, batch, after);
      await engine.index(records);
      const ids = records.map((r) => r.id);
      const still = await existing(store, type, ids);
      const gone = ids.filter((id) => !still.has(id));
      if (gone.length) await engine.remove(type, gone);
      counts[type] += records.length - gone.length;
      options.progress?.(type, counts[type], false);
      after = next ?? undefined;
    } while (after);
    options.progress?.(type, counts[type], true);
  }
  return counts;
}

if (import.meta.main) {
  const config = configOrExit();
  const app = await openApp(config, { hashers: 1 });
  try {
    if (app.search.kind === "builtin" && app.store.kind === "mysql") {
      console.log("Nothing to rebuild: the builtin search on MySQL reads the records' own FULLTEXT indexes.");
    } else {
      const started = performance.now();
      const tty = Deno.stdout.isTerminal();
      const encoder = new TextEncoder();
      let pages = 0;
      const counts = await reindex({ store: app.store, engine: app.search }, {
        progress(type, indexed, done) {
          const seconds = (performance.now() - started) / 1000;
          const line = `${app.search.kind}: ${LABELS[type]} ${indexed.toLocaleString("en")} indexed` +
            `${done ? ", done" : ""} (${seconds.toFixed(1)} s)`;
          // One line rewritten in place on a terminal; a line every 20 pages (and per type) in a log.
          if (tty) Deno.stdout.writeSync(encoder.encode(`\r${line}\x1b[K${done ? "\n" : ""}`));
          else if (done || ++pages % 20 === 0) console.log(line);
        },
      });
      console.log(
        `Rebuilt the ${app.search.kind} index: ${counts.people} members, ${counts.posts} posts, ${counts.jobs} jobs.`,
      );
    }
  } finally {
    await closeApp(app);
  }
}
