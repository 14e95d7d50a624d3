// Single-use WebSocket tickets on MySQL / MariaDB (table in migrations/004), kept by the hash of their secret.
import type { TicketGrant } from "../model.ts";
import { type Ctx, limitParam } from "./shared.ts";

/** Expired tickets one saveTicket removes on the side (the periodic purge takes bigger batches). */
const SWEEP_BATCH = 16;

interface TicketRow {
  user_id: string;
  session_id: string;
  expires_at: Date;
}

/** Deletes up to `batch` expired tickets: a range of ix_ws_tickets_expires. Resolves to how many went. */
export async function deleteExpiredTickets(ctx: Ctx, batch: number): Promise<number> {
  const { affectedRows } = await ctx.db.writer.execute("DELETE FROM ws_tickets WHERE expires_at <= ? LIMIT ?", [
    new Date(),
    limitParam(batch),
  ]);
  return affectedRows;
}

/**
 * Stores the ticket (a hash seen again replaces the grant), then sweeps a few expired ones, so the table stays as
 * small as the tickets live now whether or not the periodic purge runs. A failed sweep is not the caller's failure.
 */
export async function saveTicket(ctx: Ctx, hash: string, grant: TicketGrant, ttlMs: number): Promise<void> {
  if (!Number.isFinite(ttlMs)) throw new RangeError(`ticket ttl must be a finite number, got ${ttlMs}`);
  const expiresAt = new Date(Date.now() + ttlMs);
  await ctx.db.writer.execute(
    // The values twice rather than VALUES(column), which MySQL 8 deprecates (and its row alias MariaDB lacks).
    "INSERT INTO ws_tickets (token_hash, user_id, session_id, expires_at) VALUES (?, ?, ?, ?) " +
      "ON DUPLICATE KEY UPDATE user_id = ?, session_id = ?, expires_at = ?",
    [hash, grant.userId, grant.sessionId, expiresAt, grant.userId, grant.sessionId, expiresAt],
  );
  await deleteExpiredTickets(ctx, SWEEP_BATCH).catch(() => {});
}

/**
 * Reads the ticket, then deletes exactly the row it read: of racing takers only one deletes it (the others match no
 * row) and only that one gets the grant. Two statements on their own, the same guarantee as SELECT ... FOR UPDATE and
 * DELETE in a transaction (MySQL 8 has no DELETE ... RETURNING) without its BEGIN and COMMIT round trips. An expired
 * ticket is deleted too, and answers null.
 */
export async function takeTicket(ctx: Ctx, hash: string): Promise<TicketGrant | null> {
  const [row] = await ctx.db.writer.query<TicketRow>(
    "SELECT user_id, session_id, expires_at FROM ws_tickets WHERE token_hash = ?",
    [hash],
  );
  if (!row) return null;
  const { affectedRows } = await ctx.db.writer.execute(
    "DELETE FROM ws_tickets WHERE token_hash = ? AND user_id = ? AND session_id = ? AND expires_at = ?",
    [hash, row.user_id, row.session_id, row.expires_at],
  );
  if (affectedRows !== 1 || row.expires_at.getTime() <= Date.now()) return null;
  return { userId: row.user_id, sessionId: row.session_id };
}
