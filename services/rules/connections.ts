// The rules of connections that do not depend on how they are stored: the conflict a taken pair raises, the
// notifications and events a change of a connection commits with it, and which pairs an import may hold.
import { ConflictError } from "../errors.ts";
import type { Connection, DomainEvent } from "../store/model.ts";
import type { NewNotification } from "./notifications.ts";

/** A pending or accepted connection already joins the two members, in either direction. */
export function pairTaken(): ConflictError {
  return new ConflictError("These members are already connected, or an invitation between them is pending.");
}

/**
 * The notifications committed with a connection's change from `before` to `after` (null: created or deleted): the
 * receiver's of a new invitation, the sender's of its acceptance.
 */
export function connectionNotices(before: Connection | null, after: Connection | null, at: Date): NewNotification[] {
  if (!after) return [];
  const notice = (userId: string, type: NewNotification["type"], actorId: string): NewNotification[] => [
    { userId, type, actorId, subjectId: after.id, read: false, createdAt: at },
  ];
  if (!before) return notice(after.receiverId, "invitation:received", after.senderId);
  if (after.status === "accepted" && before.status !== "accepted") {
    return notice(after.senderId, "invitation:accepted", after.receiverId);
  }
  return [];
}

/**
 * The events committed with a connection's change (null: created or deleted), each about the two members: a new
 * invitation, and a connection starting or ending.
 */
export function connectionEvents(before: Connection | null, after: Connection | null): DomainEvent["type"][] {
  const events: DomainEvent["type"][] = [];
  if (!before && after) events.push("connection.invited");
  const was = before?.status === "accepted";
  const is = after?.status === "accepted";
  if (is && !was) events.push("connection.accepted");
  if (was && !is) events.push("connection.removed");
  return events;
}

/** An imported connection joins two different members. */
export function checkImportedPair(senderId: string, receiverId: string): void {
  if (senderId === receiverId) throw new RangeError("importConnections: a member cannot connect to themselves");
}
