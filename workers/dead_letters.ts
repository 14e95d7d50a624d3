// Dead letters: events the queue gave up on after its last retry (kept by the queue: Deno KV under
// ["dead_letters", eventId], or the dead_letters table on MySQL). An outage longer than the retry schedule (about 71
// minutes: SMTP away for an afternoon) would otherwise park them for good, so a sweep sends them back to the queue
// once an hour (services/scheduler.ts), each at most REDRIVE_MAX times (each time with the queue's whole schedule:
// about two days of tries in all). The workers are idempotent per event (workers/runner.ts), so a redriven event only does what it had
// not done. What is left after that waits for an operator: `deno task dead-letters`.
import type { DomainEvent } from "../services/store/model.ts";
import type { DeadLetter, EventQueue } from "../services/store/ports/queue.ts";
import type { Sweep } from "../services/scheduler.ts";
import type { WorkerLog } from "./runner.ts";

export type { DeadLetter };

export const REDRIVE_INTERVAL_MS = 60 * 60 * 1000;
/** Redrives an event gets before it stays parked. */
export const REDRIVE_MAX = 24;

/** A letter no sweep sends back: not an event, or out of redrives. */
export function isParked(letter: DeadLetter, max = REDRIVE_MAX): boolean {
  return !letter.event || letter.redrives >= max;
}

/**
 * Sends every dead letter with redrives left back to the queue: the letter is removed and the event queued in one
 * commit that checks the letter is unchanged, so instances sweeping at once redrive it once.
 */
export async function redriveDeadLetters(
  queue: EventQueue,
  max = REDRIVE_MAX,
): Promise<{ redriven: number; parked: number }> {
  let redriven = 0;
  let parked = 0;
  for await (const letter of queue.deadLetters()) {
    if (!letter.event || isParked(letter, max)) {
      parked++;
      continue;
    }
    const event: DomainEvent = { ...letter.event, redrives: letter.redrives + 1 };
    if (await queue.redrive(letter, event)) redriven++;
  }
  return { redriven, parked };
}

/**
 * Gives every parked letter its redrives back (an operator's `deno task dead-letters --replay`, once the cause is
 * fixed): the next sweep of a running instance sends them. Resolves to how many it gave back.
 */
export async function unpark(queue: EventQueue): Promise<number> {
  let n = 0;
  for await (const letter of queue.deadLetters()) {
    if (!letter.event || letter.redrives === 0) continue;
    if (await queue.replaceDeadLetter(letter, { ...letter.event, redrives: 0 })) n++;
  }
  return n;
}

/** The hourly redrive, for the scheduler (services/scheduler.ts); it logs only when it found letters. */
export function redriveSweep(queue: EventQueue, log: WorkerLog): Sweep {
  return {
    name: "dead-letter-redrive",
    intervalMs: REDRIVE_INTERVAL_MS,
    run: async () => {
      const { redriven, parked } = await redriveDeadLetters(queue);
      if (redriven > 0 || parked > 0) {
        log({ level: parked > 0 ? "warn" : "info", msg: "dead letters redriven", redriven, parked });
      }
    },
  };
}
