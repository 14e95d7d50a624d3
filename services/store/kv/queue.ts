// The queue port on Deno KV's own queue: the store enqueues each event in the atomic commit of its write
// (events.ts's options), `listenQueue` delivers it, and the verdicts become new enqueues or dead letters
// (["dead_letters", eventId]). A process that dies mid-event gets Deno's own redelivery. Deno KV cannot say what
// its queue holds, so while telemetry is on the same commits keep a ledger of the events not done yet, for the backlog
// gauges. Off (the default), there is no ledger: it would cost every event a write that nothing reads.
import { enqueueOptions, isDomainEvent, RETRY_SCHEDULE_MS } from "../events.ts";
import type { DomainEvent } from "../model.ts";
import type { DeadLetter, EventQueue, QueueBacklog, QueueListener, QueueLog, Verdict } from "../ports/queue.ts";
import { telemetryOn } from "../../telemetry.ts";

/** Where an event that failed for good is kept. */
export function deadLetterKey(eventId: string): Deno.KvKey {
  return ["dead_letters", eventId];
}

const PREFIX: Deno.KvKey = ["dead_letters"];

/**
 * The ledger of events not yet done, oldest `at` first. One that Deno KV itself gave up on (its handler threw each
 * time) stays in it, and among the dead letters, until a redrive delivers it.
 */
const PENDING: Deno.KvKey = ["queue_pending"];

function pendingKey(event: DomainEvent): Deno.KvKey {
  return [...PENDING, event.at, event.eventId];
}

/** Whether the ledger is kept: only when something reads it. */
const LEDGER = telemetryOn;

/** Enqueues `event` in the commit `op`, and enters it in the ledger (the last verdict on it takes it out). */
export function enqueueEvent(op: Deno.AtomicOperation, event: DomainEvent): Deno.AtomicOperation {
  const queued = op.enqueue(event, enqueueOptions(event));
  return LEDGER ? queued.set(pendingKey(event), true) : queued;
}

/** Keys the backlog counts at most, so a gauge read stays one bounded scan; the count stops there. */
const COUNT_CAP = 10_000;

async function countKeys(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix }, { limit: COUNT_CAP })) n++;
  return n;
}

export class KvEventQueue implements EventQueue {
  readonly kind = "deno-kv";
  /** About when Deno KV delivers a message again whose handler never answered (a process that died). */
  readonly claimLeaseMs = 5 * 60 * 1000;

  constructor(readonly kv: Deno.Kv) {}

  /** One listener per KV handle; it ends when the handle closes. */
  listen(handle: (event: DomainEvent) => Promise<Verdict>, log: QueueLog): QueueListener {
    const kv = this.kv;
    let stopping = false;
    // Handlers under way, those that only send their event back included, and when the last one ended.
    let active = 0;
    let lastEnded = performance.now();

    const record = async (event: DomainEvent, verdict: Verdict): Promise<void> => {
      switch (verdict.kind) {
        case "done":
          return LEDGER ? await kv.delete(pendingKey(event)) : undefined;
        case "dead": {
          const op = kv.atomic().set(deadLetterKey(event.eventId), verdict.event);
          return void await (LEDGER ? op.delete(pendingKey(event)) : op).commit();
        }
        case "retry":
          return void await kv.enqueue(verdict.event, redelivery(verdict.event, verdict.delayMs));
        case "back":
          return void await kv.enqueue(event, redelivery(event, verdict.delayMs));
      }
    };

    const ended = kv.listenQueue(async (message: unknown) => {
      active++;
      try {
        if (!isDomainEvent(message)) {
          log({ level: "warn", msg: "dropped a queue message that is not a domain event" });
          return;
        }
        // Nothing is claimed yet: the event waits for the next start or another instance.
        if (stopping) return void await record(message, { kind: "back", delayMs: TURNED_AWAY_DELAY_MS });
        await record(message, await handle(message));
      } finally {
        active--;
        lastEnded = performance.now();
      }
    });

    return {
      ended,
      stop() {
        stopping = true;
      },
      // A message Deno's listener took at the moment its handle closed stays claimed inside the KV file for about a
      // minute before it comes back, so the handle closes only once the listener has been idle a while.
      async settle(quietMs, withinMs) {
        const until = performance.now() + withinMs;
        while (performance.now() < until && (active > 0 || performance.now() - lastEnded < quietMs)) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(quietMs, 20)));
        }
      },
    };
  }

  async backlog(): Promise<QueueBacklog> {
    const deadLetters = await countKeys(this.kv, PREFIX);
    if (!LEDGER) return { depth: null, oldestAt: null, deadLetters };
    const [depth, oldest] = await Promise.all([
      countKeys(this.kv, PENDING),
      Array.fromAsync(this.kv.list({ prefix: PENDING }, { limit: 1 })),
    ]);
    return { depth, oldestAt: oldest.length ? String(oldest[0].key[1]) : null, deadLetters };
  }

  async *deadLetters(): AsyncGenerator<DeadLetter> {
    for await (const entry of this.kv.list({ prefix: PREFIX })) {
      const event = isDomainEvent(entry.value) ? entry.value : null;
      yield { key: JSON.stringify(entry.key), event, redrives: event?.redrives ?? 0, version: entry.versionstamp };
    }
  }

  async redrive(letter: DeadLetter, event: DomainEvent): Promise<boolean> {
    const key = JSON.parse(letter.key) as Deno.KvKey;
    const op = this.kv.atomic().check({ key, versionstamp: letter.version }).delete(key);
    const { ok } = await enqueueEvent(op, event).commit();
    return ok;
  }

  async replaceDeadLetter(letter: DeadLetter, event: DomainEvent): Promise<boolean> {
    const key = JSON.parse(letter.key) as Deno.KvKey;
    const { ok } = await this.kv.atomic().check({ key, versionstamp: letter.version }).set(key, event).commit();
    return ok;
  }
}

/**
 * How soon an event turned away by a stopping instance comes back (to this one after a restart, or another): later
 * than the stop takes to settle and close the handle, so it is not taken again by the instance that is stopping.
 */
const TURNED_AWAY_DELAY_MS = 5_000;

/** An event sent back to the queue: after `delay`, with Deno's own retries for a process that dies meanwhile. */
function redelivery(event: DomainEvent, delay: number) {
  return { delay, backoffSchedule: RETRY_SCHEDULE_MS, keysIfUndelivered: [deadLetterKey(event.eventId)] };
}
