import { UnavailableError } from "../errors.ts";
import { closeClient, connectSoon, type RedisClient as Client, redisClient } from "../redis_client.ts";
import { type Subscription, Topics } from "./topics.ts";
import type { MessageHandler, PubSub, Unsubscribe } from "./types.ts";

export interface RedisPubSubOptions {
  /** Prefixed to every channel name on the server, so apps sharing a Redis do not hear each other. */
  prefix?: string;
  /** Connection name (CLIENT SETNAME); the publisher gets `:pub` and the subscriber `:sub` after it. */
  name?: string;
}

/**
 * Pub/sub between every instance through Redis PUBLISH/SUBSCRIBE, on two connections: one publishes, the other only
 * listens (a subscribed connection can do nothing else).
 *
 * - One Redis SUBSCRIBE per channel however many local handlers: the first handler subscribes, the last one to go
 *   unsubscribes. Every Redis command is issued synchronously at that moment, so the server sees SUBSCRIBE and
 *   UNSUBSCRIBE for a channel in the order the handlers came and went.
 * - No round trip is awaited before the next is sent: node-redis writes every command issued in one tick in one
 *   batch (auto-pipelining), so a burst of publishes or of subscriptions costs a few writes, not a round trip each.
 * - When a connection drops, node-redis reconnects by itself and, on the subscriber, subscribes again to every
 *   channel before it reports ready. What was published meanwhile is lost (Redis keeps nothing), as the port says;
 *   `onRestored` listeners hear of it then, so they can catch up.
 * - While Redis is down, publish and subscribe reject at once with UnavailableError (no offline queue that would
 *   hang a request); unsubscribe always succeeds locally and the server side is tidied when Redis is back.
 */
export class RedisPubSub implements PubSub {
  readonly kind = "redis";
  #topics = new Topics();
  /** The SUBSCRIBE of each channel, which later handlers of that channel wait for too. */
  #joined = new Map<string, Promise<void>>();
  /** Channels whose UNSUBSCRIBE was lost with a connection: node-redis subscribes them again, so undo that. */
  #orphans = new Set<string>();
  #closed = false;
  #restored = new Set<() => void>();
  /** Whether the subscriber was ready once: every later "ready" follows a lost connection. */
  #wasReady: boolean;

  private constructor(readonly publisher: Client, readonly subscriber: Client, readonly prefix: string) {
    this.#wasReady = subscriber.isReady;
    subscriber.on("ready", () => {
      this.#tidy();
      // node-redis subscribes again to every channel before it says ready, so the listeners hear from here on.
      if (this.#wasReady) {
        for (const listener of this.#restored) {
          try {
            listener();
          } catch {
            // One listener's failure must not keep the others from catching up.
          }
        }
      }
      this.#wasReady = true;
    });
  }

  /**
   * Connects both clients, waiting at most a few seconds: a Redis that is down at start does not stop the app; the
   * calls that need it answer UnavailableError until the clients' own reconnects succeed.
   */
  static async open(url: string, options: RedisPubSubOptions = {}): Promise<RedisPubSub> {
    const name = options.name ?? "prok-pubsub";
    const publisher = redisClient(url, `${name}:pub`);
    const subscriber = publisher.duplicate({ name: `${name}:sub` });
    await connectSoon([publisher, subscriber]);
    return new RedisPubSub(publisher, subscriber, options.prefix ?? "prok:ps:");
  }

  // One listener for every channel: node-redis keeps a set of listeners per channel, so the same function never
  // doubles a delivery, even when a channel left behind by a lost UNSUBSCRIBE is subscribed again.
  #onMessage = (message: string, key: string) => {
    if (key.startsWith(this.prefix)) this.#topics.deliver(key.slice(this.prefix.length), message);
  };

  async publish(channel: string, message: string): Promise<void> {
    if (this.#closed) throw new UnavailableError("pubsub");
    try {
      await this.publisher.publish(this.prefix + channel, message);
    } catch (err) {
      if (!this.publisher.isReady) throw new UnavailableError("redis");
      throw err;
    }
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
    if (this.#closed) throw new UnavailableError("pubsub");
    if (!this.subscriber.isReady) throw new UnavailableError("redis");
    const { subscription, first } = this.#topics.add(channel, handler);
    if (first) {
      this.#orphans.delete(channel);
      const joining = this.subscriber.subscribe(this.prefix + channel, this.#onMessage);
      this.#joined.set(channel, joining);
      // Only handlers that come while it is under way wait for it; kept longer, it would cost every channel a promise.
      joining.then(() => this.#joined.get(channel) === joining && this.#joined.delete(channel), () => {});
    }
    try {
      await this.#joined.get(channel);
    } catch {
      // The connection went while subscribing: nobody waiting on that SUBSCRIBE is subscribed, and it left nothing.
      if (this.#topics.remove(channel, subscription)) this.#joined.delete(channel);
      throw new UnavailableError("redis");
    }
    if (this.#closed) throw new UnavailableError("pubsub");
    let done: Promise<void> | undefined;
    return () => done ??= this.#unsubscribe(channel, subscription);
  }

  async #unsubscribe(channel: string, subscription: Subscription): Promise<void> {
    if (!this.#topics.remove(channel, subscription)) return; // other handlers still listen, or the port closed
    this.#joined.delete(channel);
    const ready = this.subscriber.isReady;
    const left = this.subscriber.unsubscribe(this.prefix + channel, this.#onMessage)
      .catch(() => void this.#orphans.add(channel));
    if (ready) await left; // down: the handler is gone already; the server side is tidied when Redis is back
  }

  /** After a reconnect: leave the channels that node-redis subscribed again though nobody here listens any more. */
  #tidy() {
    for (const channel of this.#orphans) {
      this.#orphans.delete(channel);
      if (this.#topics.has(channel)) continue;
      this.subscriber.unsubscribe(this.prefix + channel, this.#onMessage).catch(() => void this.#orphans.add(channel));
    }
  }

  onRestored(listener: () => void): () => void {
    this.#restored.add(listener);
    return () => void this.#restored.delete(listener);
  }

  async ping(): Promise<void> {
    if (this.#closed) throw new UnavailableError("pubsub");
    if (!this.subscriber.isReady) throw new UnavailableError("redis");
    try {
      await this.publisher.ping();
    } catch (err) {
      if (!this.publisher.isReady) throw new UnavailableError("redis");
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#topics.clear();
    this.#joined.clear();
    this.#restored.clear();
    await Promise.all([this.publisher, this.subscriber].map(closeClient));
  }
}
