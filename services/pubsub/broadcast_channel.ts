import { UnavailableError } from "../errors.ts";
import { MemoryPubSub } from "./memory.ts";
import type { MessageHandler, PubSub, Unsubscribe } from "./types.ts";

/** The one BroadcastChannel every isolate of the app joins. */
export const BROADCAST_CHANNEL_NAME = "prok:pubsub";

/** What crosses between isolates: the port's channel and the message, on one BroadcastChannel. */
interface Envelope {
  c: string;
  m: string;
}

const isEnvelope = (data: unknown): data is Envelope =>
  typeof data === "object" && data !== null && typeof (data as Envelope).c === "string" &&
  typeof (data as Envelope).m === "string";

/**
 * Pub/sub between the isolates of one Deno Deploy app through the `BroadcastChannel` web API (in a single Deno
 * process it links the instances opened with the same name, in any worker). Every channel of the port rides one
 * BroadcastChannel, whose subscribers are filtered here. A BroadcastChannel never delivers to itself, so this
 * process's own subscribers get a message straight from `publish`, like the memory adapter.
 *
 * Limits, all of them Deploy's: delivery is best effort (no acknowledgement, no retry, nothing kept for an isolate
 * that is starting or stopping); it has been unreliable between regions, so count on it within one region only;
 * isolates of an older deployment stop hearing a newer one; messages are structured-cloned, so keep them small
 * (the contract checks 16 KiB). Order holds per sender. Operators who need more set REDIS_URL.
 */
export class BroadcastChannelPubSub implements PubSub {
  readonly kind = "broadcast-channel";
  #local = new MemoryPubSub();
  #channel: BroadcastChannel;
  #closed = false;

  /** `name` is the one BroadcastChannel every instance of the app joins (tests give each backend its own). */
  constructor(readonly name = BROADCAST_CHANNEL_NAME) {
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = (event: MessageEvent) => {
      // A message from another isolate: the local queue keeps it in order behind those already arriving.
      if (isEnvelope(event.data)) this.#local.publish(event.data.c, event.data.m).catch(() => {});
    };
  }

  async publish(channel: string, message: string): Promise<void> {
    if (this.#closed) throw new UnavailableError("pubsub");
    try {
      this.#channel.postMessage({ c: channel, m: message } satisfies Envelope);
    } catch {
      throw new UnavailableError("broadcast-channel");
    }
    await this.#local.publish(channel, message);
  }

  subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
    return this.#local.subscribe(channel, handler);
  }

  /** A BroadcastChannel has no connection to lose (its losses are silent, best effort: see above). */
  onRestored(listener: () => void): () => void {
    return this.#local.onRestored(listener);
  }

  ping(): Promise<void> {
    return this.#local.ping();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.onmessage = null;
    this.#channel.close();
    await this.#local.close();
  }
}
