// The queue port and the records beside it (ports/queue.ts, once.ts, dirty.ts), as every store serves them: Deno
// KV's queue and keys, or the MySQL outbox and tables. Part of storeContract.
import { telemetryOn } from "../telemetry.ts";
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { runOnce } from "../once.ts";
import { eventually } from "../testing.ts";
import { type ContractTest, newUser } from "./contract.ts";
import type { DomainEvent } from "./model.ts";
import type { DeadLetter, Verdict } from "./ports/queue.ts";
import type { Store } from "./store.ts";

async function letters(store: Store): Promise<DeadLetter[]> {
  const all: DeadLetter[] = [];
  for await (const letter of store.queue.deadLetters()) all.push(letter);
  return all;
}

const TERMS = { leaseMs: 60_000, doneForMs: 60_000 };

export function queueContract(test: ContractTest) {
  test("[queue] a verdict is kept: a retry and a send-back come again, a dead event waits as a letter", async (store) => {
    const seen: DomainEvent[] = [];
    const verdicts: ((e: DomainEvent) => Verdict)[] = [
      (e) => ({ kind: "retry", event: { ...e, retries: 1 }, delayMs: 10 }),
      () => ({ kind: "back", delayMs: 10 }),
      (e) => ({ kind: "dead", event: e }),
    ];
    store.queue.listen((event) => {
      if (event.type !== "user.created") return Promise.resolve({ kind: "done" });
      seen.push(event);
      return Promise.resolve(verdicts[Math.min(seen.length, verdicts.length) - 1](event));
    }, () => {});
    const ada = await store.createUser(newUser(1));
    const [letter] = await eventually(() => letters(store), (l) => l.length === 1, "the dead letter");
    assertEquals(seen.map((e) => [e.id, e.retries]), [[ada.id, undefined], [ada.id, 1], [ada.id, 1]]);
    assertEquals(new Set(seen.map((e) => e.eventId)).size, 1, "one event throughout");
    assertEquals([letter.event, letter.redrives], [seen[2], 0]);
  });

  test("[queue] a redrive sends a letter back once; a letter changed meanwhile is left alone", async (store) => {
    const seen: DomainEvent[] = [];
    store.queue.listen((event) => {
      if (event.type !== "post.created") return Promise.resolve({ kind: "done" });
      seen.push(event);
      return Promise.resolve(seen.length === 1 ? { kind: "dead", event } : { kind: "done" });
    }, () => {});
    const ada = await store.createUser(newUser(1));
    const post = await store.createPost({ authorId: ada.id, content: "hello" });
    const [letter] = await eventually(() => letters(store), (l) => l.length === 1, "the dead letter");
    assertEquals(letter.event?.id, post.id);
    const again = { ...letter.event!, redrives: 1 };
    const results = await Promise.all([store.queue.redrive(letter, again), store.queue.redrive(letter, again)]);
    assertEquals(results.sort(), [false, true], "two sweeps at once redrive it once");
    await eventually(() => Promise.resolve(seen.length), (n) => n === 2, "the redriven event");
    assertEquals(seen[1], again);
    assertEquals(await letters(store), []);
  });

  test("[queue] an operator's replay rewrites a letter only if it is unchanged", async (store) => {
    store.queue.listen((event) => Promise.resolve({ kind: "dead", event: { ...event, redrives: 24 } }), () => {});
    await store.createUser(newUser(1));
    const [letter] = await eventually(() => letters(store), (l) => l.length >= 1, "the dead letter");
    assertEquals(letter.redrives, 24);
    assertEquals(await store.queue.replaceDeadLetter(letter, { ...letter.event!, redrives: 0 }), true);
    assertEquals(await store.queue.replaceDeadLetter(letter, { ...letter.event!, redrives: 5 }), false, "stale");
    assertEquals((await letters(store)).map((l) => l.redrives), [0]);
  });

  test("[queue] the backlog counts the events not done yet, from the oldest, and the dead letters", async (store) => {
    // Deno KV keeps the ledger that counts its queue only while telemetry is on (OTEL_DENO=true).
    const counted = store.kind === "mysql" || telemetryOn;
    const none = counted ? 0 : null;
    assertEquals(await store.queue.backlog(), { depth: none, oldestAt: null, deadLetters: 0 });
    const before = Date.now();
    await store.createUser(newUser(1));
    const waiting = await store.queue.backlog();
    assertEquals([waiting.depth, waiting.deadLetters], [counted ? 1 : null, 0]);
    // Stamped by the store's clock (MySQL's NOW), so only loosely compared with this one.
    if (counted) assert(Math.abs(Date.parse(waiting.oldestAt!) - before) < 60_000, waiting.oldestAt ?? "no oldest");
    else assertEquals(waiting.oldestAt, null);
    store.queue.listen((event) => Promise.resolve({ kind: "dead", event }), () => {});
    await eventually(() => store.queue.backlog(), (b) => b.depth === none && b.deadLetters === 1, "the event buried");
    assertEquals((await store.queue.backlog()).oldestAt, null);
  });

  test("[once] work runs once; a second claim sees it done, or busy while it runs; a failure frees the key", async (store) => {
    const key = ["worker_events", "contract", crypto.randomUUID()];
    let runs = 0;
    let during: string | undefined;
    const ran = await runOnce(store.once, key, TERMS, async () => {
      runs++;
      during = await runOnce(store.once, key, TERMS, () => Promise.resolve(void runs++));
    });
    assertEquals([ran, during, runs], ["ran", "busy", 1]);
    assertEquals(await runOnce(store.once, key, TERMS, () => Promise.resolve(void runs++)), "done");
    await store.once.release(key);
    assertEquals(await store.once.claim(key, 60_000), "done", "releasing never drops a done record");

    const other = ["mail_sent", `welcome:${crypto.randomUUID()} ✉️`];
    await assertRejects(() => runOnce(store.once, other, TERMS, () => Promise.reject(new Error("down"))), "down");
    assertEquals(await runOnce(store.once, other, TERMS, () => Promise.resolve(void runs++)), "ran");
    assertEquals(runs, 2);
  });

  test("[dirty] a record keeps its first mark; a sweep's change to a record changed since does nothing", async (store) => {
    await store.searchDirty.markDirty("posts", "7");
    const [first] = await store.searchDirty.listDirty(10);
    await store.searchDirty.markDirty("posts", "7");
    await store.searchDirty.markDirty("people", "8");
    const listed = await store.searchDirty.listDirty(10);
    assertEquals(listed.map((r) => [r.type, r.id, r.failures]).sort(), [["people", "8", 0], ["posts", "7", 0]]);
    assertEquals(listed.find((r) => r.id === "7")?.since, first.since, "marking again keeps the first mark");
    assertEquals((await store.searchDirty.listDirty(1)).length, 1);

    await store.searchDirty.failDirty(first);
    await store.searchDirty.failDirty(first); // read before the first failure: stale
    const [failed] = (await store.searchDirty.listDirty(10)).filter((r) => r.id === "7");
    assertEquals(failed.failures, 1);
    await store.searchDirty.clearDirty(first);
    assert((await store.searchDirty.listDirty(10)).some((r) => r.id === "7"), "a stale clear leaves it");
    await store.searchDirty.clearDirty(failed);
    assertEquals((await store.searchDirty.listDirty(10)).map((r) => r.id), ["8"]);
  });
}
