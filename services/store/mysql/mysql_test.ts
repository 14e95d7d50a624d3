// The store contract against MySQL / MariaDB, plus what only this adapter has (migrations, outbox, SQL text).
// Each test gets a private database, dropped afterwards. CI must set DATABASE_URL; elsewhere the tests are skipped.
import { assert, assertEquals } from "../../../framework/testing/assert.ts";
import { type OpenedStore, storeContract } from "../contract.ts";
import type { DomainEvent } from "../types.ts";
import { migrate, readMigrations } from "./migrate.ts";
import { openDatabase } from "./pool.ts";
import { MysqlStore } from "./store.ts";

const DATABASE_URL = Deno.env.get("DATABASE_URL");
const IN_CI = ["true", "1"].includes(Deno.env.get("CI") ?? "");

if (!DATABASE_URL) {
  if (IN_CI) {
    Deno.test("[mysql] CI sets DATABASE_URL", () => {
      throw new Error(
        "CI must set DATABASE_URL (e.g. mysql://root@127.0.0.1:3306/test) so the MySQL adapter is tested.",
      );
    });
  } else {
    const line = "=".repeat(78);
    console.warn(
      `${line}\n  MySQL store tests SKIPPED: DATABASE_URL is not set.\n` +
        `  Run them with DATABASE_URL=mysql://root@127.0.0.1:3306/test deno test -A services/store/mysql/\n${line}`,
    );
  }
}

interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
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
async function freshDatabase(): Promise<FreshDatabase> {
  const name = `prok_t_${
    Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("")
  }`;
  await asAdmin(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const url = new URL(DATABASE_URL!);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => asAdmin(`DROP DATABASE IF EXISTS ${name}`) };
}

async function openStore(): Promise<OpenedStore & { url: string }> {
  const database = await freshDatabase();
  const queue = await Deno.openKv(":memory:");
  let store: MysqlStore;
  try {
    store = await MysqlStore.open(database.url, queue);
  } catch (err) {
    queue.close();
    await database.drop();
    throw err;
  }
  return {
    store,
    url: database.url,
    async cleanup() {
      try {
        await store.close();
        await database.drop();
      } finally {
        queue.close();
      }
    },
  };
}

storeContract("mysql", openStore, { ignore: !DATABASE_URL });

function test(name: string, fn: () => Promise<void>) {
  Deno.test({ name: `[mysql] ${name}`, ignore: !DATABASE_URL, sanitizeOps: false, sanitizeResources: false, fn });
}

test("two instances migrating a fresh database at once apply each version exactly once", async () => {
  const database = await freshDatabase();
  const a = openDatabase(database.url);
  const b = openDatabase(database.url);
  try {
    const versions = (await readMigrations()).map((m) => m.version);
    assert(versions.length > 0, "there are migrations");
    const [byA, byB] = await Promise.all([migrate(a), migrate(b)]);
    assertEquals([...byA, ...byB].sort(), versions, "each version applied by exactly one instance");
    const rows = await a.reader.query<{ version: string }>("SELECT version FROM schema_migrations ORDER BY version");
    assertEquals(rows.map((r) => r.version), versions);
    assertEquals(await migrate(b), [], "a later run has nothing to do");
  } finally {
    await a.close();
    await b.close();
    await database.drop();
  }
});

test("a 4-byte emoji round-trips in every text column", async () => {
  const { store, cleanup } = await openStore();
  try {
    const e = "🧑🏽‍💻𝓜李Zoë";
    const user = await store.createUser({
      email: `${e}@example.com`,
      passwordHash: `$2b$10$${e}`,
      firstName: e,
      lastName: e,
      headline: e,
      bio: e.repeat(100),
      location: e,
      profilePictureUrl: `https://img.example/${e}.png`,
      role: "recruiter",
    });
    assertEquals(await store.getUser(user.id), user);
    assertEquals(await store.getUserByEmail(`${e.toUpperCase()}@EXAMPLE.COM`), user);
    assertEquals((await store.listUsers({ q: "🧑🏽‍💻", limit: 10 })).items, [user]);

    const session = await store.createSession({
      userId: user.id,
      tokenHash: `t-${e}`,
      expiresAt: new Date(Date.now() + 1e6),
    });
    assertEquals(await store.getSession(session.id), session);
    assertEquals(await store.rotateSession(session.id, `t-${e}`, `u-${e}`), true);
    assertEquals((await store.findSessionByToken(`t-${e}`))?.current, false);
    assertEquals((await store.findSessionByToken(`u-${e}`))?.current, true);

    assertEquals(await store.claimIdempotency(`m-${e}`, `k-${e}`, `h-${e}`, 60_000), null);
    await store.finishIdempotency(`m-${e}`, `k-${e}`, { status: 201, body: JSON.stringify({ e }) });
    assertEquals(await store.claimIdempotency(`m-${e}`, `k-${e}`, "other", 60_000), {
      state: "done",
      requestHash: `h-${e}`,
      status: 201,
      body: JSON.stringify({ e }),
    });
  } finally {
    await cleanup();
  }
});

test("SQL-looking search text is only text", async () => {
  const { store, cleanup } = await openStore();
  try {
    const base = { passwordHash: "x", lastName: "L", role: "member" } as const;
    await store.createUser({ ...base, email: "a@example.com", firstName: "Plain", headline: "Engineer" });
    const odd = await store.createUser({
      ...base,
      email: "b@example.com",
      firstName: "Odd",
      headline: `fan of ' OR 1=1 -- and "quotes"; back\\slash! 50%`,
    });
    const ids = async (q: string) => (await store.listUsers({ q, limit: 10 })).items.map((u) => u.id);
    assertEquals(await ids("' OR 1=1 --"), [odd.id]);
    assertEquals(await ids("' OR '1'='1"), []);
    assertEquals(await ids('"; DROP TABLE users; --'), []);
    assertEquals(await ids("back\\slash!"), [odd.id]);
    assertEquals(await ids("\\"), [odd.id]);
    assertEquals(await ids("!"), [odd.id]);
    assertEquals(await ids("%"), [odd.id]);
    assertEquals((await store.listUsers({ limit: 10 })).items.length, 2, "the table is still there, whole");
  } finally {
    await cleanup();
  }
});

test("ids that cannot be ours are absent, never errors", async () => {
  const { store, cleanup } = await openStore();
  try {
    for (const id of ["missing", "", "0", "-1", "1e3", "1.5", " 1", "99999999999999999999999"]) {
      assertEquals(await store.getUser(id), null, id);
      assertEquals(await store.updateUser(id, { headline: "x" }), null, id);
      assertEquals(await store.deleteUser(id), false, id);
      assertEquals(await store.getSession(id), null, id);
      assertEquals(await store.rotateSession(id, "a", "b"), false, id);
      await store.revokeSession(id);
      await store.revokeUserSessions(id);
    }
  } finally {
    await cleanup();
  }
});

test("an outbox row left behind by a crash is relayed on the next tick and removed", async () => {
  const { store, url, cleanup } = await openStore();
  const db = openDatabase(url);
  try {
    const seen: DomainEvent[] = [];
    store.queue.listenQueue((msg) => {
      seen.push(msg as DomainEvent);
    });
    // Let the pass that open() starts finish, so only the interval can pick the row up.
    await new Promise((r) => setTimeout(r, 200));
    const event: DomainEvent = {
      type: "user.updated",
      id: "42",
      eventId: crypto.randomUUID(),
      at: new Date().toISOString(),
    };
    await db.writer.execute("INSERT INTO outbox (event, created_at) VALUES (?, ?)", [
      JSON.stringify(event),
      new Date(),
    ]);
    const deadline = Date.now() + 5_000;
    while (!seen.some((e) => e.eventId === event.eventId)) {
      assert(Date.now() < deadline, "the relay picked up the orphaned row");
      await new Promise((r) => setTimeout(r, 50));
    }
    assertEquals(seen.find((e) => e.eventId === event.eventId), event);
    const [left] = await db.reader.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM outbox");
    assertEquals(Number(left.n), 0);
  } finally {
    await db.close();
    await cleanup();
  }
});

test("two instances relaying one outbox deliver every event", async () => {
  const first = await openStore();
  const queue = await Deno.openKv(":memory:");
  const second = await MysqlStore.open(first.url, queue);
  try {
    const seen = new Set<string>();
    for (const q of [first.store.queue, queue]) {
      q.listenQueue((msg) => {
        seen.add((msg as DomainEvent).id);
      });
    }
    const ids = await Promise.all(
      Array.from({ length: 40 }, async (_, i) =>
        (await (i % 2 ? first.store : second).createUser({
          email: `m${i}@example.com`,
          passwordHash: "x",
          firstName: "F",
          lastName: "L",
          role: "member",
        })).id),
    );
    const deadline = Date.now() + 5_000;
    while (!ids.every((id) => seen.has(id))) {
      assert(Date.now() < deadline, `missing events for ${ids.filter((id) => !seen.has(id))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await second.close();
    queue.close();
    await first.cleanup();
  }
});
