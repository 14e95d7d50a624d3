import { assertEquals } from "../../framework/testing/assert.ts";
import type { UserPatch } from "../store/types.ts";
import { patchChanges } from "./users.ts";

Deno.test("[rules] a profile patch sets only allow-listed fields that are present", () => {
  const patch = { headline: "CTO", bio: undefined, email: "x@example.com", id: "1" } as UserPatch;
  assertEquals(patchChanges(patch), { headline: "CTO" });
  assertEquals(patchChanges({ role: "admin", passwordHash: "h" }), { role: "admin", passwordHash: "h" });
});
