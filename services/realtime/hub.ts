// The WebSocket hub of one process: the sockets it holds, the frames they send (API.md, "WebSocket"), and what
// reaches them from pub/sub. Each member's channel is subscribed while this process holds a socket of theirs; a
// sign-out anywhere is published there too, so it closes that session's sockets everywhere.
import { DomainError, RateLimitError } from "../errors.ts";
import { catchUp, type MessagesDeps, sendMessage } from "../messages.ts";
import type { PubSub } from "../pubsub/types.ts";
import type { RateLimiter } from "../ratelimit/types.ts";
import { messageBody } from "../schemas.ts";
import type { User } from "../store/model.ts";
import { type Actor, type Envelope, memberChannel, messageJson, type ServerEvent } from "./events.ts";
import { isStorableText, NOT_STORABLE } from "../text.ts";
import { countDeliveries, traced } from "../telemetry.ts";

/** The part of a WebSocket the hub uses (the browser and Deno shapes), so tests can hand it their own. */
export interface HubSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message", fn: (e: MessageEvent) => void): void;
  addEventListener(type: "close" | "open", fn: () => void, options?: { once: boolean }): void;
}

export interface HubDeps extends MessagesDeps {
  pubsub: PubSub;
  limiter: RateLimiter;
  limitFactor: number;
  log: (event: Record<string, unknown>) => void;
}

export const LIMITS = {
  /** API.md: frames are at most 16 KiB. */
  frameBytes: 16 * 1024,
  /**
   * Open sockets per member across every instance (a lease each in the rate limiter): tabs and devices, not a botnet.
   * While the limiter is away each process holds the member to it on its own.
   */
  socketsPerMember: 10,
  /** A socket's lease lasts this long unless renewed: a process that dies frees its members' places by then. */
  socketLeaseMs: 90_000,
  /** How often the leases of open sockets are renewed. */
  socketRenewMs: 30_000,
  /** Relays of `typing:start` per sender and conversation (extra ones are dropped silently). */
  typingRelayMs: 2_000,
  /** `sync` requests per socket per minute: a client pages through a long absence, a loop is cut off. */
  syncsPerMinute: 30,
  /** Bad frames a socket may send before it is closed with 1008. */
  strikes: 5,
  /** API.md: `typing:stop` follows 5 s after the last `typing:start`. */
  typingMs: 5_000,
};

const OPEN = 1;
const POLICY = 1008;
const GOING_AWAY = 1001;
const TRY_AGAIN = 1013;
const TOO_BIG = 1009;
const TOO_MANY_SOCKETS = `at most ${LIMITS.socketsPerMember} open sockets per member`;
/** Close code of a socket whose session ended (4000-4999 are the application's). */
export const SESSION_ENDED = 4001;

interface Client {
  id: string;
  socket: HubSocket;
  /** Only what the socket's events need of its member: a socket held for hours keeps no password hash or bio. */
  member: Actor;
  sessionId: string;
  strikes: number;
  /** Frames are handled one after another, so a member's messages are stored in the order they were sent. */
  queue: Promise<void>;
  /** This socket's `sync` requests in the minute that started at `syncSince`. */
  syncs: number;
  syncSince: number;
}

/** The limiter key whose leases are a member's open sockets, on every instance. */
const socketsKey = (memberId: string) => `ws:sockets:${memberId}`;

/** Where every socket's frame queue starts: one settled promise shared by all, not one per idle socket. */
const SETTLED = Promise.resolve();

type Incoming = { type: string; data: Record<string, unknown> };

/** The frame types a client may send: a span is named by one of them (or `unknown`), never by what a client wrote. */
const INCOMING_TYPES = new Set(["message:send", "typing:start", "typing:stop", "sync"]);

const encoder = new TextEncoder();

/** Whether a text frame is over the cap, without encoding a huge one (UTF-8 never has fewer bytes than UTF-16 units). */
function tooLarge(text: string): boolean {
  if (text.length > LIMITS.frameBytes) return true;
  return text.length * 3 > LIMITS.frameBytes && encoder.encode(text).byteLength > LIMITS.frameBytes;
}

class FrameError extends Error {
  constructor(readonly code: string, message: string, readonly clientId?: string) {
    super(message);
  }
}

function text(data: Record<string, unknown>, field: string, max: number, min = 1): string {
  const value = data[field];
  if (typeof value !== "string" || [...value].length < min || [...value].length > max) {
    throw new FrameError("bad-frame", `${field} must be text of ${min} to ${max} characters`);
  }
  if (!isStorableText(value)) throw new FrameError("bad-frame", `${field} ${NOT_STORABLE}`);
  return value;
}

/** A member's sockets in this process, the ones still opening, and their one subscription to the member's channel. */
interface Here {
  clients: Client[];
  opening: number;
  subscribed: Promise<() => Promise<void>>;
  /** The subscription failed: sockets still opening are closed as they open, and the next one subscribes anew. */
  failed: boolean;
}

/** How long an upgrade waits for its member's subscription before answering anyway (the resync covers the rest). */
const SUBSCRIBE_WAIT_MS = 2_000;

export class Hub {
  /**
   * Each member with sockets here: those sockets (an array: a member has a few at most, and a process holds
   * thousands of members, each of whom would cost a set), and their one subscription to the member's channel.
   */
  readonly #members = new Map<string, Here>();
  readonly #typing = new Map<string, ReturnType<typeof setTimeout>>();
  /** When each sender's `typing:start` to each member was last relayed. */
  readonly #typingRelayed = new Map<string, number>();
  #closing = false;
  #stopResync: () => void;
  /** Renews the leases of every open socket; runs while this process holds any. */
  #renewing?: ReturnType<typeof setInterval>;

  constructor(readonly deps: HubDeps) {
    this.#stopResync = deps.pubsub.onRestored(() => this.#resync());
  }

  /** Sockets open in this process. */
  get size(): number {
    let n = 0;
    for (const { clients } of this.#members.values()) n += clients.length;
    return n;
  }

  /**
   * Takes a socket of a signed-in member (upgraded, not yet open). Over the cap it is closed with 1008. Resolves once
   * the member's channel is subscribed (or after SUBSCRIBE_WAIT_MS): the route answers the upgrade then, so nothing
   * published after the client sees `open` can pass its socket by.
   */
  accept(socket: HubSocket, user: User, sessionId: string): Promise<void> {
    // The closures below must not mention `user`, or they would keep the whole record alive with the socket.
    const { id, firstName, lastName, headline, profilePictureUrl } = user;
    const member = { id, firstName, lastName, headline, profilePictureUrl };
    const client: Client = {
      id: crypto.randomUUID(),
      socket,
      member,
      sessionId,
      strikes: 0,
      queue: SETTLED,
      syncs: 0,
      syncSince: 0,
    };
    // The entry outlives this socket's opening (it is dropped only with no socket open or opening), so it is the one
    // the socket joins.
    const here = this.#here(id);
    here.opening++;
    let opened = false;
    socket.addEventListener("open", () => {
      opened = true;
      here.opening--;
      if (this.#closing) return socket.close(GOING_AWAY, "server shutting down");
      if (here.failed) return socket.close(TRY_AGAIN, "live delivery unavailable");
      if (here.clients.length >= LIMITS.socketsPerMember) return socket.close(POLICY, TOO_MANY_SOCKETS);
      here.clients.push(client);
      this.#lease(client);
    }, { once: true }); // an idle socket holds as few listeners as it can
    socket.addEventListener("message", (e) => {
      client.queue = client.queue.then(() => this.#frame(client, e.data)).catch((err) => {
        this.deps.log({ msg: "websocket frame failed", userId: id, error: String(err) });
      });
    });
    socket.addEventListener("close", () => {
      if (!opened) here.opening--;
      this.#remove(client, here);
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<void>((resolve) => timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS));
    return Promise.race([here.subscribed.then(() => {}), waited]).finally(() => clearTimeout(timer));
  }

  /** Closes every socket with 1001, as a process about to stop does. */
  closeAll(): void {
    this.#closing = true;
    this.#stopResync();
    clearInterval(this.#renewing);
    this.#renewing = undefined;
    for (const timer of this.#typing.values()) clearTimeout(timer);
    this.#typing.clear();
    this.#typingRelayed.clear();
    for (const { clients } of this.#members.values()) {
      for (const c of clients) c.socket.close(GOING_AWAY, "server shutting down");
    }
  }

  /** The member's entry, made and subscribed when this is their first socket here. */
  #here(memberId: string): Here {
    const existing = this.#members.get(memberId);
    if (existing) return existing;
    const channel = memberChannel(memberId);
    const here: Here = { clients: [], opening: 0, failed: false, subscribed: Promise.resolve(() => Promise.resolve()) };
    here.subscribed = this.deps.pubsub.subscribe(channel, (raw) => this.#deliver(here.clients, raw)).catch((err) => {
      // A deaf socket is worse than none: closed with "try again later", its client reconnects and subscribes anew.
      this.deps.log({ msg: "websocket subscribe failed", channel, error: String(err) });
      here.failed = true;
      if (this.#members.get(memberId) === here) this.#members.delete(memberId);
      for (const c of here.clients) c.socket.close(TRY_AGAIN, "live delivery unavailable");
      return () => Promise.resolve();
    });
    this.#members.set(memberId, here);
    return here;
  }

  /**
   * The subscriptions were lost and are back: what was published meanwhile never reached these sockets, so each is
   * told to `sync` from the last message it has (API.md's reconnect catch-up, without reconnecting).
   */
  #resync(): void {
    const frame = JSON.stringify({ type: "resync", data: {} } satisfies ServerEvent);
    let told = 0;
    for (const { clients } of this.#members.values()) {
      for (const c of clients) {
        if (c.socket.readyState !== OPEN) continue;
        c.socket.send(frame);
        told++;
      }
    }
    this.deps.log({ msg: "pub/sub restored; sockets told to resync", sockets: told });
  }

  /**
   * Takes the socket's place among its member's sockets on every instance, or closes it with 1008 when they are all
   * taken. A limiter that is away lets it stay (this process's own cap was checked), and the next renewal takes the
   * place once the limiter is back.
   */
  #lease(client: Client): void {
    const { limiter } = this.deps;
    limiter.acquireLease(socketsKey(client.member.id), client.id, LIMITS.socketsPerMember, LIMITS.socketLeaseMs)
      .then((taken) => taken || client.socket.close(POLICY, TOO_MANY_SOCKETS), () => {});
    if (this.#renewing !== undefined) return;
    this.#renewing = setInterval(() => {
      for (const { clients } of this.#members.values()) {
        for (const c of clients) {
          limiter.renewLease(socketsKey(c.member.id), c.id, LIMITS.socketLeaseMs).catch(() => {});
        }
      }
    }, LIMITS.socketRenewMs);
    Deno.unrefTimer(this.#renewing);
  }

  #remove(client: Client, here: Here): void {
    const memberId = client.member.id;
    const at = here.clients.indexOf(client);
    if (at >= 0) {
      here.clients.splice(at, 1);
      // Issued after the take on the same connection, so it is never overtaken by it.
      this.deps.limiter.releaseLease(socketsKey(memberId), client.id).catch(() => {}); // else it lapses by itself
    }
    if (here.clients.length > 0 || here.opening > 0) return;
    if (this.#members.get(memberId) === here) this.#members.delete(memberId);
    here.subscribed.then((stop) => stop()).catch(() => {});
    if (this.#members.size === 0) {
      clearInterval(this.#renewing);
      this.#renewing = undefined;
    }
  }

  #deliver(clients: Client[], raw: string): void {
    const envelope = JSON.parse(raw) as Envelope;
    if (envelope.kind === "session-ended") {
      for (const c of clients) {
        if (envelope.sessionId === undefined || c.sessionId === envelope.sessionId) {
          c.socket.close(SESSION_ENDED, "session ended");
        }
      }
      return;
    }
    const frame = JSON.stringify(envelope.event);
    const then = envelope.then && JSON.stringify(envelope.then);
    let sent = 0;
    for (const c of clients) {
      if (c.id !== envelope.skip && c.socket.readyState === OPEN) {
        c.socket.send(frame);
        if (then) c.socket.send(then);
        sent++;
      }
    }
    countDeliveries(envelope.event.type, sent);
    if (sent && envelope.delivered) {
      const { to, id } = envelope.delivered;
      const receipt: Envelope = {
        kind: "event",
        event: { type: "message:delivered", data: { id, at: new Date().toISOString() } },
      };
      this.deps.pubsub.publish(memberChannel(to), JSON.stringify(receipt)).catch(() => {}); // a receipt is a nicety
    }
  }

  #send(client: Client, event: ServerEvent): void {
    if (client.socket.readyState === OPEN) client.socket.send(JSON.stringify(event));
  }

  async #frame(client: Client, raw: unknown): Promise<void> {
    let clientId: string | undefined;
    try {
      if (typeof raw !== "string") throw new FrameError("bad-frame", "frames are JSON text");
      if (tooLarge(raw)) throw new FrameError("frame-too-large", "frames are at most 16 KiB");
      let frame: Incoming;
      try {
        frame = JSON.parse(raw);
      } catch {
        throw new FrameError("bad-frame", "frames are JSON");
      }
      if (typeof frame?.type !== "string" || typeof frame.data !== "object" || frame.data === null) {
        throw new FrameError("bad-frame", 'frames are { "type": string, "data": object }');
      }
      if (typeof frame.data.clientId === "string") clientId = frame.data.clientId;
      const type = INCOMING_TYPES.has(frame.type) ? frame.type : "unknown";
      await traced(`websocket ${type}`, { "prok.websocket.event": type }, () => this.#handle(client, frame));
    } catch (err) {
      const [code, message] = err instanceof FrameError
        ? [err.code, err.message]
        : err instanceof DomainError
        ? [err.code, err.message]
        : ["internal", "Something went wrong; try again."];
      if (!(err instanceof FrameError || err instanceof DomainError)) {
        this.deps.log({ msg: "websocket event failed", userId: client.member.id, error: String(err) });
      }
      this.#send(client, { type: "error", data: { code, message, ...(clientId ? { clientId } : {}) } });
      // RFC 6455's "message too big": a client that sends one is not speaking our protocol, and the runtime has
      // already had to read it whole (README), so it gets no second try on this socket.
      if (err instanceof FrameError && err.code === "frame-too-large") client.socket.close(TOO_BIG, message);
      else if (err instanceof FrameError && ++client.strikes >= LIMITS.strikes) {
        client.socket.close(POLICY, "too many bad frames");
      }
    }
  }

  async #handle(client: Client, { type, data }: Incoming): Promise<void> {
    switch (type) {
      case "message:send": {
        const clientId = text(data, "clientId", 64);
        if (!/^[\x21-\x7e]+$/.test(clientId)) throw new FrameError("bad-frame", "clientId must be visible ASCII");
        // The very schema POST /api/messages validates with: one rule for a message, however it is sent.
        const parsed = messageBody.safeParse(data);
        if (!parsed.success) {
          const issues = parsed.error.issues.map((i) => `${i.path.map(String).join(".") || "data"} ${i.message}`);
          throw new FrameError("bad-frame", issues.join("; "), clientId);
        }
        const input = { ...parsed.data, clientId };
        this.#stopTyping(client.member.id, input.receiverId);
        const { message } = await sendMessage(this.deps, client.member, input, client.id);
        // A resend of a stored message is acknowledged again: the first ack may be what the client missed.
        this.#send(client, { type: "message:ack", data: { clientId, message: messageJson(message) } });
        return;
      }
      case "typing:start":
      case "typing:stop": {
        const to = text(data, "to", 64);
        // Within the throttle a start changes nothing the receiver sees: dropped before it costs a store read.
        if (type === "typing:start" && this.#typingThrottled(client.member.id, to)) return;
        const connection = await this.deps.store.getConnectionBetween(client.member.id, to);
        if (connection?.status !== "accepted") throw new FrameError("forbidden", "you can only message connections");
        if (type === "typing:stop") return this.#stopTyping(client.member.id, to);
        return this.#startTyping(client.member.id, to);
      }
      case "sync": {
        const now = Date.now();
        if (now - client.syncSince >= 60_000) [client.syncs, client.syncSince] = [0, now];
        if (++client.syncs > LIMITS.syncsPerMinute) {
          const wait = Math.ceil((client.syncSince + 60_000 - now) / 1000);
          throw new RateLimitError(wait, "Too many sync requests; wait a moment.");
        }
        const since = data.since;
        if (since !== null && since !== undefined && typeof since !== "string") {
          throw new FrameError("bad-frame", "since must be a message id or null");
        }
        const { messages, complete } = await catchUp(this.deps, client.member, since ?? null);
        for (const m of messages) this.#send(client, { type: "message:receive", data: { message: messageJson(m) } });
        this.#send(client, { type: "sync", data: { complete, count: messages.length } });
        return;
      }
      default:
        throw new FrameError("unknown-type", `unknown event type ${JSON.stringify(type.slice(0, 40))}`);
    }
  }

  /** True when a `typing:start` from `from` to `to` was relayed less than LIMITS.typingRelayMs ago. */
  #typingThrottled(from: string, to: string): boolean {
    const last = this.#typingRelayed.get(`${from}>${to}`);
    return last !== undefined && Date.now() - last < LIMITS.typingRelayMs;
  }

  #publishTyping(type: "typing:start" | "typing:stop", from: string, to: string): void {
    const envelope: Envelope = { kind: "event", event: { type, data: { from } } };
    this.deps.pubsub.publish(memberChannel(to), JSON.stringify(envelope)).catch(() => {}); // typing is best effort
  }

  #startTyping(from: string, to: string): void {
    const key = `${from}>${to}`;
    const now = Date.now();
    // Old relay times are forgotten in bulk, so the map holds only the senders of the last moments.
    if (this.#typingRelayed.size > 10_000) {
      for (const [k, at] of this.#typingRelayed) if (now - at >= LIMITS.typingRelayMs) this.#typingRelayed.delete(k);
    }
    this.#typingRelayed.set(key, now);
    clearTimeout(this.#typing.get(key));
    this.#typing.set(key, setTimeout(() => this.#stopTyping(from, to), LIMITS.typingMs));
    this.#publishTyping("typing:start", from, to);
  }

  #stopTyping(from: string, to: string): void {
    const key = `${from}>${to}`;
    const timer = this.#typing.get(key);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#typing.delete(key);
    this.#publishTyping("typing:stop", from, to);
  }
}
