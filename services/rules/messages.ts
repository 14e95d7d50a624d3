// The rules of messages that do not depend on how they are stored: which clientIds a store keeps, and the receiver's
// one unread `message:received` notification per sender, moved to each new message.
import type { Message } from "../store/model.ts";
import { idBefore, type NewNotification } from "./notifications.ts";

/** The longest clientId (the API allows 1..64 visible ASCII characters), which keeps its claim key small. */
export const MAX_CLIENT_ID = 64;

export function checkClientId(clientId: string | null): void {
  if (clientId !== null && (clientId.length === 0 || clientId.length > MAX_CLIENT_ID)) {
    throw new RangeError(`createMessage: clientId must be 1..${MAX_CLIENT_ID} characters`);
  }
}

/**
 * When a new message is stored: now, but never before the conversation's newest message (`lastAt`, null for a first
 * message), which another instance with a clock running ahead may have stored. Within a conversation, (createdAt, id)
 * is then the order the messages were stored in.
 */
export function messageTime(lastAt: Date | null, now: number = Date.now()): Date {
  return new Date(Math.max(now, lastAt?.getTime() ?? 0));
}

/** The receiver's notification about `message`. */
export function messageNotice(message: Message): NewNotification {
  return {
    userId: message.receiverId,
    type: "message:received",
    actorId: message.senderId,
    subjectId: message.id,
    read: false,
    createdAt: message.createdAt,
  };
}

/** The receiver's notification from the sender that the conversation names, as the store read it. */
export interface CurrentNotice {
  read: boolean;
  subjectId: string;
  createdAt: Date;
}

/**
 * What a new message does to the receiver's notification from its sender: "add" a new one when there is none or it
 * was read, "move" the unread one to this message, or "keep" it when it is about a newer message already (only a
 * writer whose clock runs behind stores an older one; the notice stays about the newest, like the conversation).
 */
export function unreadNoticeStep(current: CurrentNotice | null, message: Message): "add" | "move" | "keep" {
  if (!current || current.read) return "add";
  const at = current.createdAt.getTime();
  const ms = message.createdAt.getTime();
  const older = at < ms || (at === ms && idBefore(current.subjectId, message.id));
  return older ? "move" : "keep";
}
