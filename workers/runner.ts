// The queue consumer: every domain event a store commits reaches the workers that handle its type. Delivery is at
// least once, so each worker's success is recorded per event (services/once.ts) and a redelivery never runs a finished
// worker again: an effect is never lost and never doubled.
//
// A failed worker is retried by the runner's verdict rather than by throwing to the queue: the event comes back
// after the waits of services/store/events.ts and, after the last, is kept as a dead letter. The queue records the
// verdict (services/store/ports/queue.ts: Deno KV's queue, or the MySQL outbox); a process that dies mid-event gets
// the queue's own redelivery.
import { RETRY_SCHEDULE_MS } from "../services/store/events.ts";
import type { DomainEvent } from "../services/store/model.ts";
import type { EventQueue, Verdict } from "../services/store/ports/queue.ts";
import type { OnceStore } from "../services/store/ports/once.ts";
import { type OnceTerms, runOnce } from "../services/once.ts";
import { traced } from "../services/telemetry.ts";

export interface Worker {
  /** Stable name: it keys the record of which events this worker finished. */
  name: string;
  handles: DomainEvent["type"][];
  /** Takes ids from the event and reloads; treats a missing record as done. Throw to have the event retried. */
  run(event: DomainEvent): Promise<void>;
}

/** How long a worker remembers it finished an event: longer than the event can come back (dead_letters_test.ts). */
export const DONE_FOR_MS = 7 * 24 * 3600 * 1000;

export type WorkerLog = (fields: Record<string, unknown>) => void;

/** Where the workers take events from and record what they finished: the store's (or, in tests, a KV's). */
export interface WorkSource {
  queue: EventQueue;
  once: OnceStore;
}

/** How a stop went: handlers that finished in time, and those cut off at the deadline (their events come back). */
export interface StopReport {
  finished: number;
  abandoned: number;
}

/** The queue listener: settles when it has ended. `stop` comes first on a graceful stop (services/shutdown.ts). */
export type QueueConsumer = Promise<void> & {
  /**
   * Takes no new event (each stays on the queue for the next start or another instance), then waits up to
   * `withinMs` for the running handlers. Those still running then give up their claims and send their event back,
   * so it comes again at once instead of waiting out a lease.
   */
  stop(withinMs: number): Promise<StopReport>;
  /**
   * After `stop`, and after the last writer has stopped: resolves once no handler has run for `quietMs` (at most
   * `withinMs`), so the queue can close.
   */
  settle(quietMs: number, withinMs: number): Promise<void>;
};

interface Delivery {
  /** The worker claims this delivery may hold now. */
  claims: Set<string[]>;
  /** Settles when the handler is done, either way. */
  settled: Promise<unknown>;
  /** Sends the event back without waiting for the handler; resolves once the queue has that verdict to record. */
  cutOff(): Promise<void>;
}

/**
 * How soon an event given up at the stop deadline comes back (to this one after a restart, or another): later than
 * the stop takes to settle and close, so it is not taken again by the instance that is stopping.
 */
const CUT_OFF_DELAY_MS = 5_000;

export interface RunnerOptions {
  /** Waits before each retry of an event a worker failed; after the last, it becomes a dead letter. */
  retryMs?: number[];
}

/** Starts consuming `source.queue` (one listener per queue; it ends when stopped or when the queue closes). */
export function startWorkers(
  source: WorkSource,
  workers: Worker[],
  log: WorkerLog,
  { retryMs = RETRY_SCHEDULE_MS }: RunnerOptions = {},
): QueueConsumer {
  const { queue, once } = source;
  const running = new Set<Delivery>();
  // "running" for as long as another delivery must wait (a crashed process: the queue's own lease), then "done" for
  // longer than the event can come back: the retries and the dead-letter redrives (about two days in all).
  const terms: OnceTerms = { leaseMs: queue.claimLeaseMs, doneForMs: DONE_FOR_MS };

  const verdict = (event: DomainEvent, failures: string[]): Verdict => {
    if (failures.length === 0) return { kind: "done" };
    const { retries: done = 0, ...first } = event;
    if (done >= retryMs.length) {
      log({
        level: "error",
        msg: "an event failed for good; kept as a dead letter",
        event: event.type,
        eventId: event.eventId,
        workers: failures,
      });
      return { kind: "dead", event: first };
    }
    return { kind: "retry", event: { ...first, retries: done + 1 }, delayMs: retryMs[done] };
  };

  const handle = async (message: DomainEvent, claims: Set<string[]>): Promise<Verdict> => {
    const failures: string[] = [];
    for (const worker of workers.filter((w) => w.handles.includes(message.type))) {
      // Two deliveries of one event may run at once: the claim lets one of them in.
      try {
        const key = ["worker_events", worker.name, message.eventId];
        claims.add(key);
        const run = () => traced(`worker ${worker.name}`, { "prok.worker": worker.name }, () => worker.run(message));
        const outcome = await runOnce(once, key, terms, run).finally(() => claims.delete(key));
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
    return verdict(message, failures);
  };

  const listener = queue.listen(async (event) => {
    const claims = new Set<string[]>();
    let cutOff!: () => void;
    const cut = new Promise<Verdict>((resolve) => cutOff = () => resolve({ kind: "back", delayMs: CUT_OFF_DELAY_MS }));
    const work = traced(`queue ${event.type}`, {
      "messaging.operation.type": "process",
      "prok.event.type": event.type,
      "prok.event.id": event.eventId,
      "prok.event.retries": event.retries ?? 0,
    }, () => handle(event, claims));
    const answered = Promise.withResolvers<void>();
    const delivery: Delivery = {
      claims,
      settled: work.catch(() => {}),
      cutOff: () => (cutOff(), answered.promise),
    };
    running.add(delivery);
    try {
      return await Promise.race([work, cut]);
    } finally {
      running.delete(delivery);
      answered.resolve();
    }
  }, log);

  const stop = async (withinMs: number): Promise<StopReport> => {
    listener.stop();
    const waiting = [...running];
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(waiting.map((d) => d.settled)),
      new Promise((resolve) => timer = setTimeout(resolve, withinMs)),
    ]);
    clearTimeout(timer);
    const late = waiting.filter((d) => running.has(d));
    const answers: Promise<void>[] = [];
    for (const delivery of late) {
      // The handler runs on until the process ends, but its claims go now, so the event's return is not kept waiting.
      for (const key of delivery.claims) await once.release(key);
      answers.push(delivery.cutOff());
    }
    // A queue closed right after this must have had the send-backs already, or the events wait out a lease.
    await Promise.all(answers);
    return { finished: waiting.length - late.length, abandoned: late.length };
  };

  return Object.assign(listener.ended, { stop, settle: listener.settle });
}
