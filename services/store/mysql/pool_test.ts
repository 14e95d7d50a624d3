// The pool's time limits and its reading of failures, on the server at DATABASE_URL: a statement that outlives its
// limit, an exhausted pool and an unreachable server are UnavailableError (503), while a statement's own error is not.
import { assert, assertEquals } from "../../../framework/testing/assert.ts";
import { UnavailableError } from "../../errors.ts";
import { errno, openDatabase } from "./pool.ts";
import { DATABASE_URL } from "./testing.ts";

function withParams(params: Record<string, string>): string {
  const url = new URL(DATABASE_URL!);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

Deno.test({
  name: "[mysql:pool] a statement past its limit is UnavailableError, and the pool serves the next one",
  ignore: !DATABASE_URL,
  fn: async () => {
    const db = openDatabase(withParams({ statementTimeout: "300", connectionLimit: "1" }));
    try {
      const slow = await rejection(db.reader.query("SELECT SLEEP(3) AS s"));
      assert(slow instanceof UnavailableError, String(slow));
      // The timed-out connection was ended, not handed back with SLEEP still running on it.
      assertEquals(await db.reader.query<{ one: number }>("SELECT 1 AS one"), [{ one: 1 }]);
      const inTx = await rejection(db.writer.transaction((tx) => tx.query("SELECT SLEEP(3)")));
      assert(inTx instanceof UnavailableError, String(inTx));
      assertEquals(await db.writer.transaction((tx) => tx.query<{ two: number }>("SELECT 2 AS two")), [{ two: 2 }]);
    } finally {
      await db.close();
    }
  },
});

Deno.test({
  name: "[mysql:pool] waiting for a connection has a limit; a statement's own error stays as it is",
  ignore: !DATABASE_URL,
  fn: async () => {
    const db = openDatabase(withParams({ acquireTimeout: "300", connectionLimit: "1" }));
    try {
      let release!: () => void;
      const held = db.writer.session((conn) =>
        conn.query("SELECT 1").then(() => new Promise<void>((r) => release = r))
      );
      await new Promise((r) => setTimeout(r, 50));
      const waited = await rejection(db.reader.query("SELECT 1"));
      assert(waited instanceof UnavailableError, String(waited));
      release();
      await held;
      assertEquals(await db.reader.query<{ one: number }>("SELECT 1 AS one"), [{ one: 1 }]);
      const bad = await rejection(db.reader.query("SELEKT 1"));
      assert(!(bad instanceof UnavailableError) && errno(bad) === 1064, String(bad));
    } finally {
      await db.close();
    }
  },
});

Deno.test("[mysql:pool] a server nothing listens on is UnavailableError, not a crash", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const db = openDatabase(`mysql://root@127.0.0.1:${port}/prok`);
  try {
    const refused = await rejection(db.reader.query("SELECT 1"));
    assert(refused instanceof UnavailableError, String(refused));
    assertEquals((refused as UnavailableError).retryAfterSeconds, 5);
  } finally {
    await db.close();
  }
});
