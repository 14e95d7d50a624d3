import { assertEquals } from "../../framework/testing/assert.ts";
import { nextUpdatedAt } from "./time.ts";

const AT = new Date(1_700_000_000_000);

Deno.test("[rules] updatedAt moves forward even when the clock stands still or steps back", () => {
  assertEquals(nextUpdatedAt(AT, AT.getTime() + 5).getTime(), AT.getTime() + 5);
  assertEquals(nextUpdatedAt(AT, AT.getTime()).getTime(), AT.getTime() + 1);
  assertEquals(nextUpdatedAt(AT, AT.getTime() - 1_000).getTime(), AT.getTime() + 1);
});
