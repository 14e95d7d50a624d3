// Test fixtures for the MySQL store: databases of their own on the server at DATABASE_URL, dropped afterwards (never
// imported by production code). CI must set DATABASE_URL; elsewhere the tests that need it are skipped.
import { type Fixture, fixtureTest, requireServer } from "../../testing.ts";
import { type Database, openDatabase } from "./pool.ts";
import { MysqlStore } from "./store.ts";

export const DATABASE_URL = requireServer("DATABASE_URL");

export interface ScratchDatabase extends Fixture {
  url: string;
  /** A plain pool on the database, for what only SQL shows. */
  db: Database;
}

async function asAdmin(sql: string): Promise<void> {
  const admin = openDatabase(DATABASE_URL!);
  try {
    await admin.writer.execute(sql);
  } finally {
    await admin.close();
  }
}

/** An empty database of its own, named from random hex (never from input). */
export async function openScratchDatabase(): Promise<ScratchDatabase> {
  const name = `prok_t_${
    Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("")
  }`;
  await asAdmin(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const url = new URL(DATABASE_URL!);
  url.pathname = `/${name}`;
  const db = openDatabase(url.toString());
  return {
    url: url.toString(),
    db,
    async cleanup() {
      await db.close();
      await asAdmin(`DROP DATABASE IF EXISTS ${name}`);
    },
  };
}

/** A store on a scratch database (which MysqlStore.open migrates). */
export async function openScratchStore(): Promise<ScratchDatabase & { store: MysqlStore }> {
  const database = await openScratchDatabase();
  let store: MysqlStore;
  try {
    store = await MysqlStore.open(database.url);
  } catch (err) {
    await database.cleanup();
    throw err;
  }
  return {
    ...database,
    store,
    async cleanup() {
      await store.close();
      await database.cleanup();
    },
  };
}

/** Registers tests named `${prefix} ${name}`, each on a fixture `open` makes for it; skipped without DATABASE_URL. */
export function mysqlTest<T extends Fixture>(
  prefix: string,
  open: () => Promise<T>,
): (name: string, fn: (fixture: T) => Promise<void>) => void {
  return (name, fn) => fixtureTest(`${prefix} ${name}`, open, fn, { ignore: !DATABASE_URL });
}
