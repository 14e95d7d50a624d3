import { assert, assertEquals } from "../../../framework/testing/assert.ts";
import { storeContract } from "../contract.ts";
import { isId, newId } from "./ids.ts";
import { KvStore } from "./store.ts";

storeContract("deno-kv", async () => {
  const kv = await Deno.openKv(":memory:");
  const store = new KvStore(kv);
  return { store, cleanup: async () => await store.close() };
});

// What only the KV adapter promises: its id order, its bounded search scan, and that cleanups leave no key behind.
function kvTest(name: string, fn: (store: KvStore, kv: Deno.Kv) => Promise<void>) {
  Deno.test({
    name: `[store:deno-kv] ${name}`,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const kv = await Deno.openKv(":memory:");
      const store = new KvStore(kv);
      try {
        await fn(store, kv);
      } finally {
        await store.close();
      }
    },
  });
}

async function allKeys(kv: Deno.Kv): Promise<Deno.KvKey[]> {
  const out: Deno.KvKey[] = [];
  for await (const { key } of kv.list({ prefix: [] })) out.push(key);
  return out;
}

const member = (n: number, extra: Record<string, string> = {}) => ({
  email: `m${n}@example.com`,
  passwordHash: "x",
  firstName: `F${n}`,
  lastName: `L${n}`,
  role: "member" as const,
  ...extra,
});

Deno.test("[store:deno-kv] ids increase within one millisecond and when the clock steps back", () => {
  // Ahead of any id this process made so far (the generator's state is per process).
  const t = Date.now() + 60_000;
  const ids = [newId(t), newId(t), newId(t), newId(t - 1), newId(t + 1)];
  for (const { id } of ids) assert(isId(id), id);
  const sorted = ids.map((x) => x.id).toSorted();
  assertEquals(ids.map((x) => x.id), sorted);
  assertEquals(new Set(sorted).size, ids.length);
  assertEquals(ids.map((x) => x.ms), [t, t, t, t, t + 1]);
  assert(!isId("does-not-exist") && !isId("999999999"));
});

kvTest("a filtered page scans a bounded range and says where it stopped", async (store) => {
  await store.createUser(member(0, { headline: "Needle" }));
  for (let i = 1; i <= 1_000; i++) await store.createUser(member(i));
  const first = await store.listUsers({ q: "needle", limit: 10 });
  assertEquals(first.items, []);
  assert(first.next, "a page that ran out of budget points past what it scanned");
  const second = await store.listUsers({ q: "needle", limit: 10, after: first.next });
  assertEquals([second.items.map((u) => u.headline), second.next], [["Needle"], null]);
});

kvTest("deleting a member leaves no key behind, rotated tokens included", async (store, kv) => {
  const u = await store.createUser(member(1));
  const keep = await store.createUser(member(2));
  const later = new Date(Date.now() + 60_000);
  await store.createSession({ userId: keep.id, tokenHash: "keep", expiresAt: later });
  const before = await allKeys(kv);
  for (let f = 0; f < 3; f++) {
    const s = await store.createSession({ userId: u.id, tokenHash: `f${f}t0`, expiresAt: later });
    // Enough rotations that the cleanup spans several commits.
    for (let t = 1; t <= 200; t++) assert(await store.rotateSession(s.id, `f${f}t${t - 1}`, `f${f}t${t}`));
  }
  assertEquals(await store.deleteUser(u.id), true);
  const userKeys = (await allKeys(kv)).filter((k) => !before.some((b) => JSON.stringify(b) === JSON.stringify(k)));
  assertEquals(userKeys, []);
  assertEquals(await store.findSessionByToken("f1t0"), null);
  assertEquals((await store.findSessionByToken("keep"))?.current, true);
});

kvTest("a session cannot be started for a member who does not exist", async (store) => {
  const u = await store.createUser(member(1));
  await store.deleteUser(u.id);
  const later = new Date(Date.now() + 60_000);
  let failed = false;
  await store.createSession({ userId: u.id, tokenHash: "t", expiresAt: later }).catch(() => failed = true);
  assert(failed);
  assertEquals(await store.findSessionByToken("t"), null);
});

kvTest("finishing replays with the claim's expiry; a late release keeps the result", async (store, kv) => {
  assertEquals(await store.claimIdempotency("u", "k", "h", 60_000), null);
  const claimed = (await kv.get<{ expiresAt: number }>(["idempotency", "u", "k"])).value!.expiresAt;
  await store.finishIdempotency("u", "k", { status: 201, body: "{}" });
  assertEquals((await kv.get<{ expiresAt: number }>(["idempotency", "u", "k"])).value!.expiresAt, claimed);
  await store.releaseIdempotency("u", "k");
  assertEquals((await store.claimIdempotency("u", "k", "h", 60_000))?.state, "done");
});
