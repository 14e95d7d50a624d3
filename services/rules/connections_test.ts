import { assertEquals, assertThrows } from "../../framework/testing/assert.ts";
import type { Connection } from "../store/model.ts";
import { checkImportedPair, connectionEvents, connectionNotices, pairTaken } from "./connections.ts";

const AT = new Date(1_700_000_000_000);

function connection(status: Connection["status"]): Connection {
  return { id: "7", senderId: "1", receiverId: "2", status, message: "", createdAt: AT, updatedAt: AT };
}

Deno.test("[rules] an invitation notifies its receiver, an acceptance its sender, nothing else notifies", () => {
  const pending = connection("pending");
  const accepted = connection("accepted");
  assertEquals(connectionNotices(null, pending, AT), [
    { userId: "2", type: "invitation:received", actorId: "1", subjectId: "7", read: false, createdAt: AT },
  ]);
  assertEquals(connectionNotices(pending, accepted, AT), [
    { userId: "1", type: "invitation:accepted", actorId: "2", subjectId: "7", read: false, createdAt: AT },
  ]);
  assertEquals(connectionNotices(connection("rejected"), accepted, AT).map((n) => n.type), ["invitation:accepted"]);
  assertEquals(connectionNotices(pending, connection("rejected"), AT), []);
  assertEquals(connectionNotices(accepted, connection("rejected"), AT), []);
  assertEquals(connectionNotices(accepted, null, AT), []);
});

Deno.test("[rules] a connection's events: invited when created, accepted or removed when it starts or ends", () => {
  const [pending, accepted, rejected] = [connection("pending"), connection("accepted"), connection("rejected")];
  assertEquals(connectionEvents(null, pending), ["connection.invited"]);
  assertEquals(connectionEvents(pending, accepted), ["connection.accepted"]);
  assertEquals(connectionEvents(rejected, accepted), ["connection.accepted"]);
  assertEquals(connectionEvents(accepted, rejected), ["connection.removed"]);
  assertEquals(connectionEvents(accepted, null), ["connection.removed"]);
  assertEquals(connectionEvents(pending, null), []);
  assertEquals(connectionEvents(pending, rejected), []);
  assertEquals(connectionEvents(accepted, accepted), []);
});

Deno.test("[rules] a taken pair is one conflict; an import refuses a member connected to themselves", () => {
  assertEquals(pairTaken().message, pairTaken().message);
  assertEquals(pairTaken().name, "ConflictError");
  assertThrows(() => checkImportedPair("3", "3"), "themselves");
  checkImportedPair("3", "4");
});
