// Records the search engine could not take yet (services/search/indexer.ts), kept where every instance sees them.
import type { SearchType } from "../model.ts";

export interface DirtyRecord {
  type: SearchType;
  id: string;
  /** When it was first marked (ms). */
  since: number;
  /** Sweeps that failed to sync it for another reason than an unavailable engine. */
  failures: number;
  /** What the record was when read: `fail` and `clear` of a record changed since do nothing. */
  version: string;
}

export interface DirtyRecordsPort {
  /** Marks a record dirty; a record already marked keeps its first mark. */
  markDirty(type: SearchType, id: string): Promise<void>;
  /** Up to `limit` dirty records. */
  listDirty(limit: number): Promise<DirtyRecord[]>;
  /** Counts one more failed sweep of `record`, unless it changed since it was read. */
  failDirty(record: DirtyRecord): Promise<void>;
  /** Unmarks `record`, unless it changed since it was read (a newer mark waits for the next sweep). */
  clearDirty(record: DirtyRecord): Promise<void>;
}
