// The Meilisearch adapter of the search port (MEILI_URL): typo tolerance and ranking by Meilisearch. One index per
// record type, primary key `id`, searchable attributes in ranking order (Meilisearch's "attribute" rule ranks a match
// in an earlier one first), createdAt sortable so equal matches come newest first, jobType and location filterable
// for jobs. Writes wait for their Meilisearch task, so when index() resolves a search sees the change, and a failed
// task is an error the worker sees. A Meilisearch that cannot be reached (or answers 5xx, or is too slow) is
// UnavailableError: callers keep working and the search worker catches up later (services/search/indexer.ts).
//
// The indexes and their settings are made on first use, not at start: an app whose Meilisearch is down still starts,
// and sets them up once it answers. Settings are applied every time the app starts, so a change here reaches running
// installations (Meilisearch re-indexes in the background when they differ).
import {
  type Index,
  Meilisearch,
  MeilisearchApiError,
  MeilisearchRequestError,
  MeilisearchTaskTimeOutError,
  type Settings,
  type Task,
} from "meilisearch";
import { UnavailableError } from "../errors.ts";
import type { SearchType } from "../store/model.ts";
import { queryWords } from "../store/words.ts";
import type { SearchEngine, SearchQuery, SearchRecord, SearchResult } from "./types.ts";

/** One HTTP request to Meilisearch at most this long. */
const REQUEST_TIMEOUT_MS = 5_000;
/** How long a write waits for its task; a busy Meilisearch beyond this counts as unavailable (the write is retried). */
const TASK_TIMEOUT_MS = 30_000;
/** Documents per addDocuments request (Meilisearch accepts up to 100 MB; a batch of jobs stays far below). */
const BATCH = 1_000;

const SETTINGS: Record<SearchType, Settings> = {
  people: {
    searchableAttributes: ["name", "headline", "location"],
    filterableAttributes: [],
    sortableAttributes: ["createdAt"],
    typoTolerance: { enabled: true },
  },
  posts: {
    searchableAttributes: ["content"],
    filterableAttributes: [],
    sortableAttributes: ["createdAt"],
    typoTolerance: { enabled: true },
  },
  jobs: {
    searchableAttributes: ["title", "location", "description"],
    filterableAttributes: ["jobType", "location"],
    sortableAttributes: ["createdAt"],
    typoTolerance: { enabled: true },
  },
};

const TYPES = Object.keys(SETTINGS) as SearchType[];

export interface MeilisearchOptions {
  apiKey?: string;
  /** Prefix of the index names ("prok_" by default: prok_people, prok_posts, prok_jobs); tests use their own. */
  indexPrefix?: string;
}

/** A Meilisearch error that says the server is not there or not well, rather than that a request was wrong. */
function isUnavailable(err: unknown): boolean {
  if (err instanceof MeilisearchRequestError || err instanceof MeilisearchTaskTimeOutError) return true;
  return err instanceof MeilisearchApiError && err.response.status >= 500;
}

/** The document Meilisearch keeps for a record: its fields, its id and its creation time (ms, to sort on). */
function toMeiliDocument(record: SearchRecord): Record<string, string | number> {
  return { id: record.id, ...record.fields, createdAt: record.createdAt.getTime() };
}

export class MeilisearchSearch implements SearchEngine {
  readonly kind = "meilisearch";
  readonly #client: Meilisearch;
  readonly #prefix: string;
  #ready: Promise<void> | null = null;

  constructor(url: string, options: MeilisearchOptions = {}) {
    this.#client = new Meilisearch({ host: url, apiKey: options.apiKey, timeout: REQUEST_TIMEOUT_MS });
    this.#prefix = options.indexPrefix ?? "prok_";
  }

  /** The Meilisearch index of a record type. */
  indexName(type: SearchType): string {
    return `${this.#prefix}${type}`;
  }

  #index(type: SearchType): Index {
    return this.#client.index(this.indexName(type));
  }

  /** Runs `fn`; a Meilisearch that cannot answer becomes UnavailableError. */
  async #call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isUnavailable(err)) throw new UnavailableError("Search");
      throw err;
    }
  }

  /** Waits for a task; one that failed is an error naming it. */
  async #wait(pending: { waitTask(options?: { timeout?: number }): Promise<Task> }, what: string): Promise<Task> {
    const task = await pending.waitTask({ timeout: TASK_TIMEOUT_MS });
    if (task.status !== "succeeded") {
      const reason = task.error ? `${task.error.code}: ${task.error.message}` : task.status;
      throw new Error(`Meilisearch could not ${what} (task ${task.uid}): ${reason}`);
    }
    return task;
  }

  /** Creates the indexes (primary key `id`) and applies their settings, once per process; again after a failure. */
  #ensureIndexes(): Promise<void> {
    this.#ready ??= this.#call(async () => {
      for (const type of TYPES) {
        const created = await this.#client.createIndex(this.indexName(type), { primaryKey: "id" })
          .waitTask({ timeout: TASK_TIMEOUT_MS });
        if (created.status !== "succeeded" && created.error?.code !== "index_already_exists") {
          throw new Error(`Meilisearch could not create ${this.indexName(type)}: ${created.error?.message}`);
        }
        await this.#wait(this.#index(type).updateSettings(SETTINGS[type]), `apply the settings of ${type}`);
      }
    }).catch((err) => {
      this.#ready = null;
      throw err;
    });
    return this.#ready;
  }

  async index(records: SearchRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.#ensureIndexes();
    const byType = new Map<SearchType, SearchRecord[]>();
    for (const r of records) {
      const list = byType.get(r.type);
      if (list) list.push(r);
      else byType.set(r.type, [r]);
    }
    await this.#call(async () => {
      for (const [type, list] of byType) {
        for (let i = 0; i < list.length; i += BATCH) {
          const docs = list.slice(i, i + BATCH).map(toMeiliDocument);
          await this.#wait(this.#index(type).addDocuments(docs, { primaryKey: "id" }), `index ${type}`);
        }
      }
    });
  }

  async remove(type: SearchType, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#ensureIndexes();
    await this.#call(async () => {
      for (let i = 0; i < ids.length; i += BATCH) {
        await this.#wait(this.#index(type).deleteDocuments(ids.slice(i, i + BATCH)), `remove from ${type}`);
      }
    });
  }

  async clear(type: SearchType): Promise<void> {
    await this.#ensureIndexes();
    await this.#call(() => this.#wait(this.#index(type).deleteAllDocuments(), `clear ${type}`));
  }

  async search(type: SearchType, q: string, query: SearchQuery): Promise<SearchResult> {
    // The same rule as the builtin engine: a query without a word finds nothing (Meilisearch would list everything).
    if (queryWords(q).length === 0) return { ids: [] };
    await this.#ensureIndexes();
    const res = await this.#call(() =>
      this.#index(type).search(q, {
        limit: query.limit,
        offset: query.offset,
        attributesToRetrieve: ["id"],
        sort: ["createdAt:desc"],
      })
    );
    return { ids: res.hits.map((hit) => String(hit.id)), estimatedTotal: res.estimatedTotalHits };
  }

  async ping(): Promise<void> {
    await this.#call(() => this.#client.health());
  }

  /** Nothing to release: the client holds no connection between requests. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Deletes this engine's indexes (tests, and an operator starting over); a missing one is fine. */
  async dropIndexes(): Promise<void> {
    await this.#call(async () => {
      for (const type of TYPES) await this.#client.deleteIndexIfExists(this.indexName(type));
    });
    this.#ready = null;
  }
}
