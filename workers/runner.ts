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
import type { DomainEvent } from "../services/store/model.ts";
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

/** How a stop went: handlers that finished in time, and those cut off at the deadline (their events come back). */
export interface StopReport {
  finished: number;
  abandoned: number;
}

/** The queue listener: settles when the KV handle closes. `stop` comes first on a graceful stop (services/shutdown.ts). */
export type QueueConsumer = Promise<void> & {
  /**
   * Takes no new message (each goes back to the queue for the next start or another instance), then waits up to
   * `withinMs` for the running handlers. Those still running then give up their claims and send their event back,
   * so it comes again at once instead of waiting out a five-minute lease.
   */
  stop(withinMs: number): Promise<StopReport>;
  /**
   * After `stop`, and after the last writer that enqueues (the outbox relay) has stopped: resolves once no handler
   * has run for `quietMs` (at most `withinMs`), so the handle can close. A message Deno's listener took at the moment
   * its handle closed stays claimed inside the KV file for about a minute before it comes back.
   */
  settle(quietMs: number, withinMs: number): Promise<void>;
};

interface Delivery {
  event: DomainEvent;
  /** The worker claims this delivery may hold now. */
  claims: Set<Deno.KvKey>;
  /** Settles when the handler is done, either way. */
  settled: Promise<unknown>;
  cutOff(): void;
}

/**
 * How soon an event turned away by a stopping instance comes back (to this one after a restart, or another): later
 * than the stop takes to settle and close the handle, so it is not taken again by the instance that is stopping.
 */
const TURNED_AWAY_DELAY_MS = 5_000;

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
): QueueConsumer {
  let stopping = false;
  const running = new Set<Delivery>();
  // Handlers under way, those that only send their event back included, and when the last one ended.
  let active = 0;
  let lastEnded = performance.now();

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

  // Sends an event back untouched (not counted as a retry), for a stopping instance.
  const sendBack = (event: DomainEvent) =>
    kv.enqueue(event, {
      delay: TURNED_AWAY_DELAY_MS,
      backoffSchedule: retryMs,
      keysIfUndelivered: [deadLetterKey(event)],
    });

  const handle = async (message: DomainEvent, claims: Set<Deno.KvKey>) => {
    const failures: string[] = [];
    for (const worker of workers.filter((w) => w.handles.includes(message.type))) {
      // Two deliveries of one event may run at once: the claim lets one of them in.
      try {
        const key: Deno.KvKey = ["worker_events", worker.name, message.eventId];
        claims.add(key);
        const outcome = await runOnce(kv, key, LEDGER, () => worker.run(message)).finally(() => claims.delete(key));
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
  };

  const deliver = async (message: unknown) => {
    if (!isDomainEvent(message)) {
      log({ level: "warn", msg: "dropped a queue message that is not a domain event" });
      return;
    }
    // Nothing is claimed yet: the event waits for the next start or another instance.
    if (stopping) return void await sendBack(message);
    const claims = new Set<Deno.KvKey>();
    let cutOff!: () => void;
    const cut = new Promise<void>((resolve) => cutOff = resolve);
    const work = handle(message, claims);
    const delivery: Delivery = { event: message, claims, settled: work.catch(() => {}), cutOff };
    running.add(delivery);
    try {
      await Promise.race([work, cut]);
    } finally {
      running.delete(delivery);
    }
  };

  const listening = kv.listenQueue(async (message: unknown) => {
    active++;
    try {
      await deliver(message);
    } finally {
      active--;
      lastEnded = performance.now();
    }
  });

  const stop = async (withinMs: number): Promise<StopReport> => {
    stopping = true;
    const waiting = [...running];
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(waiting.map((d) => d.settled)),
      new Promise((resolve) => timer = setTimeout(resolve, withinMs)),
    ]);
    clearTimeout(timer);
    const late = waiting.filter((d) => running.has(d));
    for (const delivery of late) {
      // The handler runs on until the process ends, but its claims go now, so the event's return is not kept waiting.
      for (const key of delivery.claims) await releaseClaim(kv, key);
      await sendBack(delivery.event);
      delivery.cutOff();
    }
    return { finished: waiting.length - late.length, abandoned: late.length };
  };

  const settle = async (quietMs: number, withinMs: number): Promise<void> => {
    const until = performance.now() + withinMs;
    while (performance.now() < until && (active > 0 || performance.now() - lastEnded < quietMs)) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(quietMs, 20)));
    }
  };

  return Object.assign(listening, { stop, settle });
}

/** Deletes a worker's claim that is still "running" (never a "done" record another delivery wrote meanwhile). */
async function releaseClaim(kv: Deno.Kv, key: Deno.KvKey): Promise<void> {
  const entry = await kv.get(key);
  if (entry.value !== LEDGER.running) return;
  await kv.atomic().check(entry).delete(key).commit();
}
