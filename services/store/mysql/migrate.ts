// Applies migrations/NNN_name.sql in order, once each, recorded in schema_migrations. Several instances may start
// together: a named lock serialises them, and each re-reads what is applied only after it holds the lock.
import { type Database, errno, type Executor, openDatabase } from "./pool.ts";

export interface Migration {
  /** The file name without ".sql", e.g. "001_accounts". */
  version: string;
  statements: string[];
}

const LOCK_WAIT_SECONDS = 30;
// Scoped to the database, so apps (or test databases) sharing one server do not wait for each other.
const LOCK_NAME = "LEFT(CONCAT('prok_migrations.', DATABASE()), 64)";

const ER_DUP_FIELDNAME = 1060;
const ER_DUP_KEYNAME = 1061;
/** Statements that add one index or column: MySQL 8 has no IF NOT EXISTS for them (MariaDB has). */
const ADDS_ONE =
  /^(?:CREATE\s+(?:UNIQUE\s+|FULLTEXT\s+)?INDEX\s|ALTER\s+TABLE\s+\S+\s+ADD\s+(?:COLUMN|INDEX|KEY|UNIQUE|FULLTEXT)\s)/i;

/**
 * Runs one migration statement. A statement that adds one index or column and meets "Duplicate key name" or
 * "Duplicate column name" was applied by an earlier run that stopped half way (each DDL statement commits on its
 * own), so it counts as done; that is how such statements stay safe to run again on MySQL 8.
 */
export async function applyStatement(conn: Executor, statement: string): Promise<void> {
  try {
    await conn.execute(statement);
  } catch (err) {
    const n = errno(err);
    if ((n === ER_DUP_KEYNAME || n === ER_DUP_FIELDNAME) && ADDS_ONE.test(statement)) return;
    throw err;
  }
}

/** Splits a migration into statements: each ends with ";" at the end of a line; lines starting "--" are comments. */
function splitStatements(sql: string): string[] {
  const text = sql.split(/\r?\n/).filter((line) => !line.trimStart().startsWith("--")).join("\n");
  return text.split(/;[ \t]*(?:\n|$)/).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Reads the numbered .sql files of a folder, in order. */
export async function readMigrations(folder: URL = new URL("./migrations/", import.meta.url)): Promise<Migration[]> {
  const found: { n: number; version: string; url: URL }[] = [];
  for await (const entry of Deno.readDir(folder)) {
    const match = /^(\d+)_[\w.-]+\.sql$/.exec(entry.name);
    if (!entry.isFile || !match) continue;
    found.push({ n: Number(match[1]), version: entry.name.slice(0, -4), url: new URL(entry.name, folder) });
  }
  found.sort((a, b) => a.n - b.n || a.version.localeCompare(b.version));
  for (let i = 1; i < found.length; i++) {
    if (found[i].n === found[i - 1].n) {
      throw new Error(`Migrations ${found[i - 1].version} and ${found[i].version} share a number; renumber one.`);
    }
  }
  return await Promise.all(
    found.map(async (m) => ({ version: m.version, statements: splitStatements(await Deno.readTextFile(m.url)) })),
  );
}

async function withLock<T>(conn: Executor, fn: () => Promise<T>): Promise<T> {
  const [row] = await conn.query<{ got: unknown }>(`SELECT GET_LOCK(${LOCK_NAME}, ${LOCK_WAIT_SECONDS}) AS got`);
  if (Number(row?.got) !== 1) {
    throw new Error(
      `Another instance held the migration lock for ${LOCK_WAIT_SECONDS} s; check for a stuck migration and retry.`,
    );
  }
  try {
    return await fn();
  } finally {
    // A dropped connection releases the lock by itself, so a failure here must not hide the real error.
    await conn.query(`SELECT RELEASE_LOCK(${LOCK_NAME})`).catch(() => {});
  }
}

/** Applies the migrations not yet recorded; resolves to the versions this call applied. */
export async function migrate(db: Database, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? await readMigrations();
  return await db.writer.session((conn) =>
    withLock(conn, async () => {
      await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR(255) NOT NULL PRIMARY KEY, " +
          "applied_at DATETIME(3) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
      );
      const rows = await conn.query<{ version: string }>("SELECT version FROM schema_migrations");
      const done = new Set(rows.map((r) => r.version));
      const applied: string[] = [];
      for (const m of all) {
        if (done.has(m.version)) continue;
        for (const statement of m.statements) await applyStatement(conn, statement);
        await conn.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", [
          m.version,
          new Date(),
        ]);
        applied.push(m.version);
      }
      return applied;
    })
  );
}

if (import.meta.main) {
  const url = Deno.env.get("DATABASE_URL");
  if (!url) {
    console.error("DATABASE_URL is not set; e.g. DATABASE_URL=mysql://root@127.0.0.1:3306/prok deno task migrate");
    Deno.exit(1);
  }
  const db = openDatabase(url);
  try {
    const applied = await migrate(db);
    console.log(applied.length ? `Applied ${applied.join(", ")}.` : "The schema is up to date.");
  } finally {
    await db.close();
  }
}
