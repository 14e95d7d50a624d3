// Which replica may serve a read, on pools that answer the heartbeat as a test tells them to (no server needed): the
// real replication is tests/faults/replica_test.ts.
import { assertEquals } from "../../../framework/testing/assert.ts";
import type { Db } from "./pool.ts";
import { Replicas } from "./replicas.ts";

/** A pool whose heartbeat row reads `beat()`: a time, an error, or an answer that never comes. */
function pool(beat: () => number | Error | "silent"): Db {
  return {
    query<T>(): Promise<T[]> {
      const value = beat();
      if (value === "silent") return new Promise(() => {});
      if (value instanceof Error) return Promise.reject(value);
      return Promise.resolve([{ at: new Date(value) }] as T[]);
    },
    execute: () => Promise.resolve({ affectedRows: 1, insertId: "0" }),
    transaction: () => Promise.reject(new Error("not used")),
    session: () => Promise.reject(new Error("not used")),
  };
}

function replicasOf(beats: (() => number | Error | "silent")[], primaryAt = 10_000, maxLagMs = 5_000) {
  const dbs = beats.map(pool);
  const replicas = new Replicas(
    dbs.map((db, i) => ({ name: `replica ${i}`, db, close: () => Promise.resolve() })),
    pool(() => primaryAt),
    maxLagMs,
  );
  return { replicas, dbs };
}

Deno.test("[mysql:replicas] a replica serves reads once checked; a member's only once it is past their write", async () => {
  const { replicas, dbs: [db] } = replicasOf([() => 9_000]);
  assertEquals(replicas.pick(undefined), null, "unchecked: the primary");
  await replicas.check();
  assertEquals(replicas.states(), [{ name: "replica 0", healthy: true, lagMs: 1_000 }]);
  assertEquals(replicas.pick(undefined), db);
  assertEquals(replicas.pick(null), db, "a member with no write recorded");
  assertEquals(replicas.pick(new Date(9_000)), null, "the replica applied the write's heartbeat, not a later one");
  assertEquals(replicas.pick(new Date(8_999)), db);
});

Deno.test("[mysql:replicas] lag past the bound, an error or silence skips a replica until a check finds it well", async () => {
  let beat: number | Error | "silent" = 4_000;
  const { replicas, dbs: [db] } = replicasOf([() => beat]);
  await replicas.check();
  assertEquals(replicas.states()[0], { name: "replica 0", healthy: false, lagMs: 6_000 });
  assertEquals(replicas.pick(undefined), null);
  beat = 10_000;
  await replicas.check();
  assertEquals(replicas.pick(undefined), db);
  beat = new Error("connect ECONNREFUSED");
  await replicas.check();
  assertEquals([replicas.pick(undefined), replicas.states()[0].lagMs], [null, null]);
  beat = 10_000;
  await replicas.check();
  replicas.failed(db, new Error("lost"));
  assertEquals(replicas.pick(undefined), null, "a failed read skips it at once");
  beat = "silent";
  await replicas.check();
  assertEquals(replicas.pick(undefined), null, "a replica that does not answer its check");
});

Deno.test("[mysql:replicas] reads take the healthy replicas in turn", async () => {
  const { replicas, dbs: [a, , c] } = replicasOf([() => 10_000, () => new Error("down"), () => 9_500]);
  await replicas.check();
  assertEquals([1, 2, 3, 4].map(() => replicas.pick(undefined)), [a, c, a, c]);
  assertEquals(replicas.pick(new Date(9_700)), a, "only the one past the member's write");
});
