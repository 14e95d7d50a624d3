// Connections on MySQL / MariaDB. The unique key on (pair_lo, pair_hi, active) (see migrations/002) is what allows one
// pending or accepted connection per pair in either direction: racing invitations meet there, and the losers get
// ER_DUP_ENTRY, turned into ConflictError.
import { ConflictError, NotFoundError } from "../../errors.ts";
import type { Connection, ConnectionStatus, DomainEvent } from "../types.ts";
import { type Ctx, dbId, importRows, inLists, isDuplicate, limitParam, outboxEvent, writeEvents } from "./shared.ts";

const CONNECTION_COLUMNS = "id, sender_id, receiver_id, status, message, created_at, updated_at";
const LIVE_PAIR_KEY = "uq_connections_live_pair";

interface ConnectionRow {
  id: string | number;
  sender_id: string | number;
  receiver_id: string | number;
  status: ConnectionStatus;
  message: string;
  created_at: Date;
  updated_at: Date;
}

function toConnection(row: ConnectionRow): Connection {
  return {
    id: String(row.id),
    senderId: String(row.sender_id),
    receiverId: String(row.receiver_id),
    status: row.status,
    message: row.message,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function pairTaken(): ConflictError {
  return new ConflictError("These members are already connected, or an invitation between them is pending.");
}

export async function createConnection(
  ctx: Ctx,
  input: { senderId: string; receiverId: string; message: string },
): Promise<Connection> {
  const senderId = dbId(input.senderId);
  const receiverId = dbId(input.receiverId);
  if (!senderId || !receiverId) throw new NotFoundError("member");
  const now = new Date();
  let id: string;
  try {
    id = await ctx.db.writer.transaction(async (tx) => {
      // Shared locks: a racing deleteUser of either member waits for this commit, so its purge sees this row.
      const members = await tx.query<{ id: string }>("SELECT id FROM users WHERE id IN (?, ?) LOCK IN SHARE MODE", [
        senderId,
        receiverId,
      ]);
      if (members.length < new Set([senderId, receiverId]).size) throw new NotFoundError("member");
      const { insertId } = await tx.execute(
        "INSERT INTO connections (sender_id, receiver_id, status, message, created_at, updated_at) " +
          "VALUES (?, ?, 'pending', ?, ?, ?)",
        [senderId, receiverId, input.message, now, now],
      );
      return insertId;
    });
  } catch (err) {
    if (isDuplicate(err, LIVE_PAIR_KEY)) throw pairTaken();
    throw err;
  }
  return {
    id,
    senderId,
    receiverId,
    status: "pending",
    message: input.message,
    createdAt: now,
    updatedAt: new Date(now),
  };
}

/** Read from the writer: whether two members are connected decides what each may see and do, at once. */
export async function getConnection(ctx: Ctx, id: string): Promise<Connection | null> {
  const key = dbId(id);
  if (!key) return null;
  const [row] = await ctx.db.writer.query<ConnectionRow>(
    `SELECT ${CONNECTION_COLUMNS} FROM connections WHERE id = ?`,
    [key],
  );
  return row ? toConnection(row) : null;
}

/**
 * Accepting commits `connection.accepted`; rejecting one that was accepted ends it and commits `connection.removed`.
 * Reviving a rejected invitation while the pair has another live one is a ConflictError.
 */
export async function setConnectionStatus(
  ctx: Ctx,
  id: string,
  status: "accepted" | "rejected",
): Promise<Connection | null> {
  const key = dbId(id);
  if (!key) return null;
  let events = false;
  let updated: Connection | null;
  try {
    updated = await ctx.db.writer.transaction(async (tx) => {
      const [row] = await tx.query<ConnectionRow>(
        `SELECT ${CONNECTION_COLUMNS} FROM connections WHERE id = ? FOR UPDATE`,
        [key],
      );
      if (!row) return null;
      const now = new Date();
      await tx.execute("UPDATE connections SET status = ?, updated_at = ? WHERE id = ?", [status, now, key]);
      const before = toConnection(row);
      const members = [before.senderId, before.receiverId];
      const event = status === "accepted" && before.status !== "accepted"
        ? outboxEvent("connection.accepted", key, members)
        : status !== "accepted" && before.status === "accepted"
        ? outboxEvent("connection.removed", key, members)
        : null;
      if (event) await writeEvents(tx, [event]);
      events = event !== null;
      return { ...before, status, updatedAt: now };
    });
  } catch (err) {
    if (isDuplicate(err, LIVE_PAIR_KEY)) throw pairTaken();
    throw err;
  }
  if (events) ctx.kick();
  return updated;
}

export async function deleteConnection(ctx: Ctx, id: string): Promise<boolean> {
  const key = dbId(id);
  if (!key) return false;
  let accepted = false;
  const deleted = await ctx.db.writer.transaction(async (tx) => {
    const [row] = await tx.query<ConnectionRow>(
      `SELECT ${CONNECTION_COLUMNS} FROM connections WHERE id = ? FOR UPDATE`,
      [key],
    );
    if (!row) return false;
    await tx.execute("DELETE FROM connections WHERE id = ?", [key]);
    accepted = row.status === "accepted";
    if (accepted) {
      await writeEvents(tx, [
        outboxEvent("connection.removed", key, [String(row.sender_id), String(row.receiver_id)]),
      ]);
    }
    return true;
  });
  if (accepted) ctx.kick();
  return deleted;
}

/** Read from the writer, like getConnection: the fan-out that follows `connection.accepted` must see the change. */
export async function listConnectedIds(ctx: Ctx, memberId: string): Promise<string[]> {
  const member = dbId(memberId);
  if (!member) return [];
  // Two index-only range scans (ix_connections_sender, ix_connections_receiver); an OR would scan more.
  const rows = await ctx.db.writer.query<{ id: string }>(
    "SELECT receiver_id AS id FROM connections WHERE sender_id = ? AND status = 'accepted' " +
      "UNION SELECT sender_id AS id FROM connections WHERE receiver_id = ? AND status = 'accepted'",
    [member, member],
  );
  return rows.map((r) => String(r.id));
}

/**
 * Deletes up to `batch` of a member's connections, in either role and any status; an accepted one commits
 * `connection.removed`. Resolves to how many it found (fewer than `batch`: none are left).
 */
export async function purgeMemberConnections(ctx: Ctx, memberId: string, batch: number): Promise<number> {
  const found = await ctx.db.writer.transaction(async (tx) => {
    const rows = await tx.query<ConnectionRow>(
      `SELECT ${CONNECTION_COLUMNS} FROM connections WHERE sender_id = ? LIMIT ? FOR UPDATE`,
      [memberId, limitParam(batch)],
    );
    if (rows.length < batch) {
      rows.push(
        ...await tx.query<ConnectionRow>(
          `SELECT ${CONNECTION_COLUMNS} FROM connections WHERE receiver_id = ? LIMIT ? FOR UPDATE`,
          [memberId, limitParam(batch - rows.length)],
        ),
      );
    }
    const byId = new Map(rows.map((row) => [String(row.id), toConnection(row)]));
    if (byId.size === 0) return 0;
    for (const list of inLists([...byId.keys()])) {
      await tx.execute(`DELETE FROM connections WHERE id IN (${list.placeholders})`, list.params);
    }
    const events: DomainEvent[] = [];
    for (const c of byId.values()) {
      if (c.status === "accepted") events.push(outboxEvent("connection.removed", c.id, [c.senderId, c.receiverId]));
    }
    await writeEvents(tx, events);
    return rows.length;
  });
  if (found > 0) ctx.kick();
  return found;
}

/**
 * Bulk import (see Store): accepted rows, IMPORT_BATCH per transaction, no outbox rows. A pair that already has a
 * pending or accepted row (or comes twice) meets it on the live-pair key and is skipped: ON DUPLICATE KEY UPDATE with
 * a no-op rather than INSERT IGNORE, which would also swallow any other error. NotFoundError for an id that cannot be
 * ours; members are not looked up (the importer made them).
 */
export async function importConnections(
  ctx: Ctx,
  list: { senderId: string; receiverId: string; createdAt: Date }[],
): Promise<void> {
  const rows = list.map((c) => {
    const [sender, receiver] = [dbId(c.senderId), dbId(c.receiverId)];
    if (!sender || !receiver) throw new NotFoundError("member");
    if (sender === receiver) throw new RangeError("importConnections: a member cannot connect to themselves");
    return { sender, receiver, createdAt: c.createdAt };
  });
  await importRows(
    ctx.db,
    "INSERT INTO connections (sender_id, receiver_id, status, message, created_at, updated_at)",
    "(?, ?, 'accepted', '', ?, ?)",
    rows,
    (r, _, out) => out.push(r.sender, r.receiver, r.createdAt, r.createdAt),
    " ON DUPLICATE KEY UPDATE id = id",
  );
}
