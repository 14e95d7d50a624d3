import { ErrorReply } from "redis";
import { UnavailableError } from "../errors.ts";
import { closeClient, connectSoon, type RedisClient as Client, redisClient } from "../redis_client.ts";
import type { RateLimiter, WindowCount } from "./types.ts";

// One round trip per hit: INCR and set the expiry only when the key is new, atomically.
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

// Extends a lock only forward.
const LOCK = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1`;

// Leases: a sorted set per key, each holder scored with the moment its lease ends on Redis's own clock (instances'
// clocks may disagree). Lapsed holders are dropped before counting; the key lives as long as its longest lease.
// ARGV: holder, ttl in ms, the cap (-1: none, a renewal).
const LEASE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if max >= 0 and not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= max then return 0 end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1`;

const COUNT_LEASES = `
local t = redis.call('TIME')
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
return redis.call('ZCARD', KEYS[1])`;

/** How long a limiter call may wait for Redis. */
const CALL_TIMEOUT_MS = 2_000;

/** Limits shared by every instance through Redis. A Redis that does not answer makes the check a 503, not a 500. */
export class RedisRateLimiter implements RateLimiter {
  readonly kind = "redis";

  private constructor(readonly client: Client, readonly prefix: string) {}

  /**
   * Connects, waiting at most a few seconds: a Redis that is down at start does not stop the app; the calls that
   * need it answer 503 until the client's own reconnects succeed.
   */
  static async open(url: string, prefix = "prok:rl:"): Promise<RedisRateLimiter> {
    const client = redisClient(url);
    await connectSoon([client]);
    return new RedisRateLimiter(client, prefix);
  }

  // A Redis that is stopped rather than down keeps its socket open and never answers: every call has a deadline, so a
  // sign-in answers 503 and a post goes through (services/budgets.ts) instead of both hanging.
  async #call<T>(fn: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const running = fn();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        running.catch(() => {});
        reject(new UnavailableError("redis"));
      }, CALL_TIMEOUT_MS);
    });
    try {
      return await Promise.race([running, timeout]);
    } catch (err) {
      if (err instanceof UnavailableError) throw err;
      // Only a reply is Redis refusing the command; anything else is the connection, which can fail a command before
      // the client notices it is down (a send right after Redis was killed answered 500).
      if (!this.client.isReady || !(err instanceof ErrorReply)) throw new UnavailableError("redis", { cause: err });
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  hit(key: string, windowMs: number): Promise<WindowCount> {
    return this.#call(async () => {
      const [count, ttl] = await this.client.eval(HIT, {
        keys: [`${this.prefix}w:${key}`],
        arguments: [String(Math.max(1, Math.round(windowMs)))],
      }) as [number, number];
      return { count, resetInMs: ttl };
    });
  }

  peek(key: string): Promise<WindowCount> {
    return this.#call(async () => {
      const k = `${this.prefix}w:${key}`;
      const [count, ttl] = await this.client.multi().get(k).pTTL(k).exec() as unknown as [string | null, number];
      return count === null ? { count: 0, resetInMs: 0 } : { count: Number(count), resetInMs: Math.max(0, ttl) };
    });
  }

  lock(key: string, ms: number): Promise<void> {
    return this.#call(async () => {
      await this.client.eval(LOCK, {
        keys: [`${this.prefix}l:${key}`],
        arguments: [String(Math.max(1, Math.round(ms)))],
      });
    });
  }

  lockedFor(key: string): Promise<number> {
    return this.#call(async () => Math.max(0, await this.client.pTTL(`${this.prefix}l:${key}`)));
  }

  reset(key: string): Promise<void> {
    return this.#call(async () => {
      await this.client.del([`${this.prefix}w:${key}`, `${this.prefix}l:${key}`]);
    });
  }

  #lease(key: string, holder: string, ttlMs: number, max: number): Promise<boolean> {
    return this.#call(async () =>
      await this.client.eval(LEASE, {
        keys: [`${this.prefix}s:${key}`],
        arguments: [holder, String(Math.max(1, Math.round(ttlMs))), String(max)],
      }) === 1
    );
  }

  acquireLease(key: string, holder: string, max: number, ttlMs: number): Promise<boolean> {
    return this.#lease(key, holder, ttlMs, Math.max(0, Math.floor(max)));
  }

  async renewLease(key: string, holder: string, ttlMs: number): Promise<void> {
    await this.#lease(key, holder, ttlMs, -1);
  }

  releaseLease(key: string, holder: string): Promise<void> {
    return this.#call(async () => void await this.client.zRem(`${this.prefix}s:${key}`, holder));
  }

  countLeases(key: string): Promise<number> {
    return this.#call(async () => Number(await this.client.eval(COUNT_LEASES, { keys: [`${this.prefix}s:${key}`] })));
  }

  ping(): Promise<void> {
    return this.#call(async () => void await this.client.ping());
  }

  async close(): Promise<void> {
    await closeClient(this.client);
  }
}
