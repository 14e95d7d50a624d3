// This process's subscribers by channel, shared by the adapters: they differ only in how a message reaches the
// process, never in how it reaches the handlers.
import { log } from "../log.ts";
import type { MessageHandler } from "./types.ts";

export interface Subscription {
  readonly handler: MessageHandler;
  /** False from the moment its unsubscribe is called: a message already on its way is not delivered to it. */
  active: boolean;
}

export class Topics {
  // Most channels have one handler (a member's sockets share one), and a process holds thousands of them: a lone
  // handler is kept as it is, and only a second one makes a set.
  #channels = new Map<string, Subscription | Set<Subscription>>();

  /** Adds a handler; `first` says the channel had none, so the adapter joins it on the backend. */
  add(channel: string, handler: MessageHandler): { subscription: Subscription; first: boolean } {
    const subscription: Subscription = { handler, active: true };
    const subs = this.#channels.get(channel);
    if (!subs) this.#channels.set(channel, subscription);
    else if (subs instanceof Set) subs.add(subscription);
    else this.#channels.set(channel, new Set([subs, subscription]));
    return { subscription, first: !subs };
  }

  /** Removes a handler; true when it was the channel's last, so the adapter leaves it on the backend. */
  remove(channel: string, subscription: Subscription): boolean {
    subscription.active = false;
    const subs = this.#channels.get(channel);
    if (subs instanceof Set ? !subs.delete(subscription) || subs.size > 0 : subs !== subscription) return false;
    this.#channels.delete(channel);
    return true;
  }

  has(channel: string): boolean {
    return this.#channels.has(channel);
  }

  /** The channel's handlers now (undefined when none), to deliver to later. */
  snapshot(channel: string): Subscription[] | undefined {
    const subs = this.#channels.get(channel);
    return subs && (subs instanceof Set ? [...subs] : [subs]);
  }

  /** Calls every handler of `channel` now. */
  deliver(channel: string, message: string): void {
    const subs = this.snapshot(channel); // a handler added meanwhile waits for the next message
    if (subs) deliverTo(subs, channel, message);
  }

  /** Forgets every handler (the port is closing). */
  clear(): void {
    for (const subs of this.#channels.values()) {
      for (const s of subs instanceof Set ? subs : [subs]) s.active = false;
    }
    this.#channels.clear();
  }
}

/** Calls each still-active handler; one that throws or rejects is logged and the others still get the message. */
export function deliverTo(subs: Iterable<Subscription>, channel: string, message: string): void {
  for (const s of subs) {
    if (!s.active) continue;
    try {
      const result: unknown = s.handler(message);
      if (result instanceof Promise) result.catch((err) => reportHandlerError(channel, err));
    } catch (err) {
      reportHandlerError(channel, err);
    }
  }
}

function reportHandlerError(channel: string, err: unknown) {
  log.error("a subscriber's handler failed; the other subscribers still got the message", {
    kind: "pubsub",
    channel,
    error: err,
  });
}
