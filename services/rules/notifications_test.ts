import { assertEquals } from "../../framework/testing/assert.ts";
import { idBefore } from "./notifications.ts";

Deno.test("[rules] ids compare in the order they were issued, for both stores' kinds of id", () => {
  assertEquals(idBefore("9", "10"), true);
  assertEquals(idBefore("10", "9"), false);
  assertEquals(idBefore("01ARZ3NDEKTSV4RRFFQ69G5FAV", "01ARZ3NDEKTSV4RRFFQ69G5FAW"), true);
  assertEquals(idBefore("5", "5"), false);
});
