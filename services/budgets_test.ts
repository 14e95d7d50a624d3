import { assertEquals, assertRejects } from "../framework/testing/assert.ts";
import { BUDGETS, WriteBudgets } from "./budgets.ts";
import { RateLimitError } from "./errors.ts";
import { RedisRateLimiter } from "./ratelimit/redis.ts";

Deno.test({
  name: "[budgets] with the shared limiter away, writes still go through and each instance counts them itself",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const away = await RedisRateLimiter.open("redis://127.0.0.1:1"); // nothing listens there
    try {
      const budgets = new WriteBudgets(away, 1);
      const [{ count }] = BUDGETS.message.windows;
      for (let i = 0; i < count; i++) await budgets.spend("message", "m1");
      const over = await assertRejects(() => budgets.spend("message", "m1"));
      assertEquals(over instanceof RateLimitError, true, `expected RateLimitError, got ${over}`);
      await budgets.spend("message", "m2"); // another member's budget is their own
    } finally {
      await away.close();
    }
  },
});
