// What every part of the MySQL adapter shares: id parsing, the outbox, and statement shapes that stay few.
import { NotFoundError } from "../../errors.ts";
import { nextUpdatedAt } from "../../rules/time.ts";
import { dueAt, newEvent } from "../events.ts";
import type { DomainEvent, Position } from "../model.ts";
import { type Database, ER_DUP_ENTRY, errno, type Executor, type Param } from "./pool.ts";

/** What the adapter's parts (posts.ts, timelines.ts, connections.ts) get from the store. */
export interface Ctx {
  readonly db: Database;
  /** Wakes this instance's queue listener; call it after a commit that wrote events. */
  kick(): void;
}

const MAX_ID = 18446744073709551615n;

/** The numeric form of an id, or null for text that cannot be one of ours ("missing", "", "1e3", too large). */
export function dbId(id: string): string | null {
  if (typeof id !== "string" || !/^[1-9][0-9]{0,19}$/.test(id) || BigInt(id) > MAX_ID) return null;
  return id;
}

/** The ids among `ids` that can be ours, each once, in their first order. */
export function dbIds(ids: readonly string[]): string[] {
  const out = new Set<string>();
  for (const id of ids) {
    const key = dbId(id);
    if (key) out.add(key);
  }
  return [...out];
}

export function isDuplicate(err: unknown, key?: string): boolean {
  return errno(err) === ER_DUP_ENTRY && (key === undefined || String((err as Error).message).includes(key));
}

/** A LIMIT bound as text: MySQL 8 rejects a DOUBLE there, and mysql2 sends JS numbers as DOUBLE. */
export function limitParam(n: number): string {
  return String(n);
}

/** A LIKE pattern (with `ESCAPE '!'`) that finds `text` anywhere: `%`, `_` and `!` are literal in it. */
export function likePattern(text: string): string {
  return `%${text.replace(/[!%_]/g, "!$&")}%`;
}

/** `DATE_ADD(NOW(3), …)` by `micros(ms)`: leases and waits run on the database's clock, the one every instance shares. */
export const LATER = "DATE_ADD(NOW(3), INTERVAL ? MICROSECOND)";

/** The parameter of LATER for `ms` milliseconds. */
export function micros(ms: number): string {
  return String(Math.max(0, Math.round(ms)) * 1000);
}

/** Checks a page size the way every listing does. */
export function pageLimit(limit: number, what: string): number {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`${what} limit must be a positive integer, got ${limit}`);
  }
  return limit;
}

/**
 * The rows older than a keyset position, newest first: how every listing pages, never with OFFSET. Spelled out rather
 * than the row comparison `(created_at, id) < (?, ?)`, which MariaDB does not turn into a range scan, so a deep page
 * would cost more than the first. Its parameters come from `olderThan`.
 */
export const OLDER_THAN = "(created_at < ? OR (created_at = ? AND id < ?))";

/** The parameters of OLDER_THAN for `after`, or null when it cannot be a position of ours (nothing is older). */
export function olderThan(after: Position): [Date, Date, string] | null {
  const id = dbId(after.id);
  if (!id || !Number.isFinite(after.createdAt)) return null;
  const at = new Date(after.createdAt);
  return [at, at, id];
}

/** A page from the `limit` + 1 rows a listing read: `limit` items, and the position after the last when more follow. */
export function keysetPage<R, T extends { createdAt: Date; id: string }>(
  rows: readonly R[],
  limit: number,
  toItem: (row: R) => T,
): { items: T[]; next: Position | null } {
  const items = rows.slice(0, limit).map(toItem);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last ? { createdAt: last.createdAt.getTime(), id: last.id } : null };
}

/**
 * The page after `after` of `SELECT … FROM …` (`select`) rows matching every `where`, newest first: one statement,
 * `limit` + 1 rows. A position that cannot be ours is an empty page.
 */
export async function newestPage<R, T extends { createdAt: Date; id: string }>(
  ctx: Ctx,
  select: string,
  filter: { where: string[]; params: Param[] },
  after: Position | undefined,
  limit: number,
  toItem: (row: R) => T,
): Promise<{ items: T[]; next: Position | null }> {
  const where = [...filter.where];
  const params = [...filter.params];
  if (after) {
    const older = olderThan(after);
    if (!older) return { items: [], next: null };
    where.push(OLDER_THAN);
    params.push(...older);
  }
  params.push(limitParam(limit + 1));
  const rows = await ctx.db.reader.query<R>(
    `${select} ${where.length ? `WHERE ${where.join(" AND ")} ` : ""}ORDER BY created_at DESC, id DESC LIMIT ?`,
    params,
  );
  return keysetPage(rows, limit, toItem);
}

/** An event for the outbox, with the members a worker needs when the record may be gone by then. */
export function outboxEvent(type: DomainEvent["type"], id: string, members?: string[]): DomainEvent {
  return newEvent(type, id, new Date(), members);
}

// Every distinct statement text is a server-side prepared statement on each pooled connection (mysql2 caches up to
// 16,000 per connection; the server allows 16,382 in all by default). Lists of values therefore go in a few fixed
// sizes only: IN lists are padded to a power of two (a repeated id changes nothing), multi-row INSERTs are cut into
// chunks of the sizes below.
const IN_LIST_MAX = 512;
const ROW_CHUNKS = [256, 64, 16, 4, 1];

/** Splits `values` into IN lists of at most 512, each padded to a power of two with its last value. */
export function inLists(values: readonly string[]): { placeholders: string; params: string[] }[] {
  const out: { placeholders: string; params: string[] }[] = [];
  for (let i = 0; i < values.length; i += IN_LIST_MAX) {
    const params = values.slice(i, i + IN_LIST_MAX);
    let size = 1;
    while (size < params.length) size *= 2;
    while (params.length < size) params.push(params[params.length - 1]);
    out.push({ placeholders: params.map(() => "?").join(", "), params });
  }
  return out;
}

/**
 * The records among `ids` that exist, in the order of `ids` (missing ones skipped): `select` (`SELECT <columns> FROM
 * <table>`) on the reader, by primary key, in IN lists of the few sizes `inLists` makes.
 */
export async function recordsByIds<R extends { id: string | number }, T>(
  ctx: Ctx,
  select: string,
  ids: readonly string[],
  toRecord: (row: R) => T,
): Promise<T[]> {
  const found = new Map<string, T>();
  for (const list of inLists(dbIds(ids))) {
    const rows = await ctx.db.reader.query<R>(`${select} WHERE id IN (${list.placeholders})`, list.params);
    for (const row of rows) found.set(String(row.id), toRecord(row));
  }
  return ids.flatMap((id) => found.get(id) ?? []);
}

/** Splits rows into chunks whose sizes come from a fixed short list, biggest first. */
export function rowChunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  while (i < rows.length) {
    const size = ROW_CHUNKS.find((s) => s <= rows.length - i)!;
    out.push(rows.slice(i, i + size));
    i += size;
  }
  return out;
}

/** Commits events in the caller's transaction: each an outbox row, due when its type says (events.ts). */
export async function writeEvents(tx: Executor, events: readonly DomainEvent[]): Promise<void> {
  for (const chunk of rowChunks(events)) {
    const params: Param[] = [];
    for (const event of chunk) params.push(JSON.stringify(event), new Date(event.at), dueAt(event));
    await tx.execute(
      `INSERT INTO outbox (event, created_at, due_at) VALUES ${chunk.map(() => "(?, ?, ?)").join(", ")}`,
      params,
    );
  }
}

/**
 * Share-locks the members a new record joins, in the caller's transaction; NotFoundError("member") unless all exist. A
 * racing deleteUser waits for this commit, so the purge that follows it sees the record; if the deletion committed
 * first, the member is gone here.
 */
export async function lockMembers(tx: Executor, ids: readonly string[]): Promise<void> {
  const found = await tx.query<{ id: string }>(
    `SELECT id FROM users WHERE id IN (${ids.map(() => "?").join(", ")}) LOCK IN SHARE MODE`,
    [...ids],
  );
  if (found.length < new Set(ids).size) throw new NotFoundError("member");
}

/**
 * Sets `changes` (column, value) on one row with its event in one transaction. The row is read and locked first:
 * updated_at moves on from its own value (rules/time.ts), and the answer is the row as written, so no read follows.
 * Null when there is no such row.
 */
export async function updateRow<R extends { updated_at: Date }, T>(
  ctx: Ctx,
  update: { table: string; columns: string; event: DomainEvent["type"]; toRecord: (row: R) => T },
  key: string,
  changes: [column: string, value: Param][],
  /** More writes of the same transaction, given the row before the update. */
  also?: (tx: Executor, before: R) => Promise<void>,
): Promise<T | null> {
  const updated = await ctx.db.writer.transaction(async (tx) => {
    const [row] = await tx.query<R>(`SELECT ${update.columns} FROM ${update.table} WHERE id = ? FOR UPDATE`, [key]);
    if (!row) return null;
    await also?.(tx, row);
    const next: R = { ...row, ...Object.fromEntries(changes), updated_at: nextUpdatedAt(row.updated_at) };
    const sets = [...changes.map(([column]) => `${column} = ?`), "updated_at = ?"];
    await tx.execute(`UPDATE ${update.table} SET ${sets.join(", ")} WHERE id = ?`, [
      ...changes.map(([, value]) => value),
      next.updated_at,
      key,
    ]);
    await writeEvents(tx, [outboxEvent(update.event, key)]);
    return update.toRecord(next);
  });
  if (updated) ctx.kick();
  return updated;
}

/** Rows one bounded DELETE removes; a large removal is a series of these, each its own short transaction. */
export const DELETE_BATCH = 5_000;

/**
 * Runs `DELETE ... LIMIT ?` (or an `UPDATE` whose WHERE no longer matches a row it changed) until it affects fewer
 * than a batch; resolves to the rows affected.
 */
export async function deleteInBatches(db: Executor, sql: string, params: readonly Param[]): Promise<number> {
  let total = 0;
  for (;;) {
    const { affectedRows } = await db.execute(`${sql} LIMIT ?`, [...params, limitParam(DELETE_BATCH)]);
    total += affectedRows;
    if (affectedRows < DELETE_BATCH) return total;
  }
}
