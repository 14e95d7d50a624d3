// The one module through which all MySQL / MariaDB access goes. Queries name their role on purpose: `db.reader` for
// reads that may lag, `db.writer` for writes and for reads that must see the latest write. Without read replicas both
// roles are the primary pool. With them (replicas.ts), a reader query goes to a healthy replica unless the request or
// job in progress must read the primary (services/store/reads.ts); a reader's writes, transactions and sessions always
// go to the primary.
//
// A database that is down or stalled must not hang requests or answer 500: waiting for a connection and each statement
// have time limits, and every connection-level failure (refused, lost, timed out, too many connections) is thrown as
// UnavailableError, which the app answers with 503 and retry-after.
import mysql from "mysql2/promise";
import type { Pool, PoolConnection, PoolOptions, ResultSetHeader } from "mysql2/promise";
import { UnavailableError } from "../../errors.ts";
import { redact } from "../../config.ts";
import { currentReads } from "../reads.ts";
import { RECORD_WRITE_SQL, type ReplicaOptions, Replicas } from "./replicas.ts";
import type { PoolUsage } from "../store.ts";

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
  /** Whether read replicas are configured (DATABASE_READ_URLS). */
  readonly replicated: boolean;
  /** Answers when the primary answers: a replica that is down only sends its reads to the primary. */
  ping(): Promise<void>;
  /** The primary's pool and each replica's, as they are now (the telemetry gauges). */
  pools(): PoolUsage[];
  close(): Promise<void>;
}

export const ER_DUP_ENTRY = 1062;
const ER_LOCK_DEADLOCK = 1213;
/**
 * Runs of a transaction chosen as a deadlock victim. Writers crowding one conversation or pair can deadlock again
 * on a retry, so each waits a random, growing pause first (under 10 ms, then 20, 40…) to fall out of step.
 */
const DEADLOCK_TRIES = 6;
const DEADLOCK_PAUSE_MS = 10;

function deadlockPause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * DEADLOCK_PAUSE_MS * 2 ** (attempt - 1)));
}

/** The collation of the connection and of every table's text; present on MySQL 8 and MariaDB alike. */
export const COLLATION = "utf8mb4_unicode_ci";

// Pinned per connection so behaviour does not depend on the server's configuration: strict mode turns overlong or
// invalid values into errors instead of silent truncation, and leaving out NO_BACKSLASH_ESCAPES keeps text-protocol
// escaping sound. Session time zone UTC matches `timezone: "Z"`.
const SESSION_SETUP = `SET NAMES utf8mb4 COLLATE ${COLLATION}, time_zone = '+00:00', sql_mode = ` +
  `'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,` +
  `ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'`;

/** How long a request waits for a pooled connection, and for each statement's answer, unless the URL says otherwise. */
export const ACQUIRE_TIMEOUT_MS = 5_000;
export const STATEMENT_TIMEOUT_MS = 5_000;
/** The outbox relay and purges: no request waits for them, but a stalled server must not wedge them for ever. */
const MAINTENANCE_TIMEOUT_MS = 60_000;

// Failures of the connection rather than of the statement: the server is down, restarting, unreachable, full or
// silent. Anything else (a duplicate key, a syntax error) is the statement's own and stays as it is.
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR",
  "PROTOCOL_ENQUEUE_AFTER_QUIT",
  "POOL_ACQUIRE_TIMEOUT",
  "STATEMENT_TIMEOUT",
]);
const CONNECTION_ERRNOS = new Set([
  1040, // ER_CON_COUNT_ERROR: too many connections
  1053, // ER_SERVER_SHUTDOWN
  1203, // ER_TOO_MANY_USER_CONNECTIONS
  1927, // ER_CONNECTION_KILLED (MariaDB)
  2002, // CR_CONNECTION_ERROR
  2003, // CR_CONN_HOST_ERROR
  2006, // CR_SERVER_GONE_ERROR
  2013, // CR_SERVER_LOST
]);

/** Whether `err` says the server cannot be reached or answered in time (as opposed to refusing one statement). */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof UnavailableError) return true;
  const e = err as { code?: unknown; fatal?: unknown; message?: unknown } | null;
  if (!e || typeof e !== "object") return false;
  if (typeof e.code === "string" && CONNECTION_CODES.has(e.code)) return true;
  const n = errno(err);
  if (n !== undefined && CONNECTION_ERRNOS.has(n)) return true;
  // mysql2 marks an error that ended the connection as fatal; a closed pool or connection has only its message.
  if (e.fatal === true) return true;
  return typeof e.message === "string" && /^Pool is closed|connection is in closed state/.test(e.message);
}

/** `err` as the app should see it: UnavailableError for a connection-level failure, else unchanged. */
export function classify(err: unknown): unknown {
  if (err instanceof UnavailableError || !isConnectionError(err)) return err;
  return new UnavailableError("database", { cause: err });
}

/** The mysql2 error number of a failed statement, if it is one. */
export function errno(err: unknown): number | undefined {
  const n = (err as { errno?: unknown } | null)?.errno;
  return typeof n === "number" ? n : undefined;
}

/** Prepared statements each connection keeps open (mysql2 closes the least recently used beyond this). */
export const PREPARED_PER_CONNECTION = 512;

/** Time limits of a pool, in milliseconds. */
interface Limits {
  acquire: number;
  statement: number;
}

function millis(url: URL, name: string, fallback: number, variable: string): number {
  const value = url.searchParams.get(name);
  if (value === null) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new Error(`${variable} has ${name}=${value}; expected a whole number of milliseconds`);
  }
  return Number(value);
}

/**
 * Pool options from a `mysql://` or `mariadb://` URL; `?connectionLimit=N`, `?ssl=true`, and the time limits
 * `?acquireTimeout=ms` and `?statementTimeout=ms` (5,000 each by default) are understood.
 */
function poolOptions(databaseUrl: string, variable = "DATABASE_URL"): PoolOptions & { limits: Limits } {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error(`${variable} is not a URL; expected mysql://user:password@host:3306/database`);
  }
  if (url.protocol !== "mysql:" && url.protocol !== "mariadb:") {
    throw new Error(`${variable} has scheme "${url.protocol}"; expected mysql:// or mariadb://`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!database) throw new Error(`${variable} names no database; add it as the path, e.g. mysql://root@host/prok`);
  const limits: Limits = {
    acquire: millis(url, "acquireTimeout", ACQUIRE_TIMEOUT_MS, variable),
    statement: millis(url, "statementTimeout", STATEMENT_TIMEOUT_MS, variable),
  };
  const limit = url.searchParams.get("connectionLimit");
  const ssl = url.searchParams.get("ssl");
  return {
    limits,
    // A new connection that gets no handshake in time fails instead of waiting on a stalled server.
    connectTimeout: limits.acquire,
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

/** Counts what the pools send. */
interface Tally {
  statements: number;
}

/**
 * A connection from the pool within `ms`. One that comes later is handed back at once: the caller has moved on.
 * (mysql2's pool has no acquire timeout of its own; a stalled server would keep requests queued for ever.)
 */
async function acquire(pool: Pool, ms: number): Promise<PoolConnection> {
  const pending = pool.getConnection();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      pending.then((conn) => conn.release(), () => {});
      reject(Object.assign(new Error(`no database connection within ${ms} ms`), { code: "POOL_ACQUIRE_TIMEOUT" }));
    }, ms);
  });
  try {
    return await Promise.race([pending, timeout]);
  } catch (err) {
    throw classify(err);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `running` within `ms`, else the connection is ended (which fails the statement) and a timeout thrown. Timed here
 * rather than with mysql2's per-query `timeout`, which starts only once the command runs: a statement queued behind
 * a stalled prepare or session setup would wait for ever.
 */
async function deadline<T>(running: Promise<T>, ms: number, conn: PoolConnection): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      running.catch(() => {});
      conn.destroy();
      reject(Object.assign(new Error(`the database did not answer within ${ms} ms`), { code: "STATEMENT_TIMEOUT" }));
    }, ms);
  });
  try {
    return await Promise.race([running, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Statements on `conn`, each given `timeout` ms (none when 0). `autocommit`: each statement is a transaction of its
 * own, so one that loses a deadlock was rolled back whole and is sent again (a statement inside a transaction is not:
 * the transaction is retried instead). Connection-level failures are thrown as UnavailableError.
 */
function executor(conn: PoolConnection, tally: Tally, timeout: number, autocommit = false): Executor {
  async function send(sql: string, params?: readonly Param[]) {
    for (let attempt = 1;; attempt++) {
      tally.statements++;
      try {
        const running = params?.length ? conn.execute(sql, params as Param[]) : conn.query(sql);
        const [result] = timeout ? await deadline(running, timeout, conn) : await running;
        return result;
      } catch (err) {
        if (!autocommit || errno(err) !== ER_LOCK_DEADLOCK || attempt >= DEADLOCK_TRIES) throw classify(err);
      }
      await deadlockPause(attempt);
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

/**
 * Gives `conn` back to the pool, or ends it when it failed at the connection level: a statement that timed out is
 * still running there (its answer would reach the next caller), and a lost connection is of no use to anyone.
 */
function giveBack(conn: PoolConnection, failure: unknown): void {
  if (failure instanceof UnavailableError) conn.destroy();
  else conn.release();
}

/**
 * The roles' statements on `pool`. `timeout` bounds each statement of `query`, `execute` and `transaction`; a
 * `session` (locks, migrations, imports) may legitimately wait longer and has only the acquire limit. `committed`
 * runs after each `execute` and `transaction` that succeeded.
 */
function poolDb(pool: Pool, tally: Tally, limits: Limits, committed?: () => void): Db {
  async function direct<T>(fn: (ex: Executor) => Promise<T>): Promise<T> {
    const conn = await acquire(pool, limits.acquire);
    let failure: unknown;
    try {
      return await fn(executor(conn, tally, limits.statement, true));
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      giveBack(conn, failure);
    }
  }
  return {
    query: <T>(sql: string, params?: readonly Param[]) => direct((ex) => ex.query<T>(sql, params)),
    async execute(sql: string, params?: readonly Param[]) {
      const result = await direct((ex) => ex.execute(sql, params));
      committed?.();
      return result;
    },
    async transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
      for (let attempt = 1;; attempt++) {
        const conn = await acquire(pool, limits.acquire);
        let healthy = true;
        try {
          tally.statements += 2; // BEGIN and COMMIT (or ROLLBACK)
          try {
            await deadline(conn.beginTransaction(), limits.statement, conn);
            const result = await fn(executor(conn, tally, limits.statement));
            await deadline(conn.commit(), limits.statement, conn);
            committed?.();
            return result;
          } catch (err) {
            throw classify(err);
          }
        } catch (err) {
          if (err instanceof UnavailableError) {
            // The connection is lost or stalled, so no rollback would be answered: ending it rolls back on the server.
            healthy = false;
            throw err;
          }
          try {
            await deadline(conn.rollback(), limits.statement, conn);
          } catch {
            healthy = false;
          }
          // A deadlock victim's transaction is already rolled back whole, so running it again is safe.
          if (errno(err) !== ER_LOCK_DEADLOCK || attempt >= DEADLOCK_TRIES) throw err;
        } finally {
          if (healthy) conn.release();
          else conn.destroy();
        }
        await deadlockPause(attempt);
      }
    },
    async session<T>(fn: (conn: Executor) => Promise<T>): Promise<T> {
      const conn = await acquire(pool, limits.acquire);
      let failure: unknown;
      try {
        return await fn(executor(conn, tally, 0));
      } catch (err) {
        failure = err;
        throw err;
      } finally {
        giveBack(conn, failure);
      }
    },
  };
}

/** A pool for a `mysql://` or `mariadb://` URL, each new connection set up as SESSION_SETUP says. */
function openPool(databaseUrl: string, variable?: string): { pool: Pool; limits: Limits } {
  const { limits, ...options } = poolOptions(databaseUrl, variable);
  const pool = mysql.createPool(options);
  pool.pool.on("connection", (conn) => {
    // Queued before any statement of the caller that asked for this connection, so it is timed too: ending the
    // connection fails the caller's statement rather than leaving it queued behind a setup that never answers.
    const timer = setTimeout(() => conn.destroy(), limits.statement);
    conn.query(SESSION_SETUP, (err: unknown) => {
      clearTimeout(timer);
      if (err) conn.destroy();
    });
  });
  return { pool, limits };
}

// A replica that has not applied the latest migration yet lacks a table or column that code reads: its reads go to
// the primary until a check finds it well again.
const SCHEMA_BEHIND = new Set([
  1146, // ER_NO_SUCH_TABLE
  1054, // ER_BAD_FIELD_ERROR
]);

/**
 * The reader role with replicas: a query goes to a replica `replicas` picks for the scope in progress, else to the
 * primary; a replica that fails at the connection is skipped from then on and the read is served by the primary.
 */
function replicaReader(primary: Db, replicas: Replicas): Db {
  return {
    async query<T>(sql: string, params?: readonly Param[]): Promise<T[]> {
      // Checked from the first read on: by then the store has migrated, so the heartbeat's table is there.
      replicas.start();
      const scope = currentReads();
      const replica = scope?.primary ? null : replicas.pick(scope?.wroteAt);
      if (!replica) return await primary.query<T>(sql, params);
      try {
        return await replica.query<T>(sql, params);
      } catch (err) {
        if (!(err instanceof UnavailableError) && !SCHEMA_BEHIND.has(errno(err) ?? 0)) throw err;
        replicas.failed(replica, err);
        return await primary.query<T>(sql, params);
      }
    },
    execute: (sql, params) => primary.execute(sql, params),
    transaction: (fn) => primary.transaction(fn),
    session: (fn) => primary.session(fn),
  };
}

// mysql2 has no public API for a pool's use: these are the queues its pool keeps (lib/base/pool.js).
interface PoolInternals {
  _allConnections: { length: number };
  _freeConnections: { length: number };
  _connectionQueue: { length: number };
  config: { connectionLimit: number };
}

function usage(name: string, pool: Pool): PoolUsage {
  const core = pool.pool as unknown as PoolInternals;
  return {
    pool: name,
    open: core._allConnections.length,
    idle: core._freeConnections.length,
    waiting: core._connectionQueue.length,
    limit: core.config.connectionLimit,
  };
}

/**
 * Opens the pools for a `mysql://` or `mariadb://` URL, and one for each read replica when `reads` names some (their
 * health is checked in the background from the first read on). Nothing connects until the first statement.
 */
export function openDatabase(databaseUrl: string, reads?: ReplicaOptions): Database {
  const { pool, limits } = openPool(databaseUrl);
  const opened = (reads?.urls ?? []).map((url) => openPool(url, "DATABASE_READ_URLS"));
  const tally: Tally = { statements: 0 };
  const maintenance = poolDb(pool, { statements: 0 }, {
    ...limits,
    statement: Math.max(limits.statement, MAINTENANCE_TIMEOUT_MS),
  });
  let replicas: Replicas | null = null;
  let primary: Db;
  if (reads && opened.length) {
    // A committed write keeps the rest of its request on the primary, and is recorded as the member's when the
    // request ends (services/store/reads.ts), so their next request reads it wherever it lands.
    const record = (memberId: string) => primary.execute(RECORD_WRITE_SQL, [memberId]).then(() => {});
    primary = poolDb(pool, tally, limits, () => {
      const scope = currentReads();
      if (!scope) return;
      scope.primary = true;
      scope.recordWrite = record;
    });
    replicas = new Replicas(
      opened.map(({ pool, limits }, i) => ({
        name: redact(reads.urls[i]),
        db: poolDb(pool, tally, limits),
        close: () => pool.end(),
      })),
      maintenance,
      reads.maxLagMs,
    );
  } else primary = poolDb(pool, tally, limits);
  let closed: Promise<void> | undefined;
  return {
    get statements() {
      return tally.statements;
    },
    reader: replicas ? replicaReader(primary, replicas) : primary,
    writer: primary,
    maintenance,
    replicated: replicas !== null,
    async ping() {
      await primary.query("SELECT 1");
    },
    pools: () => [usage("primary", pool), ...opened.map((o, i) => usage(redact(reads!.urls[i]), o.pool))],
    close() {
      closed ??= (async () => {
        await replicas?.close();
        await pool.end();
      })();
      return closed;
    },
  };
}
