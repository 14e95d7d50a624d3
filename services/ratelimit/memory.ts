import type { RateLimiter, WindowCount } from "./types.ts";

/** One process's limits. Entries expire lazily and by a periodic sweep, so memory stays bounded by active keys. */
export class MemoryRateLimiter implements RateLimiter {
  readonly kind = "memory";
  #windows = new Map<string, { count: number; endsAt: number }>();
  #locks = new Map<string, number>();
  /** Each key's holders and when their lease ends. */
  #leases = new Map<string, Map<string, number>>();
  #sweep = setInterval(() => this.#expire(), 60_000);

  constructor() {
    Deno.unrefTimer(this.#sweep);
  }

  #expire(now = Date.now()) {
    for (const [k, w] of this.#windows) if (w.endsAt <= now) this.#windows.delete(k);
    for (const [k, until] of this.#locks) if (until <= now) this.#locks.delete(k);
    for (const k of this.#leases.keys()) this.#live(k, now);
  }

  /** The key's holders with their lapsed leases dropped (and the key itself once it has none). */
  #live(key: string, now = Date.now()): Map<string, number> | undefined {
    const holders = this.#leases.get(key);
    if (!holders) return undefined;
    for (const [h, until] of holders) if (until <= now) holders.delete(h);
    if (holders.size === 0) this.#leases.delete(key);
    return holders.size ? holders : undefined;
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

  acquireLease(key: string, holder: string, max: number, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const holders = this.#live(key, now);
    if (holders && !holders.has(holder) && holders.size >= max) return Promise.resolve(false);
    if (holders) holders.set(holder, now + ttlMs);
    else this.#leases.set(key, new Map([[holder, now + ttlMs]]));
    return Promise.resolve(true);
  }

  renewLease(key: string, holder: string, ttlMs: number): Promise<void> {
    const until = Date.now() + ttlMs;
    const holders = this.#live(key);
    if (holders) holders.set(holder, until);
    else this.#leases.set(key, new Map([[holder, until]]));
    return Promise.resolve();
  }

  releaseLease(key: string, holder: string): Promise<void> {
    const holders = this.#leases.get(key);
    if (holders?.delete(holder) && holders.size === 0) this.#leases.delete(key);
    return Promise.resolve();
  }

  countLeases(key: string): Promise<number> {
    return Promise.resolve(this.#live(key)?.size ?? 0);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    clearInterval(this.#sweep);
    return Promise.resolve();
  }
}
