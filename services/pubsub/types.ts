// The pub/sub port: events carried between app processes (the WebSocket hubs of every instance), so a message stored
// by one process reaches the sockets held by another. Delivery is at most once: what a process misses while its
// backend is away is gone, and clients catch up from the store (they ask for what they missed when they reconnect).

export type PubSubKind = "memory" | "redis" | "broadcast-channel";

/**
 * Receives one message. A handler that throws, or returns a promise that rejects, is logged and the other handlers
 * still get the message.
 */
export type MessageHandler = (message: string) => void;

/** Ends one subscription; calling it again is harmless. */
export type Unsubscribe = () => Promise<void>;

export interface PubSub {
  readonly kind: PubSubKind;
  /**
   * Delivers `message` to every subscriber of `channel` in every process joined to the same backend, this one
   * included. Messages published by one publisher on one channel arrive in the order published (the order of the
   * calls, whether or not each is awaited before the next). Throws UnavailableError when the backend is down or the
   * port is closed.
   */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Calls `handler` for each message on `channel` until the returned unsubscribe is called. Several handlers per
   * channel are fine. Resolves once messages published from then on will arrive; throws UnavailableError when the
   * backend is down or the port is closed.
   */
  subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe>;
  /**
   * Calls `listener` each time this process's subscriptions are back after the backend was lost: they hear again,
   * and whatever was published meanwhile was missed, so the subscribers catch up from the store. Adapters that
   * cannot lose their subscriptions (memory, broadcast channel) never call it. Returns how to stop listening.
   */
  onRestored(listener: () => void): () => void;
  /** Answers when the backend answers (readiness). */
  ping(): Promise<void>;
  /** Ends every subscription and lets go of the backend; closing twice is harmless. */
  close(): Promise<void>;
}
