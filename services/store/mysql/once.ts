// The OnceStore port on MySQL: one row per key in once_records, so every instance sees the same claims and done
// records and none keeps them on its own disk. Expiry runs on the database's clock; purge.ts deletes expired rows.
import type { ClaimOutcome, OnceStore } from "../ports/once.ts";
import type { Database } from "./pool.ts";
import { type Ctx, LATER, limitParam, micros } from "./shared.ts";

/** The key's first part is its scope (["worker_events", worker, eventId] → "worker_events"), the rest its name. */
function split(key: readonly string[]): [string, string] {
  if (key.length < 2) throw new RangeError(`A once key needs a scope and a name, got ${JSON.stringify(key)}`);
  return [key[0], JSON.stringify(key.slice(1))];
}

export class MysqlOnce implements OnceStore {
  constructor(private readonly db: Database) {}

  async claim(key: readonly string[], leaseMs: number): Promise<ClaimOutcome> {
    const [scope, name] = split(key);
    const db = this.db.maintenance;
    const fresh = await db.execute(
      `INSERT IGNORE INTO once_records (scope, once_key, state, expires_at) VALUES (?, ?, 'running', ${LATER})`,
      [scope, name, micros(leaseMs)],
    );
    if (fresh.affectedRows === 1) return "claimed";
    // A record whose time passed (a lapsed claim, an old done record) is taken over.
    const lapsed = await db.execute(
      `UPDATE once_records SET state = 'running', expires_at = ${LATER} ` +
        "WHERE scope = ? AND once_key = ? AND expires_at <= NOW(3)",
      [micros(leaseMs), scope, name],
    );
    if (lapsed.affectedRows === 1) return "claimed";
    const [row] = await db.query<{ state: string }>(
      "SELECT state FROM once_records WHERE scope = ? AND once_key = ?",
      [scope, name],
    );
    return row?.state === "done" ? "done" : "running";
  }

  async finish(key: readonly string[], forMs: number): Promise<void> {
    const [scope, name] = split(key);
    await this.db.maintenance.execute(
      `INSERT INTO once_records (scope, once_key, state, expires_at) VALUES (?, ?, 'done', ${LATER}) ` +
        "ON DUPLICATE KEY UPDATE state = 'done', expires_at = VALUES(expires_at)",
      [scope, name, micros(forMs)],
    );
  }

  async release(key: readonly string[]): Promise<void> {
    const [scope, name] = split(key);
    await this.db.maintenance.execute(
      "DELETE FROM once_records WHERE scope = ? AND once_key = ? AND state = 'running'",
      [scope, name],
    );
  }
}

/** Deletes up to `batch` records whose time passed (the store's purge timer). */
export async function deleteExpiredOnce(ctx: Ctx, batch: number): Promise<number> {
  const { affectedRows } = await ctx.db.maintenance.execute(
    "DELETE FROM once_records WHERE expires_at <= NOW(3) LIMIT ?",
    [limitParam(batch)],
  );
  return affectedRows;
}
