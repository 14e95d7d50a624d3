import { assertEquals } from "../../framework/testing/assert.ts";
import type { JobPatch, PostPatch, UserPatch } from "../store/model.ts";
import { jobChanges, postChanges, profileChanges } from "./patches.ts";

Deno.test("[rules] a profile patch sets only allow-listed fields that are present", () => {
  const patch = { headline: "CTO", bio: undefined, email: "x@example.com", id: "1" } as UserPatch;
  assertEquals(profileChanges(patch), { headline: "CTO" });
  assertEquals(profileChanges({ role: "admin", passwordHash: "h" }), { role: "admin", passwordHash: "h" });
});

Deno.test("[rules] a job patch sets only allow-listed fields that are present; null clears the salary", () => {
  const patch = { title: "Chef", posterId: "9", location: undefined, salaryRange: null } as JobPatch;
  assertEquals(jobChanges(patch), { title: "Chef", salaryRange: null });
});

Deno.test("[rules] a post patch sets only its content and media; null clears the media", () => {
  const patch = { content: "Edited", authorId: "9", mediaUrl: null } as PostPatch;
  assertEquals(postChanges(patch), { content: "Edited", mediaUrl: null });
  assertEquals(postChanges({ content: undefined }), {});
});
