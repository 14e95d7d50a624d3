// What travels to members' sockets, and the publishing side the services use. Every event goes through the pub/sub
// port on the member's channel, so a socket on any instance gets it; the hub (hub.ts) of each instance subscribes to
// the channels of the members it holds sockets for.
import { shownUrl } from "../media/urls.ts";
import type { PubSub } from "../pubsub/types.ts";
import type { Message, NotificationType, User } from "../store/model.ts";

/** A frame as API.md's WebSocket section shapes it. */
export interface ServerEvent {
  type: string;
  data: Record<string, unknown>;
}

/** What crosses pub/sub: an event, the socket that must not get it (the sender's own), or a session that ended. */
export type Envelope =
  | {
    kind: "event";
    event: ServerEvent;
    /** Sent after `event` to the same sockets: one publish carries what a receiver gets for one message. */
    then?: ServerEvent;
    skip?: string;
    /** A message for its receiver: the hub that hands it to one of their sockets tells the sender it was delivered. */
    delivered?: { to: string; id: string };
  }
  /** Closes the member's sockets of one session, or all of them without `sessionId` (the account is gone). */
  | { kind: "session-ended"; sessionId?: string };

export const memberChannel = (memberId: string) => `member:${memberId}`;

export function messageJson(m: Message) {
  return {
    id: m.id,
    senderId: m.senderId,
    receiverId: m.receiverId,
    content: m.content,
    isRead: m.isRead,
    createdAt: m.createdAt.toISOString(),
    clientId: m.clientId,
  };
}

/** A notification as the `notification` event carries it (the shape of GET /api/notifications items). */
export interface LiveNotification {
  id: string | null;
  type: NotificationType;
  actor: { id: string; firstName: string; lastName: string; headline: string; profilePictureUrl: string | null };
  subjectId: string;
  read: false;
  createdAt: string;
}

/** What live events show of the member who acted: their public summary, nothing else. */
export type Actor = Pick<User, "id" | "firstName" | "lastName" | "headline" | "profilePictureUrl">;

export function liveNotification(type: NotificationType, actor: Actor, subjectId: string, at: Date): LiveNotification {
  return {
    id: null, // coalesced by the store (one unread message notification per sender); the bell keys by type and actor
    type,
    actor: {
      id: actor.id,
      firstName: actor.firstName,
      lastName: actor.lastName,
      headline: actor.headline,
      profilePictureUrl: shownUrl(actor.profilePictureUrl),
    },
    subjectId,
    read: false,
    createdAt: at.toISOString(),
  };
}

/** The live side effects of the domain. Delivery is best effort: the write is stored, and a client catches up. */
export interface Live {
  /** `message:receive` to both members' sockets (but `origin`), and a `notification` to the receiver's. */
  messageStored(message: Message, sender: Actor, origin?: string): Promise<void>;
  /** `message:read` to the sender's sockets: `readerId` has read what `senderId` sent them. */
  conversationRead(readerId: string, senderId: string): Promise<void>;
  /** A `notification` to a member's sockets. */
  notify(memberId: string, notification: LiveNotification): Promise<void>;
  /** Closes every socket of a session that ended (sign-out, revoked). */
  sessionEnded(memberId: string, sessionId: string): Promise<void>;
  /** Closes every socket of a member (their account is gone). */
  memberGone(memberId: string): Promise<void>;
}

/** Publishes through the pub/sub port; a backend that is down is logged and the write still stands. */
export class PubSubLive implements Live {
  constructor(readonly pubsub: PubSub, readonly log: (event: Record<string, unknown>) => void) {}

  async #publish(channel: string, envelope: Envelope): Promise<void> {
    try {
      await this.pubsub.publish(channel, JSON.stringify(envelope));
    } catch (err) {
      this.log({ msg: "live delivery failed", channel, error: err instanceof Error ? err.message : String(err) });
    }
  }

  #event(memberId: string, type: string, data: Record<string, unknown>, skip?: string): Promise<void> {
    return this.#publish(memberChannel(memberId), { kind: "event", event: { type, data }, skip });
  }

  async messageStored(message: Message, sender: Actor, origin?: string): Promise<void> {
    const data = { message: messageJson(message) };
    const notification = liveNotification("message:received", sender, message.id, message.createdAt);
    // Published in this order from one place, so each channel sees a member's messages in the order they were stored.
    const delivered = { to: message.senderId, id: message.id };
    await Promise.all([
      this.#publish(memberChannel(message.receiverId), {
        kind: "event",
        event: { type: "message:receive", data },
        then: { type: "notification", data: { notification } },
        delivered,
      }),
      this.#event(message.senderId, "message:receive", data, origin),
    ]);
  }

  conversationRead(readerId: string, senderId: string): Promise<void> {
    return this.#event(senderId, "message:read", { by: readerId, at: new Date().toISOString() });
  }

  notify(memberId: string, notification: LiveNotification): Promise<void> {
    return this.#event(memberId, "notification", { notification });
  }

  // On the member's channel, which their sockets hear already: a socket listens to one channel, not one per session.
  sessionEnded(memberId: string, sessionId: string): Promise<void> {
    return this.#publish(memberChannel(memberId), { kind: "session-ended", sessionId });
  }

  memberGone(memberId: string): Promise<void> {
    return this.#publish(memberChannel(memberId), { kind: "session-ended" });
  }
}
