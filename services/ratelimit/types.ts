// The rate-limiter port: counters in fixed windows, timed locks and capped leases, shared by every instance when Redis
// is configured.

export interface WindowCount {
  /** Hits in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends and the count starts again. */
  resetInMs: number;
}

export interface RateLimiter {
  readonly kind: "memory" | "redis";
  /** Counts one hit on `key` in a window of `windowMs` that starts with the first hit. */
  hit(key: string, windowMs: number): Promise<WindowCount>;
  /** The current window of `key` without counting a hit (count 0 when there is none). */
  peek(key: string): Promise<WindowCount>;
  /** Blocks `key` for `ms`, or longer if it is already blocked longer. */
  lock(key: string, ms: number): Promise<void>;
  /** Milliseconds `key` stays blocked (0 when it is not). */
  lockedFor(key: string): Promise<number>;
  /** Forgets the window and the lock of `key` (a successful sign-in clears its failures). */
  reset(key: string): Promise<void>;
  /**
   * Takes a lease on `key` for `holder` (say, one open socket of a member) lasting `ttlMs`, unless `key` already has
   * `max` live holders: false then. A holder that has one already keeps it, renewed. Leases not renewed lapse by
   * themselves, so a process that dies holding some frees them within `ttlMs`.
   */
  acquireLease(key: string, holder: string, max: number, ttlMs: number): Promise<boolean>;
  /** Extends `holder`'s lease on `key` to `ttlMs` from now, taking it again if it lapsed (or the backend lost it). */
  renewLease(key: string, holder: string, ttlMs: number): Promise<void>;
  /** Gives the lease back; harmless when it is gone already. */
  releaseLease(key: string, holder: string): Promise<void>;
  /** How many live leases `key` has. */
  countLeases(key: string): Promise<number>;
  /** Answers when the backend answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A limit scaled by PROK_RATE_LIMIT_FACTOR (load tests raise it, never to zero): at least one hit is always allowed.
 */
export function scaledLimit(limit: number, factor: number): number {
  return Math.max(1, Math.floor(limit * factor));
}
