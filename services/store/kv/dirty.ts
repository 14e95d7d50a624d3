// The dirty search records on Deno KV, under ["search_dirty", type, id]; a versionstamp check guards each change.
import type { SearchType } from "../model.ts";
import type { DirtyRecord, DirtyRecordsPort } from "../ports/dirty.ts";

const DIRTY = "search_dirty";

interface Dirty {
  since: number;
  failures: number;
}

export class KvDirtyRecords implements DirtyRecordsPort {
  constructor(private readonly kv: Deno.Kv) {}

  async markDirty(type: SearchType, id: string): Promise<void> {
    const key = [DIRTY, type, id];
    const entry = await this.kv.get<Dirty>(key);
    if (entry.value) return; // already waiting; its first mark says since when
    await this.kv.atomic().check(entry).set(key, { since: Date.now(), failures: 0 } satisfies Dirty).commit();
  }

  async listDirty(limit: number): Promise<DirtyRecord[]> {
    const out: DirtyRecord[] = [];
    for await (const entry of this.kv.list<Dirty>({ prefix: [DIRTY] }, { limit })) {
      const [, type, id] = entry.key as [string, SearchType, string];
      out.push({ type, id, since: entry.value.since, failures: entry.value.failures, version: entry.versionstamp });
    }
    return out;
  }

  async failDirty(record: DirtyRecord): Promise<void> {
    const key = [DIRTY, record.type, record.id];
    await this.kv.atomic().check({ key, versionstamp: record.version })
      .set(key, { since: record.since, failures: record.failures + 1 } satisfies Dirty).commit();
  }

  async clearDirty(record: DirtyRecord): Promise<void> {
    const key = [DIRTY, record.type, record.id];
    await this.kv.atomic().check({ key, versionstamp: record.version }).delete(key).commit();
  }
}
