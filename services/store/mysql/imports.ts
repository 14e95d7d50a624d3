// Bulk import on MySQL / MariaDB: multi-row INSERTs, IMPORT_BATCH rows per transaction, without outbox rows. Users and
// posts take explicit consecutive ids (insertWithIds), so an importer learns them without reading back.
import { NotFoundError } from "../../errors.ts";
import { checkImportedPair } from "../../rules/connections.ts";
import { newUserRecord } from "../records.ts";
import type { NewPost, NewUser, TimelineEntry } from "../model.ts";
import type { Database, Executor, Param } from "./pool.ts";
import { type Ctx, dbId, isDuplicate, rowChunks } from "./shared.ts";
import { EMAIL_KEY, emailTaken, NEW_USER_COLUMNS, newUserValues } from "./users.ts";

/** Rows one import transaction writes (as multi-row INSERTs of the ROW_CHUNKS sizes): one commit per this many. */
const IMPORT_BATCH = 4_096;
/** Times a batch runs again after a normal insert took an id in its range first. */
const IMPORT_TRIES = 5;
const IMPORT_LOCK_WAIT_SECONDS = 60;

/** Runs `fn` holding a named lock scoped to the database and `name`, on a connection of its own. */
async function withNamedLock<T>(db: Database, name: string, fn: () => Promise<T>): Promise<T> {
  const lock = "LEFT(CONCAT('prok.', DATABASE(), '.', ?), 64)";
  return await db.writer.session(async (conn) => {
    const [row] = await conn.query<{ got: unknown }>(`SELECT GET_LOCK(${lock}, ?) AS got`, [
      name,
      IMPORT_LOCK_WAIT_SECONDS,
    ]);
    if (Number(row?.got) !== 1) throw new Error(`Another import held the lock "${name}" for too long; try again.`);
    try {
      return await fn();
    } finally {
      // A dropped connection releases the lock by itself, so a failure here must not hide the real error.
      await conn.query(`SELECT RELEASE_LOCK(${lock}) AS released`, [name]).catch(() => {});
    }
  });
}

/** Inserts `rows` in one transaction, as multi-row INSERTs of the ROW_CHUNKS sizes: `VALUES ${tuple}, ...${tail}`. */
async function insertRows<T>(
  tx: Executor,
  head: string,
  tuple: string,
  rows: readonly T[],
  params: (row: T, index: number, out: Param[]) => void,
  tail = "",
): Promise<void> {
  let index = 0;
  for (const chunk of rowChunks(rows)) {
    const values: Param[] = [];
    for (const row of chunk) params(row, index++, values);
    await tx.execute(`${head} VALUES ${chunk.map(() => tuple).join(", ")}${tail}`, values);
  }
}

/** `insertRows` for bulk imports: IMPORT_BATCH rows per transaction, so a failure rolls back one batch only. */
async function importRows<T>(
  db: Database,
  head: string,
  tuple: string,
  rows: readonly T[],
  params: (row: T, index: number, out: Param[]) => void,
  tail = "",
): Promise<void> {
  for (let start = 0; start < rows.length; start += IMPORT_BATCH) {
    await db.writer.transaction((tx) =>
      insertRows(tx, head, tuple, rows.slice(start, start + IMPORT_BATCH), params, tail)
    );
  }
}

/**
 * Inserts new rows of `table` under explicit, consecutive ids and resolves to the ids in input order: IMPORT_BATCH
 * rows per transaction, numbered from above both the highest id and the AUTO_INCREMENT counter (so no id a deleted
 * row had comes back; the counter moves past the batch by itself; MySQL 8 may report a cached counter, and then the
 * highest id is what counts). Importers of one table take turns under a named
 * lock. A normal insert racing a batch may take an id in its range first; the batch then fails on the primary key,
 * rolls back whole and runs again above it. `head` names the columns with `id` first; `params` adds a row's values
 * after its id.
 */
async function insertWithIds<T>(
  db: Database,
  table: "users" | "posts",
  head: string,
  tuple: string,
  rows: readonly T[],
  params: (row: T, out: Param[]) => void,
): Promise<string[]> {
  const ids: string[] = new Array(rows.length);
  if (rows.length === 0) return ids;
  await withNamedLock(db, `import.${table}`, async () => {
    for (let start = 0; start < rows.length; start += IMPORT_BATCH) {
      const batch = rows.slice(start, start + IMPORT_BATCH);
      for (let attempt = 1;; attempt++) {
        try {
          const first = await db.writer.transaction(async (tx) => {
            const [row] = await tx.query<{ next: string | number }>(
              `SELECT GREATEST(COALESCE((SELECT MAX(id) FROM ${table}), 0) + 1, COALESCE((SELECT AUTO_INCREMENT ` +
                "FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?), 1)) AS next",
              [table],
            );
            const first = BigInt(row.next);
            await insertRows(tx, head, tuple, batch, (r, i, out) => {
              out.push(String(first + BigInt(i)));
              params(r, out);
            });
            return first;
          });
          for (let i = 0; i < batch.length; i++) ids[start + i] = String(first + BigInt(i));
          break;
        } catch (err) {
          if (attempt < IMPORT_TRIES && isDuplicate(err) && /for key '(?:\w+\.)?PRIMARY'/.test(String(err))) continue;
          throw err;
        }
      }
    }
  });
  return ids;
}

/**
 * Bulk import (see Store): explicit consecutive ids, IMPORT_BATCH rows per transaction, no outbox rows. ConflictError
 * when an email is taken, by a member or twice in the input; the batch that hit it is rolled back, earlier ones stay.
 */
export async function importUsers(ctx: Ctx, users: (NewUser & { createdAt: Date })[]): Promise<string[]> {
  try {
    return await insertWithIds(
      ctx.db,
      "users",
      `INSERT INTO users (id, ${NEW_USER_COLUMNS})`,
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      users.map((input) => newUserRecord(input, input.createdAt)),
      (u, out) => newUserValues(u, out),
    );
  } catch (err) {
    if (isDuplicate(err, EMAIL_KEY)) throw emailTaken();
    throw err;
  }
}

/**
 * Bulk import (see Store): explicit consecutive ids, IMPORT_BATCH rows per transaction, no outbox rows; updatedAt is
 * createdAt. NotFoundError for an author id that cannot be ours; authors are not looked up (the importer made them).
 */
export async function importPosts(ctx: Ctx, input: (NewPost & { createdAt: Date })[]): Promise<string[]> {
  const authors = input.map((p) => dbId(p.authorId));
  if (authors.some((a) => a === null)) throw new NotFoundError("member");
  return await insertWithIds(
    ctx.db,
    "posts",
    "INSERT INTO posts (id, author_id, content, media_url, created_at, updated_at)",
    "(?, ?, ?, ?, ?, ?)",
    input.map((p, i) => ({ ...p, authorId: authors[i]! })),
    (p, out) => out.push(p.authorId, p.content, p.mediaUrl ?? null, p.createdAt, p.createdAt),
  );
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
    checkImportedPair(sender, receiver);
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

/**
 * Bulk import (see Store): IMPORT_BATCH rows per transaction; an entry that is there already is left alone (the same
 * no-op update as addToTimelines), one naming an id that cannot be ours skipped.
 */
export async function importTimeline(ctx: Ctx, entries: (TimelineEntry & { memberId: string })[]): Promise<void> {
  const rows = entries.flatMap((e) => {
    const [member, post, author] = [dbId(e.memberId), dbId(e.postId), dbId(e.authorId)];
    return member && post && author ? [{ member, post, author, createdAt: e.createdAt }] : [];
  });
  await importRows(
    ctx.db,
    "INSERT INTO timeline (member_id, created_at, post_id, author_id)",
    "(?, ?, ?, ?)",
    rows,
    (r, _, out) => out.push(r.member, r.createdAt, r.post, r.author),
    " ON DUPLICATE KEY UPDATE author_id = author_id",
  );
}
