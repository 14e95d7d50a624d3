// How domain events ride the queue, shared by both store adapters: made the same way, held back by type, retried
// with growing waits, and kept as a dead letter after the last try instead of vanishing.
import type { DomainEvent } from "./model.ts";

/** A new event about record `id`; `members` names who the record joined, for events that outlive the record. */
export function newEvent(type: DomainEvent["type"], id: string, at = new Date(), members?: string[]): DomainEvent {
  const event: DomainEvent = { type, id, eventId: crypto.randomUUID(), at: at.toISOString() };
  if (members) event.members = [...members];
  return event;
}

/** Waits between delivery attempts of a failing event (Deno KV allows five): 1 s, 10 s, 1 min, 10 min, 1 h. */
export const RETRY_SCHEDULE_MS = [1_000, 10_000, 60_000, 600_000, 3_600_000];

/** How long after a message its `message.created` reaches the workers: the unread-messages email waits this long. */
export const MESSAGE_CREATED_DELAY_MS = 15 * 60 * 1000;

/** Events the queue holds back, by type: delivered this long after the event's `at`, not at once. */
const DELAYS: Partial<Record<DomainEvent["type"], number>> = { "message.created": MESSAGE_CREATED_DELAY_MS };

/** When `event` is first due: its `at`, plus the hold-back of its type. */
export function dueAt(event: DomainEvent): Date {
  const at = Date.parse(event.at);
  const base = Number.isNaN(at) ? Date.now() : at;
  return new Date(base + (DELAYS[event.type] ?? 0));
}

export interface EnqueueOptions {
  backoffSchedule: number[];
  keysIfUndelivered: Deno.KvKey[];
  /** Milliseconds before the first delivery (absent: at once). */
  delay?: number;
}

/**
 * How `event` rides the Deno KV queue. A delayed type waits its delay counted from the event's `at`, not from `now`
 * (a dead letter redriven long after its commit is due at once). It never waits longer than the delay, and never
 * less than zero.
 */
export function enqueueOptions(event: DomainEvent, now: number = Date.now()): EnqueueOptions {
  const options: EnqueueOptions = {
    backoffSchedule: RETRY_SCHEDULE_MS,
    keysIfUndelivered: [["dead_letters", event.eventId]],
  };
  const wait = DELAYS[event.type];
  if (wait !== undefined) {
    const at = Date.parse(event.at);
    const left = Number.isNaN(at) ? wait : at + wait - now;
    options.delay = Math.max(0, Math.min(wait, left));
  }
  return options;
}

export function isDomainEvent(value: unknown): value is DomainEvent {
  const e = value as DomainEvent;
  return typeof e === "object" && e !== null && typeof e.type === "string" && typeof e.id === "string" &&
    typeof e.eventId === "string" && typeof e.at === "string" &&
    (e.redrives === undefined || Number.isSafeInteger(e.redrives)) &&
    (e.retries === undefined || Number.isSafeInteger(e.retries));
}
