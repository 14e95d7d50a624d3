// Dead letters: events the queue gave up on after its last retry, which Deno KV keeps under ["dead_letters", eventId]
// (services/store/events.ts). An outage longer than the retry schedule (about 71 minutes: SMTP away for an
// afternoon) would otherwise park them for good, so every instance sends them back to the queue once an hour, each
// at most REDRIVE_MAX times (each time with the queue's whole schedule: about two days of tries in all). The workers
// are idempotent per event (workers/runner.ts), so a redriven event only does what it had not done. What is left
// after that waits for an operator: `deno task dead-letters`. The sweep runs inside the app because a Deno KV queue
// only wakes the listeners of the process that enqueued.
import { type EnqueueOptions, enqueueOptions, isDomainEvent } from "../services/store/events.ts";
import type { DomainEvent } from "../services/store/model.ts";
import type { WorkerLog } from "./runner.ts";

export const REDRIVE_INTERVAL_MS = 60 * 60 * 1000;
/** Redrives an event gets before it stays parked. */
export const REDRIVE_MAX = 24;
const PREFIX: Deno.KvKey = ["dead_letters"];

export interface DeadLetter {
  key: Deno.KvKey;
  /** The event as it was last enqueued, or null when the value is not one (kept for an operator to look at). */
  event: DomainEvent | null;
  /** How many times it was sent back already. */
  redrives: number;
}

/** Every dead letter, oldest key first (keys are event ids: random, so the order means nothing more). */
export async function* deadLetters(kv: Deno.Kv): AsyncGenerator<DeadLetter & { versionstamp: string }> {
  for await (const entry of kv.list({ prefix: PREFIX })) {
    const event = isDomainEvent(entry.value) ? entry.value : null;
    yield { key: entry.key, event, redrives: event?.redrives ?? 0, versionstamp: entry.versionstamp };
  }
}

/** A letter no sweep sends back: not an event, or out of redrives. */
export function isParked(letter: DeadLetter, max = REDRIVE_MAX): boolean {
  return !letter.event || letter.redrives >= max;
}

export interface RedriveOptions {
  max?: number;
  /** How the event rides the queue again (tests shorten the waits); it must keep it as a dead letter at the end. */
  options?: (event: DomainEvent) => EnqueueOptions;
}

/**
 * Sends every dead letter with redrives left back to the queue: the letter is removed and the event enqueued in one
 * atomic commit that checks the letter is unchanged, so instances sweeping at once redrive it once.
 */
export async function redriveDeadLetters(
  kv: Deno.Kv,
  { max = REDRIVE_MAX, options = enqueueOptions }: RedriveOptions = {},
): Promise<{ redriven: number; parked: number }> {
  let redriven = 0;
  let parked = 0;
  for await (const letter of deadLetters(kv)) {
    if (!letter.event || isParked(letter, max)) {
      parked++;
      continue;
    }
    const event: DomainEvent = { ...letter.event, redrives: letter.redrives + 1 };
    const { ok } = await kv.atomic()
      .check({ key: letter.key, versionstamp: letter.versionstamp })
      .delete(letter.key)
      .enqueue(event, options(event))
      .commit();
    if (ok) redriven++;
  }
  return { redriven, parked };
}

/**
 * Gives every parked letter its redrives back (an operator's `deno task dead-letters --replay`, once the cause is
 * fixed): the next sweep of a running instance sends them. Resolves to how many it gave back.
 */
export async function unpark(kv: Deno.Kv): Promise<number> {
  let n = 0;
  for await (const letter of deadLetters(kv)) {
    if (!letter.event || letter.redrives === 0) continue;
    const { ok } = await kv.atomic()
      .check({ key: letter.key, versionstamp: letter.versionstamp })
      .set(letter.key, { ...letter.event, redrives: 0 })
      .commit();
    if (ok) n++;
  }
  return n;
}

/** Redrives every `intervalMs` (and once soon after start) until stop(), which waits for a sweep under way. */
export function startRedriving(
  kv: Deno.Kv,
  log: WorkerLog,
  intervalMs = REDRIVE_INTERVAL_MS,
): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const run = () => {
    running ??= redriveDeadLetters(kv).then(({ redriven, parked }) => {
      if (redriven > 0 || parked > 0) {
        log({ level: parked > 0 ? "warn" : "info", msg: "dead letters redriven", redriven, parked });
      }
    }).catch((err) =>
      log({
        level: "error",
        msg: "dead-letter redrive failed",
        error: err instanceof Error ? err.message : String(err),
      })
    ).finally(() => running = null);
  };
  // The first sweep waits a minute: after a restart, the queue's own retries of what it holds go first.
  const first = setTimeout(run, Math.min(intervalMs, 60_000));
  const every = setInterval(run, intervalMs);
  Deno.unrefTimer(first);
  Deno.unrefTimer(every);
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
