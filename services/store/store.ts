// The storage port. Services depend on these interfaces only; services/store/kv and services/store/mysql implement it,
// and services/store/contract.ts is the one test suite both must pass.
// Each aggregate has its own port in ports/; Store is all of them with the lifecycle of one backend.
import type { MembersPort, SessionsPort } from "./ports/members.ts";
import type { IdempotencyPort } from "./ports/idempotency.ts";
import type { PostsPort, TimelinesPort } from "./ports/posts.ts";
import type { ConnectionsPort, NotificationsPort } from "./ports/network.ts";
import type { MessagesPort } from "./ports/messages.ts";
import type { JobsPort } from "./ports/jobs.ts";
import type { SearchIndexPort } from "./ports/search.ts";
import type { ImportsPort } from "./ports/imports.ts";
import type { PageReadsPort } from "./ports/pages.ts";

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
    JobsPort,
    SearchIndexPort,
    ImportsPort,
    PageReadsPort {}

/** The ports with the lifecycle of one backend. */
export interface Store extends StorePorts {
  readonly kind: "deno-kv" | "mysql";

  /**
   * Events are delivered to this Deno KV queue (the app's `kv`, whose `listenQueue` the worker runner owns). The KV
   * adapter enqueues inside its atomic commits; the MySQL adapter writes outbox rows and relays them here, retrying
   * until the queue has them.
   */
  readonly queue: Deno.Kv;

  /** Answers when the backend answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
