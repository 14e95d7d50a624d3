import type { RateLimiter, WindowCount } from "./types.ts";

/** One process's limits. Entries expire lazily and by a periodic sweep, so memory stays bounded by active keys. */
export class MemoryRateLimiter implements RateLimiter {
  readonly kind = "memory";
  #windows = new Map<string, { count: number; endsAt: number }>();
  #locks = new Map<string, number>();
  #sweep = setInterval(() => this.#expire(), 60_000);

  constructor() {
    Deno.unrefTimer(this.#sweep);
  }

  #expire(now = Date.now()) {
    for (const [k, w] of this.#windows) if (w.endsAt <= now) this.#windows.delete(k);
    for (const [k, until] of this.#locks) if (until <= now) this.#locks.delete(k);
  }

  hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = Date.now();
    let w = this.#windows.get(key);
    if (!w || w.endsAt <= now) this.#windows.set(key, w = { count: 0, endsAt: now + windowMs });
    w.count++;
    return Promise.resolve({ count: w.count, resetInMs: w.endsAt - now });
  }

  peek(key: string): Promise<WindowCount> {
    const now = Date.now();
    const w = this.#windows.get(key);
    return Promise.resolve(
      w && w.endsAt > now ? { count: w.count, resetInMs: w.endsAt - now } : { count: 0, resetInMs: 0 },
    );
  }

  lock(key: string, ms: number): Promise<void> {
    const until = Date.now() + ms;
    if ((this.#locks.get(key) ?? 0) < until) this.#locks.set(key, until);
    return Promise.resolve();
  }

  lockedFor(key: string): Promise<number> {
    return Promise.resolve(Math.max(0, (this.#locks.get(key) ?? 0) - Date.now()));
  }

  reset(key: string): Promise<void> {
    this.#windows.delete(key);
    this.#locks.delete(key);
    return Promise.resolve();
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    clearInterval(this.#sweep);
    return Promise.resolve();
  }
}
