// The built-in search index port.
import type { SearchDocument, SearchHit, SearchType } from "../model.ts";

/** The built-in search index (the search worker writes it; on MySQL it is FULLTEXT on the records). */
export interface SearchIndexPort {
  /**
   * The built-in search index, kept in the primary store so every instance sees the same one. Writing a document
   * replaces what was indexed for it before; both are idempotent. MySQL may serve these from FULLTEXT indexes on the
   * records themselves (then writes are no-ops that the contract still checks through `searchIndex`).
   */
  indexDocuments(docs: SearchDocument[]): Promise<void>;
  removeDocuments(type: SearchType, ids: string[]): Promise<void>;
  /** Drops a type's whole index (before a rebuild). */
  clearIndex(type: SearchType): Promise<void>;
  /**
   * Ranked matches of `words` (already normalised by services/store/words.ts): documents matching more and
   * heavier words first, then newer; the last word also matches as a prefix. At most `limit`, after `offset`.
   */
  searchIndex(type: SearchType, words: string[], query: { limit: number; offset: number }): Promise<SearchHit[]>;
}
