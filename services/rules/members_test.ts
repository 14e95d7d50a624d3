import { assertEquals } from "../../framework/testing/assert.ts";
import { MEMBER_DELETION, MEMBER_PURGE } from "./members.ts";

Deno.test("[rules] a deletion removes sessions and idempotency keys at once; the purge goes messages before conversations", () => {
  assertEquals([...MEMBER_DELETION], ["sessions", "idempotencyKeys"]);
  assertEquals(MEMBER_PURGE.indexOf("messages") < MEMBER_PURGE.indexOf("conversations"), true);
  assertEquals(MEMBER_PURGE.at(-1), "timeline");
});
