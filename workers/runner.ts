// The queue consumer: every domain event a store commits reaches the workers that handle its type. Delivery is at
// least once, so each worker's success is recorded per event and a redelivery never runs a finished worker again: an
// effect is never lost and never doubled.
//
// A failed worker is retried by the runner itself rather than by throwing to the queue: Deno prints its own
// multi-line "Exception in queue handler" for a handler that throws, outside the app's JSON log. The runner sends the
// event back with the waits of services/store/events.ts and, after the last, keeps it as a dead letter, as the queue
// would. A process that dies mid-event still gets the queue's own redelivery (the options it was enqueued with).
import { RETRY_SCHEDULE_MS } from "../services/store/events.ts";
import { isDomainEvent } from "../services/store/events.ts";
import type { DomainEvent } from "../services/store/types.ts";
import { type OnceLedger, runOnce } from "../services/kv_once.ts";

export interface Worker {
  /** Stable name: it keys the record of which events this worker finished. */
  name: string;
  handles: DomainEvent["type"][];
  /** Takes ids from the event and reloads; treats a missing record as done. Throw to have the event retried. */
  run(event: DomainEvent): Promise<void>;
}

/** How long a worker remembers it finished an event: longer than the event can come back (dead_letters_test.ts). */
export const DONE_FOR_MS = 7 * 24 * 3600 * 1000;

/**
 * A worker's record of an event: "running" for as long as another delivery must wait (a crashed process), then "done"
 * for longer than the event can come back: the retries and the dead-letter redrives (about two days in all).
 */
const LEDGER: OnceLedger<string> = {
  running: "running",
  done: () => "done",
  isDone: (value) => value === "done",
  leaseMs: 5 * 60 * 1000,
  doneForMs: DONE_FOR_MS,
};

export type WorkerLog = (fields: Record<string, unknown>) => void;

export interface RunnerOptions {
  /** Waits before each retry of an event a worker failed; after the last, it becomes a dead letter. */
  retryMs?: number[];
}

/** Where an event that failed for good is kept (workers/dead_letters.ts sends it back later). */
export function deadLetterKey(event: DomainEvent): Deno.KvKey {
  return ["dead_letters", event.eventId];
}

/** Starts consuming the queue of `kv` (one listener per KV handle; it stops when the handle closes). */
export function startWorkers(
  kv: Deno.Kv,
  workers: Worker[],
  log: WorkerLog,
  { retryMs = RETRY_SCHEDULE_MS }: RunnerOptions = {},
): Promise<void> {
  async function retry(event: DomainEvent, failures: string[]): Promise<void> {
    const { retries: done = 0, ...first } = event;
    if (done >= retryMs.length) {
      await kv.set(deadLetterKey(event), first);
      log({
        level: "error",
        msg: "an event failed for good; kept as a dead letter",
        event: event.type,
        eventId: event.eventId,
        workers: failures,
      });
      return;
    }
    await kv.enqueue({ ...first, retries: done + 1 } satisfies DomainEvent, {
      delay: retryMs[done],
      backoffSchedule: retryMs,
      keysIfUndelivered: [deadLetterKey(event)],
    });
  }

  return kv.listenQueue(async (message: unknown) => {
    if (!isDomainEvent(message)) {
      log({ level: "warn", msg: "dropped a queue message that is not a domain event" });
      return;
    }
    const failures: string[] = [];
    for (const worker of workers.filter((w) => w.handles.includes(message.type))) {
      // Two deliveries of one event may run at once: the claim lets one of them in.
      try {
        const key: Deno.KvKey = ["worker_events", worker.name, message.eventId];
        const outcome = await runOnce(kv, key, LEDGER, () => worker.run(message));
        // Retried later, when the other delivery has finished.
        if (outcome === "busy") failures.push(`${worker.name} (busy elsewhere)`);
      } catch (err) {
        failures.push(worker.name);
        log({
          level: "error",
          msg: "worker failed; the event will be retried",
          worker: worker.name,
          event: message.type,
          eventId: message.eventId,
          retries: message.retries ?? 0,
          error: err,
        });
      }
    }
    if (failures.length) await retry(message, failures);
  });
}
