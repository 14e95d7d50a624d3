import { assertEquals, assertThrows } from "../../framework/testing/assert.ts";
import type { Message } from "../store/model.ts";
import { checkClientId, messageNotice, messageTime, unreadNoticeStep } from "./messages.ts";

Deno.test("[rules] a clientId is 1..64 characters", () => {
  checkClientId(null);
  checkClientId("a");
  checkClientId("x".repeat(64));
  assertThrows(() => checkClientId(""), "1..64");
  assertThrows(() => checkClientId("x".repeat(65)), "1..64");
});

function message(id: string, ms: number): Message {
  return { id, senderId: "1", receiverId: "2", content: "hi", isRead: false, createdAt: new Date(ms), clientId: null };
}

Deno.test("[rules] the receiver keeps one unread message notice per sender, moved to the newest message", () => {
  const m = message("10", 2_000);
  assertEquals(messageNotice(m), {
    userId: "2",
    type: "message:received",
    actorId: "1",
    subjectId: "10",
    read: false,
    createdAt: new Date(2_000),
  });
  assertEquals(unreadNoticeStep(null, m), "add");
  assertEquals(unreadNoticeStep({ read: true, subjectId: "9", createdAt: new Date(1_000) }, m), "add");
  assertEquals(unreadNoticeStep({ read: false, subjectId: "9", createdAt: new Date(1_000) }, m), "move");
  // Same millisecond: the id decides, numerically for SQL ids ("9" was issued before "10").
  assertEquals(unreadNoticeStep({ read: false, subjectId: "9", createdAt: new Date(2_000) }, m), "move");
  assertEquals(unreadNoticeStep({ read: false, subjectId: "11", createdAt: new Date(2_000) }, m), "keep");
  assertEquals(unreadNoticeStep({ read: false, subjectId: "8", createdAt: new Date(3_000) }, m), "keep");
});

Deno.test("[rules] a message is stored now, but never before its conversation's newest", () => {
  assertEquals(messageTime(null, 5_000), new Date(5_000));
  assertEquals(messageTime(new Date(4_000), 5_000), new Date(5_000));
  // Another instance's clock ran ahead: the new message still sorts after it.
  assertEquals(messageTime(new Date(6_000), 5_000), new Date(6_000));
});
