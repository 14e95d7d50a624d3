import { assert, assertEquals } from "../framework/testing/assert.ts";
import { SENT_FOR_MS } from "../services/mail/sent.ts";
import { newEvent, RETRY_SCHEDULE_MS } from "../services/store/events.ts";
import type { DomainEvent } from "../services/store/model.ts";
import { eventually } from "../services/testing.ts";
import { kvWork } from "../services/store/kv/testing.ts";
import { KvEventQueue } from "../services/store/kv/queue.ts";
import { TimerScheduler } from "../services/scheduler.ts";
import { REDRIVE_INTERVAL_MS, REDRIVE_MAX, redriveDeadLetters, redriveSweep, unpark } from "./dead_letters.ts";
import { DONE_FOR_MS, startWorkers } from "./runner.ts";

Deno.test("[dead letters] an event stops coming back before the workers forget they finished it", () => {
  // At the latest: the queue's whole schedule, then a wait of up to one sweep and the schedule again, REDRIVE_MAX
  // times. A worker that finished the event must still find its done-record when the last redrive delivers it.
  const schedule = RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
  const lastDelivery = (REDRIVE_MAX + 1) * schedule + REDRIVE_MAX * REDRIVE_INTERVAL_MS;
  assert(lastDelivery < DONE_FOR_MS, `redrives reach ${lastDelivery} ms, the done-ledger keeps ${DONE_FOR_MS} ms`);
  assert(lastDelivery < SENT_FOR_MS, `redrives reach ${lastDelivery} ms, the sent-mail ledger keeps ${SENT_FOR_MS} ms`);
});

/** Short waits between tries, ending as a dead letter like the real schedule. */
const fast = (event: DomainEvent) => ({
  backoffSchedule: [10, 10],
  keysIfUndelivered: [["dead_letters", event.eventId]],
});

const quietly = () => {};

async function letters(kv: Deno.Kv) {
  const all = [];
  for await (const { event, redrives } of new KvEventQueue(kv).deadLetters()) {
    all.push({ id: event?.id ?? null, redrives });
  }
  return all;
}

Deno.test({
  name: "[dead letters] an event that failed for good runs again once its worker recovers, and only what had failed",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const kv = await Deno.openKv(":memory:");
    let up = false;
    const runs = { steady: 0, flaky: 0 };
    const listening = startWorkers(
      kvWork(kv),
      [
        { name: "steady", handles: ["user.created"], run: () => Promise.resolve(void runs.steady++) },
        {
          name: "flaky",
          handles: ["user.created"],
          run: () => (runs.flaky++, up ? Promise.resolve() : Promise.reject(new Error("SMTP is away"))),
        },
      ],
      quietly,
      { retryMs: [10, 10] },
    );
    try {
      const event = newEvent("user.created", "7");
      await kv.enqueue(event, fast(event));
      await eventually(() => letters(kv), (l) => l.length === 1, "the dead letter");
      assertEquals([runs.steady, runs.flaky], [1, 3]);

      // Still failing: it comes back as a dead letter, one redrive further on.
      assertEquals(await redriveDeadLetters(new KvEventQueue(kv)), { redriven: 1, parked: 0 });
      assertEquals(await letters(kv), [], "the letter leaves with the redrive");
      await eventually(() => letters(kv), (l) => l.length === 1, "the second dead letter");
      assertEquals(await letters(kv), [{ id: "7", redrives: 1 }]);

      up = true;
      const flakyBefore = runs.flaky;
      assertEquals(await redriveDeadLetters(new KvEventQueue(kv)), { redriven: 1, parked: 0 });
      await eventually(() => Promise.resolve(runs.flaky), (n) => n === flakyBefore + 1, "the recovered worker");
      await new Promise((r) => setTimeout(r, 100));
      assertEquals(runs.steady, 1, "the worker that had finished does not run again");
      assertEquals(await letters(kv), []);
      assertEquals(await redriveDeadLetters(new KvEventQueue(kv)), { redriven: 0, parked: 0 });
    } finally {
      kv.close();
      await listening;
    }
  },
});

Deno.test("[dead letters] sweeps at once redrive a letter once; a spent or unreadable letter stays parked", async () => {
  const kv = await Deno.openKv(":memory:");
  const fresh = newEvent("post.created", "1");
  const spent = { ...newEvent("post.created", "2"), redrives: 3 };
  await kv.set(["dead_letters", fresh.eventId], fresh);
  await kv.set(["dead_letters", spent.eventId], spent);
  await kv.set(["dead_letters", "junk"], { hello: "world" });

  const results = await Promise.all([1, 2, 3].map(() => redriveDeadLetters(new KvEventQueue(kv), 3)));
  assertEquals(results.reduce((n, r) => n + r.redriven, 0), 1);
  assert(results.every((r) => r.parked === 2));
  assertEquals((await letters(kv)).sort((a, b) => String(a.id).localeCompare(String(b.id))), [
    { id: "2", redrives: 3 },
    { id: null, redrives: 0 },
  ]);

  // The operator's replay gives the spent one its redrives back; the unreadable one stays for them to look at.
  assertEquals(await unpark(new KvEventQueue(kv)), 1);
  assertEquals(await redriveDeadLetters(new KvEventQueue(kv), 3), { redriven: 1, parked: 1 });

  const delivered: DomainEvent[] = [];
  const listening = kv.listenQueue((m) => void delivered.push(m as DomainEvent));
  try {
    await eventually(() => Promise.resolve(delivered.length), (n) => n >= 2, "the redriven events");
    await new Promise((r) => setTimeout(r, 50));
    assertEquals(delivered.sort((a, b) => a.id.localeCompare(b.id)), [{ ...fresh, redrives: 1 }, {
      ...spent,
      redrives: 1,
    }]);
  } finally {
    kv.close();
    await listening;
  }
});

Deno.test("[dead letters] the sweep runs on its timer, logs what it did, and stops", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const event = newEvent("job.created", "5");
    await kv.set(["dead_letters", event.eventId], event);
    const logs: Record<string, unknown>[] = [];
    const scheduler = new TimerScheduler();
    scheduler.add({ ...redriveSweep(new KvEventQueue(kv), (l) => logs.push(l)), intervalMs: 20 });
    await eventually(() => Promise.resolve(logs.length), (n) => n >= 1, "a sweep");
    await scheduler.stop();
    assertEquals(logs[0], { level: "info", msg: "dead letters redriven", redriven: 1, parked: 0 });
    assertEquals(await letters(kv), []);
  } finally {
    kv.close();
  }
});
