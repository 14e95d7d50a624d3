import { assertEquals } from "../../framework/testing/assert.ts";
import type { JobPatch, UserPatch } from "../store/model.ts";
import { jobChanges, profileChanges } from "./patches.ts";

Deno.test("[rules] a profile patch sets only allow-listed fields that are present", () => {
  const patch = { headline: "CTO", bio: undefined, email: "x@example.com", id: "1" } as UserPatch;
  assertEquals(profileChanges(patch), { headline: "CTO" });
  assertEquals(profileChanges({ role: "admin", passwordHash: "h" }), { role: "admin", passwordHash: "h" });
});

Deno.test("[rules] a job patch sets only allow-listed fields that are present; null clears the salary", () => {
  const patch = { title: "Chef", posterId: "9", location: undefined, salaryRange: null } as JobPatch;
  assertEquals(jobChanges(patch), { title: "Chef", salaryRange: null });
});
