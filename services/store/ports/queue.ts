// The queue port: how committed domain events reach the workers, and where the ones that failed for good are kept.
// Deno KV's own queue serves it when the store is Deno KV (kv/queue.ts); the outbox table itself when the store is
// MySQL (mysql/queue.ts), so no instance keeps work on its own disk.
import type { DomainEvent } from "../model.ts";

/** What became of a delivered event; the queue records it. */
export type Verdict =
  /** Every worker finished: the event is gone. */
  | { kind: "done" }
  /** Some worker failed: `event` (its retry count moved on) comes back after `delayMs`. */
  | { kind: "retry"; event: DomainEvent; delayMs: number }
  /** Out of retries: `event` is kept as a dead letter. */
  | { kind: "dead"; event: DomainEvent }
  /** Not handled (a stopping instance): the event comes back untouched after `delayMs`, for another instance. */
  | { kind: "back"; delayMs: number };

export type QueueLog = (fields: Record<string, unknown>) => void;

/** A running listener (one per queue). */
export interface QueueListener {
  /** Settles once the listener has ended: stopped and its last verdicts recorded, or its queue closed. */
  readonly ended: Promise<void>;
  /** Takes no new event from now on (one already taken is still handled and its verdict recorded). */
  stop(): void;
  /**
   * After `stop`: resolves once nothing was handled for `quietMs` (at most `withinMs`), so the queue can close
   * without a delivery caught half way.
   */
  settle(quietMs: number, withinMs: number): Promise<void>;
}

/** An event the queue gave up on. */
export interface DeadLetter {
  /** Names the letter for an operator. */
  key: string;
  /** The event as it was last tried, or null when what is stored is not one (kept for an operator to look at). */
  event: DomainEvent | null;
  /** How many times it was sent back already. */
  redrives: number;
  /** What the letter was when read: a redrive or unpark of a letter changed since does nothing. */
  version: string;
}

/** What waits on a queue, for the telemetry gauges. */
export interface QueueBacklog {
  /**
   * Events not yet done: due, held back or waiting for a retry. null: not counted (Deno KV counts them only while
   * telemetry is on, since the ledger that counts them costs a write per event).
   */
  depth: number | null;
  /** The `at` of the oldest of them; null when there are none. */
  oldestAt: string | null;
  deadLetters: number;
}

export interface EventQueue {
  readonly kind: "deno-kv" | "mysql";
  /**
   * How long a worker's claim on an event may stand before another delivery of it may run that worker (a process
   * that died mid-job): the queue redelivers no sooner.
   */
  readonly claimLeaseMs: number;
  /**
   * Delivers every due event to `handle`, at least once, and records the verdict. A `handle` that throws (its
   * ledger failed) leaves the event to come back as after a crash.
   */
  listen(handle: (event: DomainEvent) => Promise<Verdict>, log: QueueLog): QueueListener;
  /** How many events wait, since when, and how many were given up on. */
  backlog(): Promise<QueueBacklog>;
  /** Every dead letter, in no particular order. */
  deadLetters(): AsyncIterable<DeadLetter>;
  /** Removes `letter` and puts `event` on the queue, due now, in one commit; false when the letter changed. */
  redrive(letter: DeadLetter, event: DomainEvent): Promise<boolean>;
  /** Keeps `letter` as `event` (an operator's replay resets its redrives); false when the letter changed. */
  replaceDeadLetter(letter: DeadLetter, event: DomainEvent): Promise<boolean>;
}
