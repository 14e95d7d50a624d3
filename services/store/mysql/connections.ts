// Connections on MySQL / MariaDB. The unique key on (pair_lo, pair_hi, active) (see migrations/002) is what allows one
// pending or accepted connection per pair in either direction: racing invitations meet there, and the losers get
// ER_DUP_ENTRY, turned into ConflictError.
import { NotFoundError } from "../../errors.ts";
import { connectionEvents, connectionNotices, pairTaken } from "../../rules/connections.ts";
import { nextUpdatedAt } from "../../rules/time.ts";
import type {
  Connection,
  ConnectionsPage,
  ConnectionsQuery,
  ConnectionStatus,
  IdempotencyCompletion,
  NetworkListing,
  User,
} from "../model.ts";
import type { Executor, Param } from "./pool.ts";
import { addNotifications, deleteAboutConnections } from "./notifications.ts";
import { aliasedUserColumns, userFromAliased } from "./users.ts";
import { holdClaim, recordAnswer } from "./idempotency.ts";
import {
  type Ctx,
  dbId,
  inLists,
  isDuplicate,
  keysetPage,
  limitParam,
  lockMembers,
  OLDER_THAN,
  olderThan,
  outboxEvent,
  pageLimit,
  writeEvents,
} from "./shared.ts";

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

export async function createConnection(
  ctx: Ctx,
  input: { senderId: string; receiverId: string; message: string },
  done?: IdempotencyCompletion<Connection>,
): Promise<Connection> {
  const senderId = dbId(input.senderId);
  const receiverId = dbId(input.receiverId);
  if (!senderId || !receiverId) throw new NotFoundError("member");
  const now = new Date();
  let id: string;
  try {
    id = await ctx.db.writer.transaction(async (tx) => {
      await lockMembers(tx, [senderId, receiverId]);
      await holdClaim(tx, done);
      const { insertId } = await tx.execute(
        "INSERT INTO connections (sender_id, receiver_id, status, message, created_at, updated_at) " +
          "VALUES (?, ?, 'pending', ?, ?, ?)",
        [senderId, receiverId, input.message, now, now],
      );
      const created = pending(insertId, senderId, receiverId, input.message, now);
      await writeChange(tx, null, created, now);
      await recordAnswer(tx, done, created);
      return insertId;
    });
  } catch (err) {
    if (isDuplicate(err, LIVE_PAIR_KEY)) throw pairTaken();
    throw err;
  }
  ctx.kick();
  return pending(id, senderId, receiverId, input.message, now);
}

function pending(id: string, senderId: string, receiverId: string, message: string, now: Date): Connection {
  return { id, senderId, receiverId, status: "pending", message, createdAt: now, updatedAt: new Date(now) };
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
 * The notifications and events a connection's change commits (rules/connections.ts), in the caller's transaction.
 * True when it wrote events.
 */
async function writeChange(tx: Executor, before: Connection | null, after: Connection | null, at: Date) {
  const c = after ?? before!;
  await addNotifications(tx, connectionNotices(before, after, at));
  const events = connectionEvents(before, after).map((type) => outboxEvent(type, c.id, [c.senderId, c.receiverId]));
  await writeEvents(tx, events);
  return events.length > 0;
}

/**
 * Moves a connection to `status` (a no-op when it is there already), with the notifications and events the change
 * commits. Reviving a rejected invitation while the pair has another live one is a ConflictError.
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
      const before = toConnection(row);
      if (before.status === status) return before;
      const after = { ...before, status, updatedAt: nextUpdatedAt(before.updatedAt) };
      await tx.execute("UPDATE connections SET status = ?, updated_at = ? WHERE id = ?", [
        status,
        after.updatedAt,
        key,
      ]);
      events = await writeChange(tx, before, after, new Date());
      return after;
    });
  } catch (err) {
    if (isDuplicate(err, LIVE_PAIR_KEY)) throw pairTaken();
    throw err;
  }
  if (events) ctx.kick();
  return updated;
}

/** Removes the connection and, in the same transaction, every notification about it. */
export async function deleteConnection(ctx: Ctx, id: string): Promise<boolean> {
  const key = dbId(id);
  if (!key) return false;
  let events = false;
  const deleted = await ctx.db.writer.transaction(async (tx) => {
    const [row] = await tx.query<ConnectionRow>(
      `SELECT ${CONNECTION_COLUMNS} FROM connections WHERE id = ? FOR UPDATE`,
      [key],
    );
    if (!row) return false;
    await tx.execute("DELETE FROM connections WHERE id = ?", [key]);
    await deleteAboutConnections(tx, [key]);
    events = await writeChange(tx, toConnection(row), null, new Date());
    return true;
  });
  if (events) ctx.kick();
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

export const LIVE = "status IN ('pending', 'accepted')";

/**
 * A member's connections of one status, newest first. Each direction is a backward range scan of its own index
 * (ix_connections_sender_created, ix_connections_receiver_created: member, status, created_at, id) that stops after a
 * page; with both directions the two pages meet in a UNION ALL and the newest of them are kept. A cursor adds a range
 * on (created_at, id), spelled out (a row comparison is no range on MariaDB), so a deep page costs what the first did.
 * From the writer, like getConnection: accepting and then listing must show the change.
 */
export async function listConnections(ctx: Ctx, memberId: string, query: ConnectionsQuery): Promise<ConnectionsPage> {
  const limit = pageLimit(query.limit, "listConnections");
  const member = dbId(memberId);
  if (!member || (query.status !== "accepted" && query.status !== "pending")) return { items: [], next: null };
  let after = "";
  const afterParams: Param[] = [];
  if (query.after) {
    const older = olderThan(query.after);
    if (!older) return { items: [], next: null };
    after = ` AND ${OLDER_THAN}`;
    afterParams.push(...older);
  }
  const columns = query.direction === "incoming"
    ? ["receiver_id"]
    : query.direction === "outgoing"
    ? ["sender_id"]
    : ["sender_id", "receiver_id"];
  const take = limitParam(limit + 1);
  const params: Param[] = [];
  const branches = columns.map((column) => {
    params.push(member, query.status, ...afterParams, take);
    return `SELECT ${CONNECTION_COLUMNS} FROM connections WHERE ${column} = ? AND status = ?${after} ` +
      "ORDER BY created_at DESC, id DESC LIMIT ?";
  });
  let sql = branches[0];
  if (branches.length > 1) {
    sql = `(${branches.join(") UNION ALL (")}) ORDER BY created_at DESC, id DESC LIMIT ?`;
    params.push(take);
  }
  const rows = await ctx.db.writer.query<ConnectionRow>(sql, params);
  return keysetPage(rows, limit, toConnection);
}

/** The branches of listNetwork: which listing, whose key is the member, and who the other member is. */
const NETWORK_BRANCHES = [
  { list: "received", status: "pending", member: "receiver_id", other: "sender_id" },
  { list: "sent", status: "pending", member: "sender_id", other: "receiver_id" },
  { list: "connections", status: "accepted", member: "sender_id", other: "receiver_id" },
  { list: "connections", status: "accepted", member: "receiver_id", other: "sender_id" },
] as const;

const NETWORK_SQL =
  NETWORK_BRANCHES.map(({ list, member, other }) =>
    `(SELECT '${list}' AS list, ${CONNECTION_COLUMNS.split(", ").map((c) => `c.${c}`).join(", ")}, ` +
    `${aliasedUserColumns("u")} FROM connections c LEFT JOIN users u ON u.id = c.${other} ` +
    `WHERE c.${member} = ? AND c.status = ? ORDER BY c.created_at DESC, c.id DESC LIMIT ?)`
  ).join(" UNION ALL ") + " ORDER BY list, created_at DESC, id DESC";

type NetworkRow = ConnectionRow & { list: "received" | "sent" | "connections"; u_id: string | number | null };

/**
 * The three listings in one statement, with the other members joined: a UNION ALL of what listConnections reads for
 * each (the connections in both directions), limit + 1 rows a branch, each a range of its 002 key.
 */
export async function listNetwork(ctx: Ctx, memberId: string, limit: number): Promise<NetworkListing> {
  pageLimit(limit, "listNetwork");
  const member = dbId(memberId);
  const empty = { items: [], next: null };
  if (!member) return { received: empty, sent: empty, connections: empty, members: [] };
  const take = limitParam(limit + 1);
  const rows = await ctx.db.writer.query<NetworkRow>(
    NETWORK_SQL,
    NETWORK_BRANCHES.flatMap(({ status }) => [member, status, take]),
  );
  const members = new Map<string, User>();
  const listing = (list: NetworkRow["list"]) => {
    const listed = rows.filter((row) => row.list === list);
    // Only the members of what is listed: the extra row of a branch is not.
    for (const row of listed.slice(0, limit)) {
      if (row.u_id !== null) members.set(String(row.u_id), userFromAliased(row as unknown as Record<string, unknown>));
    }
    return keysetPage(listed, limit, toConnection);
  };
  return {
    received: listing("received"),
    sent: listing("sent"),
    connections: listing("connections"),
    members: [...members.values()],
  };
}

/** One lookup of the live-pair key: the pair sorted, active = 1 (pending or accepted). From the writer. */
export async function getConnectionBetween(ctx: Ctx, a: string, b: string): Promise<Connection | null> {
  const [x, y] = [dbId(a), dbId(b)];
  if (!x || !y) return null;
  const [lo, hi] = BigInt(x) < BigInt(y) ? [x, y] : [y, x];
  const [row] = await ctx.db.writer.query<ConnectionRow>(
    `SELECT ${CONNECTION_COLUMNS} FROM connections WHERE pair_lo = ? AND pair_hi = ? AND active = 1`,
    [lo, hi],
  );
  return row ? toConnection(row) : null;
}

/** A range of ix_connections_sender_created (sender, 'pending', created_at >= since), index only. From the writer. */
export async function countPendingSent(ctx: Ctx, senderId: string, since: Date): Promise<number> {
  const sender = dbId(senderId);
  if (!sender) return 0;
  const [row] = await ctx.db.writer.query<{ n: string | number }>(
    "SELECT COUNT(*) AS n FROM connections WHERE sender_id = ? AND status = 'pending' AND created_at >= ?",
    [sender, since],
  );
  return Number(row?.n ?? 0);
}

/** A member's accepted connections (the other member's id), as a derived table: two index-only ref reads. */
export const CONNECTED_TO = "SELECT receiver_id AS id FROM connections WHERE sender_id = ? AND status = 'accepted' " +
  "UNION ALL SELECT sender_id FROM connections WHERE receiver_id = ? AND status = 'accepted'";

/**
 * Both members' accepted connections, joined: four index-only ref reads of the 002 keys and a join of the two
 * (materialised) lists, so the cost is the two members' connection counts. UNION ALL is exact: the live-pair key
 * allows one accepted connection per pair.
 */
export const MUTUAL_SQL = `SELECT COUNT(*) AS n FROM (${CONNECTED_TO}) x JOIN (${CONNECTED_TO}) y ON y.id = x.id`;

export async function countMutualConnections(ctx: Ctx, a: string, b: string): Promise<number> {
  const [x, y] = [dbId(a), dbId(b)];
  if (!x || !y) return 0;
  const [row] = await ctx.db.reader.query<{ n: string | number }>(
    MUTUAL_SQL,
    [x, x, y, y],
  );
  return Number(row?.n ?? 0);
}

/**
 * Deletes up to `batch` of a member's connections, in either role and any status, with the notifications about them;
 * an accepted one commits `connection.removed`. Resolves to how many it found (fewer than `batch`: none are left).
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
    await deleteAboutConnections(tx, [...byId.keys()]);
    for (const c of byId.values()) await writeChange(tx, c, null, new Date());
    return rows.length;
  });
  if (found > 0) ctx.kick();
  return found;
}
