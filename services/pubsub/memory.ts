import { UnavailableError } from "../errors.ts";
import { deliverTo, type Subscription, Topics } from "./topics.ts";
import type { MessageHandler, PubSub, Unsubscribe } from "./types.ts";

interface Pending {
  subs: Subscription[];
  channel: string;
  message: string;
}

/**
 * One process's pub/sub (the embedded mode): nothing crosses to another process. A message goes to the handlers
 * subscribed when it was published, on a later microtask and in publish order, never inside `publish` itself, so a
 * handler that publishes does not re-enter its caller.
 */
export class MemoryPubSub implements PubSub {
  readonly kind = "memory";
  #topics = new Topics();
  #queue: Pending[] = [];
  #draining = false;
  #closed = false;

  publish(channel: string, message: string): Promise<void> {
    if (this.#closed) return Promise.reject(new UnavailableError("pubsub"));
    const subs = this.#topics.snapshot(channel);
    if (subs) {
      this.#queue.push({ subs, channel, message });
      if (!this.#draining) {
        this.#draining = true;
        queueMicrotask(this.#drain);
      }
    }
    return Promise.resolve();
  }

  // Messages that handlers publish while the queue drains join its end, so order holds across them too.
  #drain = () => {
    const queue = this.#queue;
    for (let i = 0; i < queue.length; i++) deliverTo(queue[i].subs, queue[i].channel, queue[i].message);
    this.#queue = [];
    this.#draining = false;
  };

  subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
    if (this.#closed) return Promise.reject(new UnavailableError("pubsub"));
    const { subscription } = this.#topics.add(channel, handler);
    return Promise.resolve(() => {
      this.#topics.remove(channel, subscription);
      return Promise.resolve();
    });
  }

  /** In one process nothing is ever lost between publisher and subscriber. */
  onRestored(_listener: () => void): () => void {
    return () => {};
  }

  ping(): Promise<void> {
    return this.#closed ? Promise.reject(new UnavailableError("pubsub")) : Promise.resolve();
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#topics.clear();
    return Promise.resolve();
  }
}
