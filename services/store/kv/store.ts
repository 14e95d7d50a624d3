// The Deno KV adapter of the storage port: a facade that binds the port methods of one file per aggregate (users.ts,
// sessions.ts, idempotency.ts, posts.ts, timelines.ts, connections.ts, notifications.ts, messages.ts, jobs.ts,
// media.ts, reactions.ts, search.ts, suggestions.ts, tickets.ts, imports.ts, purge.ts; reads across the connection
// graph in graph.ts) to its context. The key layout is in keys.ts. Each entity has one write function (stageUser,
// writeSession, writePost, writeTimelineEntry, writeConnection, writeNotification, writeMessage, writeConversation,
// writeJob, writeMedia, writeReaction, and the idempotency and ticket writes) that puts the record and all its index
// keys in one atomic commit, guarded by versionstamp checks: a lost race fails the commit and the caller re-reads,
// never overwrites.
import type { Sweep } from "../../scheduler.ts";
import { bind, PORT_METHODS } from "../bind.ts";
import { tracedMethods } from "../../telemetry.ts";
import type { PoolUsage, Store, StorePorts } from "../store.ts";
import * as connections from "./connections.ts";
import * as idempotency from "./idempotency.ts";
import * as imports from "./imports.ts";
import * as jobs from "./jobs.ts";
import * as media from "./media.ts";
import * as messages from "./messages.ts";
import * as notifications from "./notifications.ts";
import * as posts from "./posts.ts";
import * as purge from "./purge.ts";
import * as reactions from "./reactions.ts";
import * as search from "./search.ts";
import * as sessions from "./sessions.ts";
import * as suggestions from "./suggestions.ts";
import * as tickets from "./tickets.ts";
import * as timelines from "./timelines.ts";
import * as users from "./users.ts";
import * as keys from "./keys.ts";
import { KvEventQueue } from "./queue.ts";
import { KvOnce } from "./once.ts";
import { KvDirtyRecords } from "./dirty.ts";
import type { Ctx } from "./shared.ts";

function ports(ctx: Ctx): StorePorts {
  return {
    ...bind(ctx, connections, PORT_METHODS.connections),
    ...bind(ctx, idempotency, PORT_METHODS.idempotency),
    ...bind(ctx, imports, PORT_METHODS.imports),
    ...bind(ctx, jobs, PORT_METHODS.jobs),
    ...bind(ctx, media, PORT_METHODS.media),
    ...bind(ctx, messages, PORT_METHODS.messages),
    ...bind(ctx, notifications, PORT_METHODS.notifications),
    ...bind(ctx, posts, PORT_METHODS.posts),
    ...bind(ctx, purge, PORT_METHODS.purge),
    ...bind(ctx, reactions, PORT_METHODS.reactions),
    ...bind(ctx, search, PORT_METHODS.search),
    ...bind(ctx, sessions, PORT_METHODS.sessions),
    ...bind(ctx, suggestions, PORT_METHODS.suggestions),
    ...bind(ctx, tickets, PORT_METHODS.tickets),
    ...bind(ctx, timelines, PORT_METHODS.timelines),
    ...bind(ctx, users, PORT_METHODS.users),
  };
}

// The port methods are bound in the constructor; ports() is what checks them against StorePorts.
export interface KvStore extends StorePorts {}

/** The storage port on Deno KV, with the event queue, the once records and the dirty search records in the same KV. */
export class KvStore implements Store {
  readonly kind = "deno-kv";
  readonly queue: KvEventQueue;
  readonly once: KvOnce;
  readonly searchDirty: KvDirtyRecords;
  /** None: what expires here is written with expireIn, and Deno KV deletes it. */
  readonly sweeps: readonly Sweep[] = [];

  constructor(private readonly kv: Deno.Kv) {
    this.queue = new KvEventQueue(kv);
    this.once = new KvOnce(kv);
    this.searchDirty = new KvDirtyRecords(kv);
    Object.assign(this, tracedMethods(this.kind, ports({ kv })));
  }

  pools(): PoolUsage[] {
    return [];
  }

  /** One cheap read: answers when KV answers. */
  async ping(): Promise<void> {
    await this.kv.get(keys.PING);
  }

  close(): Promise<void> {
    this.kv.close();
    return Promise.resolve();
  }
}
