// The search port. The domain hands it records to index (workers/search.ts, tasks/reindex.ts) and asks it for ranked
// ids (services/site_search.ts), then reads the records back from the store, so a hit is always current. Two adapters:
// builtin.ts keeps the index in the primary store (Deno KV postings, or MySQL FULLTEXT indexes on the records), and
// meilisearch.ts talks to a Meilisearch server (typo tolerance, faster ranking at scale). contract.ts is the one suite
// both pass.
import type { JobType, SearchType } from "../store/model.ts";

/** What a member is found by. */
export interface PeopleFields {
  /** First and last name, as one text. */
  name: string;
  headline: string;
  location: string;
}

export interface PostFields {
  content: string;
}

export interface JobFields {
  title: string;
  description: string;
  location: string;
  /** A filter in Meilisearch; not a searchable text. */
  jobType: JobType;
}

interface RecordOf<T extends SearchType, F> {
  type: T;
  id: string;
  fields: F;
  /** Newer records rank first among equal matches. */
  createdAt: Date;
}

/** A record as the domain hands it to the index: its searchable text, by field. */
export type SearchRecord =
  | RecordOf<"people", PeopleFields>
  | RecordOf<"posts", PostFields>
  | RecordOf<"jobs", JobFields>;

export interface SearchQuery {
  /** 1..1000 ids to return. */
  limit: number;
  /** How many ranked ids to skip (relevance has no stable key to page by). */
  offset: number;
}

export interface SearchResult {
  /** Ranked best first. */
  ids: string[];
  /** How many records match in all, when the engine knows it cheaply (Meilisearch does; the builtin one does not). */
  estimatedTotal?: number;
}

/**
 * A search engine. Writes are upserts by id and idempotent, so a worker may run them again; they resolve once the
 * engine has applied them (searches afterwards see them) and throw UnavailableError (services/errors.ts) when the
 * engine cannot be reached, which callers retry later.
 */
export interface SearchEngine {
  readonly kind: "builtin" | "meilisearch";
  /** Adds or replaces records (each replaces what was indexed under its type and id before). */
  index(records: SearchRecord[]): Promise<void>;
  /** Removes records; unknown ids are ignored. */
  remove(type: SearchType, ids: string[]): Promise<void>;
  /** Removes every record of a type (before a rebuild). */
  clear(type: SearchType): Promise<void>;
  /**
   * Ids of the records of `type` that match `q`, best first: more of the query's words matched, words in heavier
   * fields (a name or title over a headline or location over a body), then newer. The last word of `q` also matches
   * as the start of a longer word (search as you type). A query without words finds nothing.
   */
  search(type: SearchType, q: string, query: SearchQuery): Promise<SearchResult>;
  /** Answers when the engine answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
