// The dirty search records on MySQL (search_dirty), shared by every instance; a change is guarded by the values read.
import type { SearchType } from "../model.ts";
import type { DirtyRecord, DirtyRecordsPort } from "../ports/dirty.ts";
import type { Database } from "./pool.ts";
import { limitParam } from "./shared.ts";

const SAME = "type = ? AND record_id = ? AND since = ? AND failures = ?";

export class MysqlDirtyRecords implements DirtyRecordsPort {
  constructor(private readonly db: Database) {}

  async markDirty(type: SearchType, id: string): Promise<void> {
    // A record already waiting keeps its first mark, which says since when.
    await this.db.maintenance.execute(
      "INSERT IGNORE INTO search_dirty (type, record_id, since, failures) VALUES (?, ?, ?, 0)",
      [type, id, new Date()],
    );
  }

  async listDirty(limit: number): Promise<DirtyRecord[]> {
    const rows = await this.db.maintenance.query<
      { type: SearchType; record_id: string; since: Date; failures: number }
    >(
      "SELECT type, record_id, since, failures FROM search_dirty ORDER BY type, record_id LIMIT ?",
      [limitParam(limit)],
    );
    return rows.map((r) => {
      const since = r.since.getTime();
      const failures = Number(r.failures);
      return { type: r.type, id: r.record_id, since, failures, version: `${since}:${failures}` };
    });
  }

  async failDirty(record: DirtyRecord): Promise<void> {
    await this.db.maintenance.execute(`UPDATE search_dirty SET failures = failures + 1 WHERE ${SAME}`, same(record));
  }

  async clearDirty(record: DirtyRecord): Promise<void> {
    await this.db.maintenance.execute(`DELETE FROM search_dirty WHERE ${SAME}`, same(record));
  }
}

function same(record: DirtyRecord): [string, string, Date, number] {
  return [record.type, record.id, new Date(record.since), record.failures];
}
