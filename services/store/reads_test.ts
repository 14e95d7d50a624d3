import { assertEquals } from "../../framework/testing/assert.ts";
import { currentReads, onPrimary, withRequestReads } from "./reads.ts";

/** A request body that acts for `memberId` and, like the database after a commit, asks for its write to be recorded. */
function writesAs(memberId: string | undefined, recorded: string[], fails = false) {
  return () => {
    const scope = currentReads()!;
    scope.memberId = memberId;
    scope.primary = true;
    scope.recordWrite = (id) =>
      fails ? Promise.reject(new Error("primary gone")) : (recorded.push(id), Promise.resolve());
    return Promise.resolve("answered");
  };
}

Deno.test("[reads] an unsafe request that wrote records its member's write once answered; a safe one does not", async () => {
  const recorded: string[] = [];
  assertEquals(await withRequestReads(true, writesAs("7", recorded)), "answered");
  assertEquals(await withRequestReads(false, writesAs("8", recorded)), "answered");
  assertEquals(await withRequestReads(true, writesAs(undefined, recorded)), "answered", "no member: nothing to record");
  assertEquals(recorded, ["7"]);
  assertEquals(currentReads(), undefined, "the scope ends with the request");
});

Deno.test("[reads] a write that cannot be recorded leaves the answer as it is, and says so", async () => {
  const lines: string[] = [];
  const { error } = console;
  console.error = (line: string) => lines.push(line);
  try {
    assertEquals(await withRequestReads(true, writesAs("7", [], true)), "answered");
  } finally {
    console.error = error;
  }
  assertEquals(lines.filter((l) => l.includes("could not record a member's write")).length, 1);
});

Deno.test("[reads] a worker reads from the primary", async () => {
  assertEquals(await onPrimary(() => Promise.resolve(currentReads()?.primary)), true);
});
