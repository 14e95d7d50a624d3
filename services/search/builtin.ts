// The built-in search engine: the index lives in the primary store (services/store: postings on Deno KV, FULLTEXT
// indexes on MySQL), so it needs no other server and every instance sees the same one. Records become weighted
// words here; the store ranks them (see Store.searchIndex).
import type { SearchDocument, SearchType } from "../store/model.ts";
import type { Store } from "../store/store.ts";
import { indexWords, queryWords } from "../store/words.ts";
import type { SearchEngine, SearchQuery, SearchRecord, SearchResult } from "./types.ts";

/** How much a word weighs by the field it is in; MySQL's search (services/store/mysql/search.ts) uses the same. */
export const FIELD_WEIGHTS = {
  name: 3,
  title: 3,
  headline: 2,
  location: 2,
  content: 1,
  description: 1,
} as const;

/** Words one field gives at most (the store keeps a document's heaviest words within its own bound). */
const FIELD_WORDS = 1_000;

/**
 * A record's words with their weights: a word's weight is the sum of the weights of the fields it is in (so a word
 * in a title and a description outweighs one in the title alone, as on MySQL), heaviest first, then in order.
 */
export function toDocument(record: SearchRecord): SearchDocument {
  const texts: [string, number][] = [];
  if (record.type === "people") {
    const { name, headline, location } = record.fields;
    texts.push([name, FIELD_WEIGHTS.name], [headline, FIELD_WEIGHTS.headline], [location, FIELD_WEIGHTS.location]);
  } else if (record.type === "posts") {
    texts.push([record.fields.content, FIELD_WEIGHTS.content]);
  } else {
    const { title, location, description } = record.fields;
    texts.push([title, FIELD_WEIGHTS.title], [location, FIELD_WEIGHTS.location], [
      description,
      FIELD_WEIGHTS.description,
    ]);
  }
  const weights = new Map<string, number>();
  for (const [text, weight] of texts) {
    for (const word of indexWords(text, FIELD_WORDS)) weights.set(word, (weights.get(word) ?? 0) + weight);
  }
  const words = [...weights].map(([word, weight]) => ({ word, weight }));
  words.sort((a, b) => b.weight - a.weight); // stable: first appearance among equal weights
  return { type: record.type, id: record.id, words, createdAt: record.createdAt };
}

/** Search through the primary store's own index. */
export class BuiltinSearch implements SearchEngine {
  readonly kind = "builtin";

  constructor(private readonly store: Store) {}

  async index(records: SearchRecord[]): Promise<void> {
    if (records.length) await this.store.indexDocuments(records.map(toDocument));
  }

  async remove(type: SearchType, ids: string[]): Promise<void> {
    if (ids.length) await this.store.removeDocuments(type, ids);
  }

  clear(type: SearchType): Promise<void> {
    return this.store.clearIndex(type);
  }

  async search(type: SearchType, q: string, query: SearchQuery): Promise<SearchResult> {
    const words = queryWords(q);
    if (words.length === 0) return { ids: [] };
    const hits = await this.store.searchIndex(type, words, query);
    return { ids: hits.map((h) => h.id) };
  }

  /** The index is the store, whose own readiness check covers it. */
  ping(): Promise<void> {
    return Promise.resolve();
  }

  /** The store belongs to the app, which closes it. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
