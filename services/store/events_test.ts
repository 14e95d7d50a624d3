import { assertEquals } from "../../framework/testing/assert.ts";
import { enqueueOptions, MESSAGE_CREATED_DELAY_MS, newEvent, RETRY_SCHEDULE_MS } from "./events.ts";

Deno.test("[events] message.created waits 15 minutes from its commit; other events go at once", () => {
  const at = new Date("2026-01-01T10:00:00Z");
  const message = newEvent("message.created", "m1", at, ["a", "b"]);
  assertEquals(MESSAGE_CREATED_DELAY_MS, 15 * 60 * 1000);
  assertEquals(enqueueOptions(message, at.getTime()), {
    backoffSchedule: RETRY_SCHEDULE_MS,
    keysIfUndelivered: [["dead_letters", message.eventId]],
    delay: 15 * 60 * 1000,
  });
  for (const type of ["connection.invited", "user.created", "post.created"] as const) {
    assertEquals(enqueueOptions(newEvent(type, "x", at), at.getTime()).delay, undefined, type);
  }
});

Deno.test("[events] a relayed message.created waits only what is left of its 15 minutes, never more or less than none", () => {
  const at = new Date("2026-01-01T10:00:00Z");
  const event = newEvent("message.created", "m1", at);
  const options = (msAfter: number) => enqueueOptions(event, at.getTime() + msAfter).delay;
  assertEquals(options(1_500), MESSAGE_CREATED_DELAY_MS - 1_500, "the MySQL relay a moment later");
  assertEquals(options(3_600_000), 0, "after a long outage: at once");
  assertEquals(options(-60_000), MESSAGE_CREATED_DELAY_MS, "a clock behind the event's: still 15 minutes at most");
});
