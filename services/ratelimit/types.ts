// The rate-limiter port: counters in fixed windows and timed locks, shared by every instance when Redis is configured.

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
