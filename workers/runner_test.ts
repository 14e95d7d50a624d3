import { assert, assertEquals } from "../framework/testing/assert.ts";
import { newEvent } from "../services/store/events.ts";
import type { DomainEvent } from "../services/store/model.ts";
import { kvWork } from "../services/store/kv/testing.ts";
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
      kvWork(kv),
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
      kvWork(kv),
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
      kvWork(kv),
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

Deno.test({
  name: "[workers] stop waits for a running handler, takes no new message, and the next start runs what was left",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "prok-runner-stop-" });
    const path = `${dir}/queue.kv`;
    try {
      const seen: string[] = [];
      let open!: () => void;
      const gate = new Promise<void>((resolve) => open = resolve);
      const slow = (wait: boolean): Worker => ({
        name: "slow",
        handles: ["post.created"],
        run: async (e) => {
          seen.push(`slow:${e.id}`);
          if (wait) await gate;
        },
      });
      const kv = await Deno.openKv(path);
      const consumer = startWorkers(kvWork(kv), [slow(true)], quietly);
      const retry = { backoffSchedule: [10, 10, 10, 10] };
      const first = newEvent("post.created", "a");
      await kv.enqueue(first, retry);
      await until(() => seen.includes("slow:a"), "the first handler to start");
      const stopping = consumer.stop(30_000);
      await kv.enqueue(newEvent("post.created", "b"), retry); // after stop: back to the queue, untouched
      open();
      assertEquals(await stopping, { finished: 1, abandoned: 0 });
      assertEquals((await kv.get(["worker_events", "slow", first.eventId])).value, "done");
      await consumer.settle(100, 3_000);
      kv.close();
      await consumer;
      assertEquals(seen, ["slow:a"]);

      const again = await Deno.openKv(path);
      const next = startWorkers(kvWork(again), [slow(false)], quietly);
      await until(() => seen.includes("slow:b"), "the next start to run the event refused while stopping");
      assertEquals(seen, ["slow:a", "slow:b"]);
      again.close();
      await next;
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "[workers] a handler still running at the stop deadline gives up its claim, so the next start runs it at once",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "prok-runner-deadline-" });
    const path = `${dir}/queue.kv`;
    try {
      const runs: string[] = [];
      const stuck = new Promise<void>(() => {}); // a fan-out that outlives the deadline
      const workers = (hang: boolean): Worker[] => [
        { name: "quick", handles: ["post.created"], run: () => Promise.resolve(void runs.push("quick")) },
        {
          name: "fanout",
          handles: ["post.created"],
          run: () => (runs.push("fanout"), hang ? stuck : Promise.resolve()),
        },
      ];
      const kv = await Deno.openKv(path);
      const consumer = startWorkers(kvWork(kv), workers(true), quietly);
      const event = newEvent("post.created", "p");
      await kv.enqueue(event, { backoffSchedule: [10, 10, 10, 10] });
      await until(() => runs.includes("fanout"), "the fan-out to start");
      const claim: Deno.KvKey = ["worker_events", "fanout", event.eventId];
      assertEquals((await kv.get(claim)).value, "running");
      assertEquals(await consumer.stop(50), { finished: 0, abandoned: 1 });
      assertEquals((await kv.get(claim)).value, null, "the claim is released, not left for its five-minute lease");
      kv.close();
      await consumer;

      const again = await Deno.openKv(path);
      const next = startWorkers(kvWork(again), workers(false), quietly);
      await until(async () => (await again.get(claim)).value === "done", "the redelivered fan-out to finish");
      assertEquals(runs, ["quick", "fanout", "fanout"], "the worker that finished does not run again");
      again.close();
      await next;
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "[workers] events enqueued while stopping are all handled after a restart once the stop has settled",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "prok-runner-settle-" });
    const path = `${dir}/queue.kv`;
    try {
      const seen = new Set<string>();
      const workers: Worker[] = [
        { name: "fanout", handles: ["post.created"], run: (e) => Promise.resolve(void seen.add(e.id)) },
      ];
      const kv = await Deno.openKv(path);
      const consumer = startWorkers(kvWork(kv), workers, quietly);
      assertEquals(await consumer.stop(1_000), { finished: 0, abandoned: 0 });
      // An outbox relay finishing its last batch after the runner stopped: the listener keeps taking these.
      const ids = Array.from({ length: 40 }, (_, i) => `p${i}`);
      for (const id of ids) await kv.enqueue(newEvent("post.created", id));
      await consumer.settle(250, 3_000);
      kv.close();
      await consumer;
      assertEquals(seen.size, 0, "a stopping instance handles nothing");

      // Without the settle, the message the listener held when the handle closed came back only after about a minute.
      const again = await Deno.openKv(path);
      const next = startWorkers(kvWork(again), workers, quietly);
      await until(() => seen.size === ids.length, `all ${ids.length} events after the restart (got ${seen.size})`);
      again.close();
      await next;
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
