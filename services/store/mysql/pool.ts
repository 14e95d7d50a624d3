// The one module through which all MySQL / MariaDB access goes. Queries name their role on purpose: `db.reader` for
// reads that may lag, `db.writer` for writes and for reads that must see the latest write. Today both roles are the
// primary pool; routing reads to regional replicas later changes this module only.
import mysql from "mysql2/promise";
import type { Pool, PoolConnection, PoolOptions, ResultSetHeader } from "mysql2/promise";

/** A value bound to a `?` placeholder. */
export type Param = string | number | bigint | boolean | Date | null;

export interface WriteResult {
  /** Rows the statement matched (mysql2's FOUND_ROWS default), even when a value did not change. */
  affectedRows: number;
  /** The AUTO_INCREMENT id the statement generated, as a string ("0" when none). */
  insertId: string;
}

/** Runs statements. With params they are server-side prepared; without, they go as plain text (DDL, locks). */
export interface Executor {
  /** A statement that returns rows. */
  query<T>(sql: string, params?: readonly Param[]): Promise<T[]>;
  /** A statement that changes rows. */
  execute(sql: string, params?: readonly Param[]): Promise<WriteResult>;
}

export interface Db extends Executor {
  /** Runs `fn` in one transaction, committed when it resolves; retried whole on a deadlock, so `fn` must only use `tx`. */
  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T>;
  /** Runs `fn` on one dedicated connection, for session state such as GET_LOCK. */
  session<T>(fn: (conn: Executor) => Promise<T>): Promise<T>;
}

export interface Database {
  /**
   * Statements sent through `reader` and `writer` since the pools opened, transaction control included (QUALITY.md
   * counts them per page); `maintenance` is not counted here.
   */
  readonly statements: number;
  /** Reads that may be slightly behind the latest write. */
  readonly reader: Db;
  /** Writes, and reads that must see the latest write. */
  readonly writer: Db;
  /** The writer, for work on a timer that no request waits for (the outbox relay, purges): not in `statements`. */
  readonly maintenance: Db;
  /** Answers when every pool answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const ER_DUP_ENTRY = 1062;
const ER_LOCK_DEADLOCK = 1213;
const DEADLOCK_TRIES = 3;

/** The collation of the connection and of every table's text; present on MySQL 8 and MariaDB alike. */
export const COLLATION = "utf8mb4_unicode_ci";

// Pinned per connection so behaviour does not depend on the server's configuration: strict mode turns overlong or
// invalid values into errors instead of silent truncation, and leaving out NO_BACKSLASH_ESCAPES keeps text-protocol
// escaping sound. Session time zone UTC matches `timezone: "Z"`.
const SESSION_SETUP = `SET NAMES utf8mb4 COLLATE ${COLLATION}, time_zone = '+00:00', sql_mode = ` +
  `'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,` +
  `ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'`;

/** The mysql2 error number of a failed statement, if it is one. */
export function errno(err: unknown): number | undefined {
  const n = (err as { errno?: unknown } | null)?.errno;
  return typeof n === "number" ? n : undefined;
}

/** Prepared statements each connection keeps open (mysql2 closes the least recently used beyond this). */
export const PREPARED_PER_CONNECTION = 512;

/** Pool options from a `mysql://` or `mariadb://` URL; `?connectionLimit=N` and `?ssl=true` are understood. */
function poolOptions(databaseUrl: string): PoolOptions {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error("DATABASE_URL is not a URL; expected mysql://user:password@host:3306/database");
  }
  if (url.protocol !== "mysql:" && url.protocol !== "mariadb:") {
    throw new Error(`DATABASE_URL has scheme "${url.protocol}"; expected mysql:// or mariadb://`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!database) throw new Error("DATABASE_URL names no database; add it as the path, e.g. mysql://root@host/prok");
  const limit = url.searchParams.get("connectionLimit");
  const ssl = url.searchParams.get("ssl");
  return {
    host: url.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username) || undefined,
    password: decodeURIComponent(url.password) || undefined,
    database,
    charset: COLLATION.toUpperCase(),
    timezone: "Z",
    dateStrings: false,
    supportBigNumbers: true,
    bigNumberStrings: true,
    namedPlaceholders: false,
    decimalNumbers: false,
    connectionLimit: limit && /^\d+$/.test(limit) ? Number(limit) : 10,
    // mysql2 keeps each connection's prepared statements in an LRU that sets aside room for all of them up front
    // (16,000 by default: half a megabyte a connection). The adapters send a few hundred distinct statements, so the
    // rarest ones are closed and prepared again rather than the room held for ever, here and on the server.
    maxPreparedStatements: PREPARED_PER_CONNECTION,
    // mysql2 captures a stack trace at every call, to give a failed statement its caller's frames: about 2 % of the
    // app's time on /feed, and garbage besides. A failure still says what failed (its code, message and SQL), and the
    // request it failed is logged with it.
    trace: false,
    waitForConnections: true,
    enableKeepAlive: true,
    ...(ssl === "true" || ssl === "required" ? { ssl: {} } : {}),
  };
}

type Conn = Pick<PoolConnection, "query" | "execute"> | Pick<Pool, "query" | "execute">;

/** Counts what the pools send. */
interface Tally {
  statements: number;
}

/**
 * Statements on `conn`. `autocommit`: each statement is a transaction of its own, so one that loses a deadlock was
 * rolled back whole and is sent again (a statement inside a transaction is not: the transaction is retried instead).
 */
function executor(conn: Conn, tally: Tally, autocommit = false): Executor {
  async function send(sql: string, params?: readonly Param[]) {
    for (let attempt = 1;; attempt++) {
      tally.statements++;
      try {
        const [result] = params?.length ? await conn.execute(sql, params as Param[]) : await conn.query(sql);
        return result;
      } catch (err) {
        if (!autocommit || errno(err) !== ER_LOCK_DEADLOCK || attempt >= DEADLOCK_TRIES) throw err;
      }
    }
  }
  return {
    async query<T>(sql: string, params?: readonly Param[]): Promise<T[]> {
      return await send(sql, params) as T[];
    },
    async execute(sql: string, params?: readonly Param[]): Promise<WriteResult> {
      const header = await send(sql, params) as ResultSetHeader;
      return { affectedRows: header.affectedRows, insertId: String(header.insertId ?? 0) };
    },
  };
}

function poolDb(pool: Pool, tally: Tally): Db {
  const direct = executor(pool, tally, true);
  return {
    query: direct.query,
    execute: direct.execute,
    async transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
      for (let attempt = 1;; attempt++) {
        const conn = await pool.getConnection();
        let healthy = true;
        try {
          tally.statements += 2; // BEGIN and COMMIT (or ROLLBACK)
          await conn.beginTransaction();
          const result = await fn(executor(conn, tally));
          await conn.commit();
          return result;
        } catch (err) {
          try {
            await conn.rollback();
          } catch {
            healthy = false;
          }
          // A deadlock victim's transaction is already rolled back whole, so running it again is safe.
          if (errno(err) === ER_LOCK_DEADLOCK && attempt < DEADLOCK_TRIES) continue;
          throw err;
        } finally {
          if (healthy) conn.release();
          else conn.destroy();
        }
      }
    },
    async session<T>(fn: (conn: Executor) => Promise<T>): Promise<T> {
      const conn = await pool.getConnection();
      try {
        return await fn(executor(conn, tally));
      } finally {
        conn.release();
      }
    },
  };
}

/** Opens the pools for a `mysql://` or `mariadb://` URL. Nothing connects until the first statement. */
export function openDatabase(databaseUrl: string): Database {
  const pool = mysql.createPool(poolOptions(databaseUrl));
  pool.pool.on("connection", (conn) => {
    // Queued before any statement of the caller that asked for this connection.
    conn.query(SESSION_SETUP, (err: unknown) => {
      if (err) conn.destroy();
    });
  });
  const tally: Tally = { statements: 0 };
  const primary = poolDb(pool, tally);
  const maintenance = poolDb(pool, { statements: 0 });
  let closed: Promise<void> | undefined;
  return {
    get statements() {
      return tally.statements;
    },
    reader: primary,
    writer: primary,
    maintenance,
    async ping() {
      await primary.query("SELECT 1");
    },
    close() {
      closed ??= pool.end();
      return closed;
    },
  };
}
