// How domain events ride the Deno KV queue, shared by both store adapters: made the same way, retried with growing
// waits, and kept as a dead letter after the last try instead of vanishing.
import type { DomainEvent } from "./types.ts";

/** A new event about record `id`; `members` names who the record joined, for events that outlive the record. */
export function newEvent(type: DomainEvent["type"], id: string, at = new Date(), members?: string[]): DomainEvent {
  const event: DomainEvent = { type, id, eventId: crypto.randomUUID(), at: at.toISOString() };
  if (members) event.members = [...members];
  return event;
}

/** Waits between delivery attempts of a failing event (Deno KV allows five): 1 s, 10 s, 1 min, 10 min, 1 h. */
export const RETRY_SCHEDULE_MS = [1_000, 10_000, 60_000, 600_000, 3_600_000];

export function enqueueOptions(event: DomainEvent): { backoffSchedule: number[]; keysIfUndelivered: Deno.KvKey[] } {
  return { backoffSchedule: RETRY_SCHEDULE_MS, keysIfUndelivered: [["dead_letters", event.eventId]] };
}

export function isDomainEvent(value: unknown): value is DomainEvent {
  const e = value as DomainEvent;
  return typeof e === "object" && e !== null && typeof e.type === "string" && typeof e.id === "string" &&
    typeof e.eventId === "string" && typeof e.at === "string";
}
