import { requireServer } from "../testing.ts";
import { rateLimiterContract } from "./contract.ts";
import { MemoryRateLimiter } from "./memory.ts";
import { RedisRateLimiter } from "./redis.ts";

rateLimiterContract("memory", () => Promise.resolve(new MemoryRateLimiter()));

const redisUrl = requireServer("REDIS_URL");
rateLimiterContract("redis", () => RedisRateLimiter.open(redisUrl!), { ignore: !redisUrl });
