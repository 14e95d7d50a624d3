import { assert, assertEquals } from "../framework/testing/assert.ts";
import { newEvent } from "../services/store/events.ts";
import type { DomainEvent } from "../services/store/types.ts";
import { startWorkers, type Worker } from "./runner.ts";

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!await check()) {
    assert(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const quietly = () => {};

Deno.test({
  name: "[workers] an event reaches the workers of its type once, even when it is delivered twice",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const kv = await Deno.openKv(":memory:");
    const seen: string[] = [];
    const worker = (name: string, handles: DomainEvent["type"][]): Worker => ({
      name,
      handles,
      run: (e) => Promise.resolve(void seen.push(`${name}:${e.type}:${e.id}`)),
    });
    const listening = startWorkers(
      kv,
      [worker("a", ["user.created"]), worker("b", ["user.created", "user.deleted"])],
      quietly,
    );
    const created = newEvent("user.created", "7");
    await kv.enqueue(created);
    await kv.enqueue(created); // a relay that crashed after enqueueing, before deleting its outbox row
    await kv.enqueue(newEvent("user.deleted", "7"));
    await until(() => seen.length >= 3, "three deliveries");
    await new Promise((r) => setTimeout(r, 100));
    assertEquals(seen.sort(), ["a:user.created:7", "b:user.created:7", "b:user.deleted:7"]);
    kv.close();
    await listening;
  },
});

Deno.test({
  name: "[workers] a failing worker is retried without re-running the ones that finished",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const kv = await Deno.openKv(":memory:");
    let okRuns = 0;
    let flakyRuns = 0;
    const logs: Record<string, unknown>[] = [];
    const listening = startWorkers(
      kv,
      [
        { name: "ok", handles: ["user.updated"], run: () => Promise.resolve(void okRuns++) },
        {
          name: "flaky",
          handles: ["user.updated"],
          run: () => ++flakyRuns < 3 ? Promise.reject(new Error("search is down")) : Promise.resolve(),
        },
      ],
      (l) => logs.push(l),
      { retryMs: [10, 10, 10, 10] },
    );
    await kv.enqueue(newEvent("user.updated", "1"));
    await until(() => flakyRuns >= 3, "the third try");
    await new Promise((r) => setTimeout(r, 100));
    assertEquals([okRuns, flakyRuns], [1, 3]);
    assertEquals(logs.filter((l) => l.worker === "flaky").length, 2);
    kv.close();
    await listening;
  },
});

Deno.test({
  name: "[workers] an event that keeps failing ends as a dead letter; a foreign message is dropped",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const kv = await Deno.openKv(":memory:");
    const logs: Record<string, unknown>[] = [];
    const listening = startWorkers(
      kv,
      [
        { name: "broken", handles: ["user.deleted"], run: () => Promise.reject(new Error("always")) },
      ],
      (l) => logs.push(l),
      { retryMs: [10, 10] },
    );
    await kv.enqueue({ hello: "world" });
    const event = newEvent("user.deleted", "9");
    await kv.enqueue(event);
    await until(async () => (await kv.get(["dead_letters", event.eventId])).versionstamp !== null, "the dead letter");
    assertEquals((await kv.get<DomainEvent>(["dead_letters", event.eventId])).value?.id, "9");
    assert(logs.some((l) => l.msg === "dropped a queue message that is not a domain event"));
    kv.close();
    await listening;
  },
});
