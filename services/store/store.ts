// The storage port. Services depend on these interfaces only; services/store/kv and services/store/mysql implement it,
// and services/store/contract.ts is the one test suite both must pass.
// Each aggregate has its own port in ports/; Store is all of them with the lifecycle of one backend.
import type { MembersPort, SessionsPort } from "./ports/members.ts";
import type { IdempotencyPort } from "./ports/idempotency.ts";
import type { PostsPort, TimelinesPort } from "./ports/posts.ts";
import type { ConnectionsPort, NotificationsPort } from "./ports/network.ts";
import type { MediaPort } from "./ports/media.ts";
import type { ReactionsPort } from "./ports/reactions.ts";
import type { MessagesPort } from "./ports/messages.ts";
import type { JobsPort } from "./ports/jobs.ts";
import type { SearchIndexPort } from "./ports/search.ts";
import type { ImportsPort } from "./ports/imports.ts";
import type { PageReadsPort } from "./ports/pages.ts";
import type { EventQueue } from "./ports/queue.ts";
import type { OnceStore } from "./ports/once.ts";
import type { DirtyRecordsPort } from "./ports/dirty.ts";
import type { Sweep } from "../scheduler.ts";

/** Every aggregate's port: what an adapter's aggregate files implement and its facade binds (bind.ts). */
export interface StorePorts
  extends
    MembersPort,
    SessionsPort,
    IdempotencyPort,
    PostsPort,
    TimelinesPort,
    ConnectionsPort,
    NotificationsPort,
    MessagesPort,
    MediaPort,
    ReactionsPort,
    JobsPort,
    SearchIndexPort,
    ImportsPort,
    PageReadsPort {}

/** The ports with the lifecycle of one backend. */
export interface Store extends StorePorts {
  readonly kind: "deno-kv" | "mysql";

  /**
   * Where the events of its commits wait for the workers: Deno KV's queue (the KV adapter enqueues inside its atomic
   * commits), or the outbox table itself (the MySQL adapter writes a row in each write's transaction).
   */
  readonly queue: EventQueue;
  /** The workers' and the mailer's exactly-once records, beside the queue. */
  readonly once: OnceStore;
  /** Records the search engine could not take yet, beside the queue. */
  readonly searchDirty: DirtyRecordsPort;

  /** Its periodic upkeep, which the app's scheduler runs (MySQL purges expired rows; Deno KV entries expire alone). */
  readonly sweeps: readonly Sweep[];

  /** Each connection pool's use now (none on Deno KV, which has no pool). */
  pools(): PoolUsage[];
  /** Answers when the backend answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface PoolUsage {
  /** `primary`, or a replica's redacted URL. */
  pool: string;
  /** Connections open, of which `idle` wait for work; `waiting` callers queue for one; at most `limit` open. */
  open: number;
  idle: number;
  waiting: number;
  limit: number;
}
