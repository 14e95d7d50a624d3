// The MySQL / MariaDB adapter of the storage port: a facade that binds the port methods of one file per aggregate
// (users.ts, sessions.ts, idempotency.ts, posts.ts, timelines.ts, connections.ts, notifications.ts, messages.ts,
// jobs.ts, media.ts, reactions.ts, search.ts, suggestions.ts, tickets.ts, imports.ts, purge.ts), as kv/store.ts does
// for Deno KV. It owns the lifecycle: the pools (pool.ts), migrations (migrate.ts), the queue on the outbox (queue.ts)
// with the records beside it (once.ts, dirty.ts), and the sweep that purges expired rows. All SQL binds every value
// as a parameter.
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
import { migrate } from "./migrate.ts";
import { type Database, openDatabase } from "./pool.ts";
import type { ReplicaOptions } from "./replicas.ts";
import { MysqlDirtyRecords } from "./dirty.ts";
import { MysqlOnce } from "./once.ts";
import { MysqlEventQueue, type MysqlQueueOptions } from "./queue.ts";
import type { Ctx } from "./shared.ts";

/** Expired idempotency keys, session families and tickets are purged this often, a bounded batch at a time. */
const PURGE_INTERVAL_MS = 60_000;

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
export interface MysqlStore extends StorePorts {}

/** The storage port on MySQL 8 or MariaDB 10.11; its outbox table is the queue the workers take events from. */
export class MysqlStore implements Store {
  readonly kind = "mysql";
  #closed = false;
  readonly queue: MysqlEventQueue;
  readonly once: MysqlOnce;
  readonly searchDirty: MysqlDirtyRecords;
  readonly sweeps: Sweep[];
  readonly #ctx: Ctx;

  private constructor(private readonly db: Database, queue: MysqlQueueOptions) {
    this.queue = new MysqlEventQueue(db, queue);
    this.once = new MysqlOnce(db);
    this.searchDirty = new MysqlDirtyRecords(db);
    this.#ctx = { db, kick: () => this.queue.kick() };
    Object.assign(this, tracedMethods(this.kind, ports(this.#ctx)));
    this.sweeps = [{ name: "purge-expired", intervalMs: PURGE_INTERVAL_MS, run: () => purge.purgeExpired(this.#ctx) }];
  }

  /** Statements the app's requests sent so far (tests/sql_budget_test.ts counts them per page). */
  get statements(): number {
    return this.db.statements;
  }

  /** Connects and applies pending migrations; the workers listen on `queue`. `reads` names read replicas. */
  static async open(databaseUrl: string, queue: MysqlQueueOptions = {}, reads?: ReplicaOptions): Promise<MysqlStore> {
    const db = openDatabase(databaseUrl, reads);
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      throw err;
    }
    return new MysqlStore(db, queue);
  }

  pools(): PoolUsage[] {
    return this.db.pools();
  }

  async ping(): Promise<void> {
    await this.db.ping();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.queue.close();
    await this.db.close();
  }
}
