import { assertEquals } from "../framework/testing/assert.ts";
import { newEvent } from "../services/store/events.ts";
import { KvEventQueue } from "../services/store/kv/queue.ts";
import { describeDeadLetters } from "./dead_letters.ts";

Deno.test("[dead-letters task] counts the letters by type and lists the oldest first", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    assertEquals(await describeDeadLetters(new KvEventQueue(kv)), [
      "No dead letters: every event reached its workers.",
    ]);
    const older = newEvent("user.created", "1", new Date("2026-01-01T00:00:00Z"));
    const newer = { ...newEvent("user.created", "2", new Date("2026-01-02T00:00:00Z")), redrives: 24 };
    await kv.set(["dead_letters", newer.eventId], newer);
    await kv.set(["dead_letters", older.eventId], older);
    await kv.set(["dead_letters", "junk"], 42);
    const lines = await describeDeadLetters(new KvEventQueue(kv));
    assertEquals(lines, [
      "3 dead letters (2 out of redrives): user.created 2, (not an event) 1",
      '  ["dead_letters","junk"]: not an event; look at it in Deno KV and delete it by hand',
      `  2026-01-01T00:00:00.000Z  user.created 1  (event ${older.eventId}, redriven 0/24)`,
      `  2026-01-02T00:00:00.000Z  user.created 2  (event ${newer.eventId}, redriven 24/24)`,
    ]);
  } finally {
    kv.close();
  }
});
