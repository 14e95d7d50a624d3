// The Idempotency-Key protocol over a real (in-memory KV) store: replay, another request, a running duplicate, the
// lease renewed while a request runs, and a failed request letting go of its key.
import { assert, assertEquals, assertRejects } from "../framework/testing/assert.ts";
import { ConflictError, ValidationError } from "./errors.ts";
import { type Answer, RENEW_MS, runOnce } from "./idempotency.ts";
import { kvStoreTest } from "./store/kv/testing.ts";
import type { IdempotencyClaim } from "./store/model.ts";
import type { Store } from "./store/store.ts";

const test = kvStoreTest("[idempotency]");
const request = { userId: "u1", key: "k1", requestHash: "h1" };
const created: Answer = { status: 201, location: "/api/posts/1", body: '{"id":"1"}' };

test("the first answer replays; another request with the key is a 422", async (store) => {
  let runs = 0;
  const run = () => Promise.resolve((runs++, created));
  assertEquals(await runOnce(store, request, run), { answer: created, replayed: false });
  assertEquals(await runOnce(store, request, run), { answer: created, replayed: true });
  assertEquals(runs, 1);
  const other = await assertRejects(() => runOnce(store, { ...request, requestHash: "h2" }, run));
  assert(other instanceof ValidationError);
});

test("a duplicate while the first runs is a 409 with a retry hint, even past a renewal", async (store) => {
  let renewals = 0;
  const renew = async (claim: IdempotencyClaim, leaseMs: number) => {
    const held = await store.renewIdempotency(claim, leaseMs);
    if (held) renewals++;
    return held;
  };
  // The store with its renewals counted (its methods bound to it: they use private fields).
  const counting = new Proxy(store, {
    get: (target, name) => {
      if (name === "renewIdempotency") return renew;
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Store;
  let release = () => {};
  const first = runOnce(counting, request, async () => {
    await new Promise<void>((r) => release = r);
    return created;
  });
  const started = Date.now();
  while (renewals === 0) {
    assert(Date.now() - started < 20 * RENEW_MS, "the lease was never renewed");
    await new Promise((r) => setTimeout(r, 50));
  }
  const busy = await assertRejects(() => runOnce(store, request, () => Promise.resolve(created)));
  assert(busy instanceof ConflictError && busy.retryAfterSeconds! >= 1, String(busy));
  release();
  assertEquals((await first).replayed, false);
  assertEquals((await runOnce(store, request, () => Promise.reject(new Error("ran twice")))).replayed, true);
});

test("a thrown error or a 5xx lets go of the key at once, so the retry runs", async (store) => {
  await assertRejects(() => runOnce(store, request, () => Promise.reject(new Error("database down"))));
  const failed: Answer = { status: 503, location: null, body: "{}" };
  assertEquals(await runOnce(store, request, () => Promise.resolve(failed)), { answer: failed, replayed: false });
  assertEquals(await runOnce(store, request, () => Promise.resolve(created)), { answer: created, replayed: false });
});
