// What each member may write per minute and per hour, whatever carries the write (REST, a form page, the WebSocket):
// every budget is counted through the rate-limiter port, so all transports and all instances share one count per
// member. A new kind of write gets its line in BUDGETS and one `spend` call in its service.
import { RateLimitError, UnavailableError } from "./errors.ts";
import { log } from "./log.ts";
import { MemoryRateLimiter } from "./ratelimit/memory.ts";
import { type RateLimiter, scaledLimit, type WindowCount } from "./ratelimit/types.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface Window {
  count: number;
  windowMs: number;
}

/** Each write's windows (all must have room) and the message a member sees when one is spent. */
export const BUDGETS = {
  /** A lively chat stays far below 2 a second; a script does not. */
  message: {
    windows: [{ count: 120, windowMs: MINUTE }],
    refusal: "You are sending messages too fast; wait a moment.",
  },
  /** A burst for a member catching up on a thread of thoughts, and an hourly cap no person reaches by hand. */
  post: {
    windows: [{ count: 10, windowMs: MINUTE }, { count: 60, windowMs: HOUR }],
    refusal: "You are posting too fast; wait a moment.",
  },
  /** On top of the weekly cap of pending invitations (services/connections.ts): no invitation sprays. */
  invitation: {
    windows: [{ count: 20, windowMs: MINUTE }, { count: 100, windowMs: HOUR }],
    refusal: "You are sending invitations too fast; wait a moment.",
  },
  /** Image uploads: each costs a second of CPU; a member fills a profile and a few posts well within it. */
  upload: {
    windows: [{ count: 20, windowMs: HOUR }],
    refusal: "You have uploaded 20 images in the last hour; wait a while before the next.",
  },
  /** WebSocket tickets: a client needs one per connection, and reconnects with backoff. */
  wsTicket: {
    windows: [{ count: 30, windowMs: MINUTE }],
    refusal: "Too many WebSocket tickets; wait a moment.",
  },
} satisfies Record<string, { windows: Window[]; refusal: string }>;

export type Write = keyof typeof BUDGETS;

/** The members' write budgets, through the app's rate limiter, scaled by PROK_RATE_LIMIT_FACTOR. */
export class WriteBudgets {
  /** Counts of this instance alone, made the first time the shared limiter is away. */
  #local?: MemoryRateLimiter;

  constructor(readonly limiter: RateLimiter, readonly factor: number) {}

  /**
   * Counts one `write` by `memberId`; a RateLimitError (429, `retry-after`) when a window of it is spent. While the
   * shared limiter (Redis) is away, writes still go through and each instance counts them on its own: a message is
   * stored from the primary store alone, and a budget per instance still bounds a member.
   */
  async spend(write: Write, memberId: string): Promise<void> {
    const { windows } = BUDGETS[write];
    const count = (limiter: RateLimiter) =>
      Promise.all(windows.map((w) => limiter.hit(`write:${write}:${w.windowMs}:${memberId}`, w.windowMs)));
    const counts = await count(this.limiter).catch((err) => {
      if (!(err instanceof UnavailableError)) throw err;
      log.warn("write budget counted on this instance only: the rate limiter is unavailable", {
        write,
        memberId,
        backend: err.backend,
      });
      return count(this.#local ??= new MemoryRateLimiter());
    });
    this.#refuseOver(write, counts, 0);
  }

  /**
   * Refuses (429) when `write` has no room left, without counting one: for a write whose request is costly to read
   * (an upload of 10 MB), checked before its body is read and spent once it is. With the limiter away it lets it by.
   */
  async assertRoom(write: Write, memberId: string): Promise<void> {
    const limiter = this.#local ?? this.limiter;
    const peek = (w: Window) => limiter.peek(`write:${write}:${w.windowMs}:${memberId}`);
    const counts = await Promise.all(BUDGETS[write].windows.map(peek)).catch((err) => {
      if (err instanceof UnavailableError) return [];
      throw err;
    });
    this.#refuseOver(write, counts, 1);
  }

  /** The RateLimitError when a window's count, plus `adding`, is over its limit. */
  #refuseOver(write: Write, counts: WindowCount[], adding: number): void {
    const { windows, refusal } = BUDGETS[write];
    let waitMs = 0;
    counts.forEach((c, i) => {
      if (c.count + adding > scaledLimit(windows[i].count, this.factor)) waitMs = Math.max(waitMs, c.resetInMs);
    });
    if (waitMs > 0) throw new RateLimitError(Math.max(1, Math.ceil(waitMs / 1000)), refusal);
  }
}
