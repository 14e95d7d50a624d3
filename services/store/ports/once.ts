// Exactly-once bookkeeping for work a queue may deliver more than once, or two processes may start together: a
// worker's record of the events it finished, and the mail sent under each idempotency key (services/once.ts).

/** "claimed": the caller holds the key now; "running": another holds it; "done": the work was finished. */
export type ClaimOutcome = "claimed" | "running" | "done";

export interface OnceStore {
  /** Claims `key` for `leaseMs` unless a live record holds it (a claim whose lease passed is taken over). */
  claim(key: readonly string[], leaseMs: number): Promise<ClaimOutcome>;
  /** Records `key` as done for `forMs`. */
  finish(key: readonly string[], forMs: number): Promise<void>;
  /** Drops a claim still running (never a done record), so a retry may claim it at once. */
  release(key: readonly string[]): Promise<void>;
}
