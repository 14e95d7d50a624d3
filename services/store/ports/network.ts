// The connections port and the notifications port: invitations, the graph, My network, notifications.
import type {
  Connection,
  ConnectionsPage,
  ConnectionsQuery,
  IdempotencyCompletion,
  NotificationPosition,
  NotificationsPage,
} from "../model.ts";

/** Connections (invitations and the graph built from them) and My network reads. */
export interface ConnectionsPort {
  /**
   * Sends an invitation (pending) and, in the same commit, the receiver's `invitation:received` notification
   * (subject: the connection) and `connection.invited` (members: sender, receiver). ConflictError when a pending or
   * accepted connection already joins the two members in either direction, even when two invitations race;
   * NotFoundError when either member does not exist.
   */
  createConnection(
    input: { senderId: string; receiverId: string; message: string },
    done?: IdempotencyCompletion<Connection>,
  ): Promise<Connection>;
  getConnection(id: string): Promise<Connection | null>;
  /**
   * Accepting commits `connection.accepted` and the sender's `invitation:accepted` notification (actor: the
   * receiver); null when the connection does not exist.
   */
  setConnectionStatus(id: string, status: "accepted" | "rejected"): Promise<Connection | null>;
  /**
   * Removes it (withdrawn or ended) with every notification about it; an accepted one commits `connection.removed`.
   * False when there was none.
   */
  deleteConnection(id: string): Promise<boolean>;
  /** The members a member is connected to (accepted only). */
  listConnectedIds(memberId: string): Promise<string[]>;
  /** A member's connections of one status, newest first (createdAt, then id), keyset-paginated. */
  listConnections(memberId: string, query: ConnectionsQuery): Promise<ConnectionsPage>;
  /** The pending or accepted connection joining two members, whichever sent it; null when there is none. */
  getConnectionBetween(a: string, b: string): Promise<Connection | null>;
  /** How many invitations `senderId` sent at or after `since` that are still pending (the weekly cap). */
  countPendingSent(senderId: string, since: Date): Promise<number>;
  /** How many accepted connections two members have in common; the cost grows with their connections only. */
  countMutualConnections(a: string, b: string): Promise<number>;
}

/** A member's notifications. */
export interface NotificationsPort {
  /** A member's notifications, newest first, keyset-paginated; ones whose actor is gone are still listed. */
  listNotifications(userId: string, query: { limit: number; after?: NotificationPosition }): Promise<NotificationsPage>;
  /** Unread notifications, counted up to `cap` (the header shows "99+" beyond it). */
  countUnreadNotifications(userId: string, cap: number): Promise<number>;
  /** Marks the member's notifications among `ids` read, or all of them when `ids` is absent; others' are untouched. */
  markNotificationsRead(userId: string, ids?: string[]): Promise<void>;
}
