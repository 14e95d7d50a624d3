// The one contract every RateLimiter adapter passes.
import { assert, assertEquals } from "../../framework/testing/assert.ts";
import type { RateLimiter } from "./types.ts";

export function rateLimiterContract(
  name: string,
  open: () => Promise<RateLimiter>,
  options: { ignore?: boolean } = {},
) {
  const test = (title: string, fn: (rl: RateLimiter, key: (k: string) => string) => Promise<void>) =>
    Deno.test({
      name: `[ratelimit:${name}] ${title}`,
      ignore: options.ignore,
      sanitizeOps: false,
      sanitizeResources: false,
      fn: async () => {
        const rl = await open();
        const run = crypto.randomUUID(); // keys private to this test, whatever else the server holds
        try {
          await fn(rl, (k) => `${run}:${k}`);
        } finally {
          await rl.close();
        }
      },
    });

  test("ping answers while the backend does", async (rl) => {
    await rl.ping();
  });

  test("hits count up within a window and start again after it", async (rl, key) => {
    assertEquals((await rl.hit(key("a"), 200)).count, 1);
    assertEquals((await rl.hit(key("a"), 200)).count, 2);
    const third = await rl.hit(key("a"), 200);
    assertEquals(third.count, 3);
    assert(third.resetInMs > 0 && third.resetInMs <= 200, `resetInMs ${third.resetInMs}`);
    assertEquals((await rl.peek(key("a"))).count, 3);
    assertEquals((await rl.hit(key("b"), 200)).count, 1, "keys are independent");
    await new Promise((r) => setTimeout(r, 260));
    assertEquals((await rl.peek(key("a"))).count, 0);
    assertEquals((await rl.hit(key("a"), 200)).count, 1);
  });

  test("concurrent hits are all counted", async (rl, key) => {
    const counts = await Promise.all(Array.from({ length: 50 }, () => rl.hit(key("c"), 10_000)));
    assertEquals(counts.map((c) => c.count).sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i + 1));
  });

  test("a lock holds for its time, only ever grows, and reset clears it", async (rl, key) => {
    assertEquals(await rl.lockedFor(key("l")), 0);
    await rl.lock(key("l"), 5_000);
    await rl.lock(key("l"), 100);
    const left = await rl.lockedFor(key("l"));
    assert(left > 4_000 && left <= 5_000, `lock left ${left} ms`);
    await rl.hit(key("l"), 10_000);
    await rl.reset(key("l"));
    assertEquals(await rl.lockedFor(key("l")), 0);
    assertEquals((await rl.peek(key("l"))).count, 0);
    await rl.lock(key("m"), 60);
    await new Promise((r) => setTimeout(r, 120));
    assertEquals(await rl.lockedFor(key("m")), 0);
  });

  test("leases: at most `max` holders per key, a holder's second take is a renewal, release frees a place", async (
    rl,
    key,
  ) => {
    const k = key("sockets");
    for (const h of ["h1", "h2", "h3"]) assertEquals(await rl.acquireLease(k, h, 3, 10_000), true, h);
    assertEquals(await rl.acquireLease(k, "h4", 3, 10_000), false, "over the cap");
    assertEquals(await rl.acquireLease(k, "h2", 3, 10_000), true, "a holder keeps its lease");
    assertEquals(await rl.countLeases(k), 3);
    assertEquals(await rl.countLeases(key("other")), 0, "keys are independent");
    await rl.releaseLease(k, "h1");
    await rl.releaseLease(k, "h1"); // twice is harmless
    assertEquals(await rl.countLeases(k), 2);
    assertEquals(await rl.acquireLease(k, "h4", 3, 10_000), true, "the released place is free");
    assertEquals(await rl.acquireLease(k, "h5", 3, 10_000), false);
  });

  test("leases lapse unless renewed, and a renewal takes back a lapsed one", async (rl, key) => {
    const k = key("lapse");
    assertEquals(await rl.acquireLease(k, "short", 2, 150), true);
    assertEquals(await rl.acquireLease(k, "kept", 2, 150), true);
    await rl.renewLease(k, "kept", 10_000);
    await new Promise((r) => setTimeout(r, 300));
    assertEquals(await rl.countLeases(k), 1, "only the renewed one is left");
    assertEquals(await rl.acquireLease(k, "new", 2, 10_000), true, "the lapsed one's place is free");
    await rl.releaseLease(k, "new");
    await rl.renewLease(k, "short", 10_000); // its backend forgot it (lapsed, or Redis restarted): taken again
    assertEquals(await rl.countLeases(k), 2);
    assertEquals(await rl.acquireLease(k, "third", 2, 10_000), false);
  });

  test("concurrent takes never pass the cap", async (rl, key) => {
    const k = key("race");
    const taken = await Promise.all(Array.from({ length: 30 }, (_, i) => rl.acquireLease(k, `h${i}`, 10, 10_000)));
    assertEquals(taken.filter(Boolean).length, 10);
    assertEquals(await rl.countLeases(k), 10);
  });
}
