// The read replicas of this instance's region (DATABASE_READ_URLS): which one may serve a read, judged in the
// background, never per request.
//
// Freshness is a heartbeat rather than SHOW REPLICA STATUS: each instance with replicas moves
// replica_heartbeat.at forward on the primary every second, and a replica's copy of that row says how far it has
// applied. That reads the same on MariaDB and MySQL 8, needs no replication-admin grant, and gives read-your-writes
// a position to compare with. A member's write records the heartbeat it saw just after committing (member_writes,
// read with the session on every request, so it costs no statement of its own); a replica that has applied a LATER
// heartbeat has applied that write, since a replica applies commits in the primary's order. So a member's reads go
// to the primary only until some replica has caught up with their own write, on any instance, and no longer: a
// stopped replica keeps them on the primary for as long as it stays stopped, where a fixed window would run out.
import { log } from "../../log.ts";
import { currentReads } from "../reads.ts";
import type { Db } from "./pool.ts";

/** How often the heartbeat moves and the replicas are checked. */
export const CHECK_INTERVAL_MS = 1_000;
/** A replica that has not answered its check within this is skipped until it does. */
const CHECK_TIMEOUT_MS = 1_000;

const BEAT_SQL = "UPDATE replica_heartbeat SET at = GREATEST(NOW(6), at + INTERVAL 1 MICROSECOND) WHERE id = 1";
const HEARTBEAT_SQL = "SELECT at FROM replica_heartbeat WHERE id = 1";

/** Records the heartbeat after a member's write; a member deleted meanwhile records nothing. */
export const RECORD_WRITE_SQL = "INSERT INTO member_writes (user_id, at) SELECT u.id, h.at FROM users u " +
  "JOIN replica_heartbeat h ON h.id = 1 WHERE u.id = ? ON DUPLICATE KEY UPDATE at = VALUES(at)";

/** The session statement's extra column when replicas serve reads: the heartbeat of the member's last write. */
export const WROTE_AT_COLUMN = ", (SELECT w.at FROM member_writes w WHERE w.user_id = s.user_id) AS wrote_at";

export interface ReplicaOptions {
  urls: string[];
  /** A replica further behind the primary than this is skipped until it catches up. */
  maxLagMs: number;
}

/** A replica's pool, as pool.ts opens it. */
export interface ReplicaPool {
  /** The URL without its password, for logs. */
  name: string;
  db: Db;
  close(): Promise<void>;
}

/** What the last check found of one replica. */
export interface ReplicaState {
  name: string;
  healthy: boolean;
  /** How far behind the primary's heartbeat it was, in ms (null: it did not answer). */
  lagMs: number | null;
}

interface Replica extends ReplicaPool, ReplicaState {
  /** The primary's heartbeat as this replica had applied it at the last check. */
  applied: Date | null;
  /** Whether a check has judged it yet (the first verdict is logged either way). */
  judged: boolean;
}

function at(rows: { at: Date }[]): Date {
  if (!rows[0]) throw new Error("replica_heartbeat has no row; migration 010 puts one there");
  return rows[0].at;
}

function within<T>(ms: number, running: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  running.catch(() => {});
  return Promise.race([running, late]).finally(() => clearTimeout(timer));
}

/** The replicas and their health; `pick` chooses one for a read. */
export class Replicas {
  readonly #list: Replica[];
  readonly #primary: Db;
  readonly #maxLagMs: number;
  #next = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #checking: Promise<void> | null = null;
  #closed = false;

  /** `primary` moves the heartbeat (a pool no request waits for). Every replica counts as down until checked. */
  constructor(pools: ReplicaPool[], primary: Db, maxLagMs: number) {
    this.#list = pools.map((p) => ({ ...p, healthy: false, lagMs: null, applied: null, judged: false }));
    this.#primary = primary;
    this.#maxLagMs = maxLagMs;
  }

  /** Starts the background checks, the first one at once; later calls do nothing. */
  start(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setInterval(() => this.check(), CHECK_INTERVAL_MS);
    this.check();
  }

  /** One round: moves the heartbeat, then reads each replica's copy. Rounds do not overlap. */
  check(): Promise<void> {
    this.#checking ??= this.#round().finally(() => this.#checking = null);
    return this.#checking;
  }

  async #round(): Promise<void> {
    let primaryAt: Date;
    try {
      await this.#primary.execute(BEAT_SQL);
      primaryAt = at(await this.#primary.query<{ at: Date }>(HEARTBEAT_SQL));
    } catch (err) {
      // Without the primary there is nothing to measure against; readiness reports the primary itself.
      log.warn("replica heartbeat failed on the primary", { kind: "replicas", error: err });
      return;
    }
    await Promise.all(this.#list.map(async (replica) => {
      try {
        const applied = at(await within(CHECK_TIMEOUT_MS, replica.db.query<{ at: Date }>(HEARTBEAT_SQL)));
        const lagMs = Math.max(0, primaryAt.getTime() - applied.getTime());
        this.#set(replica, lagMs <= this.#maxLagMs, lagMs, applied);
      } catch (err) {
        this.#set(replica, false, null, replica.applied, err);
      }
    }));
  }

  #set(replica: Replica, healthy: boolean, lagMs: number | null, applied: Date | null, error?: unknown): void {
    if (healthy !== replica.healthy || !replica.judged) {
      if (healthy) log.info("replica serves reads", { kind: "replicas", replica: replica.name, lagMs });
      else {
        log.warn("replica skipped until it recovers", {
          kind: "replicas",
          replica: replica.name,
          lagMs,
          maxLagMs: this.#maxLagMs,
          error,
        });
      }
    }
    replica.judged = true;
    replica.healthy = healthy;
    replica.lagMs = lagMs;
    replica.applied = applied;
  }

  /**
   * A healthy replica, in turn, that has applied a heartbeat later than `after` (the member's last write; null or
   * undefined: any); null when none has, and the read goes to the primary.
   */
  pick(after: Date | null | undefined): Db | null {
    const n = this.#list.length;
    for (let i = 0; i < n; i++) {
      const replica = this.#list[(this.#next + i) % n];
      if (!replica.healthy) continue;
      if (after && !(replica.applied && replica.applied.getTime() > after.getTime())) continue;
      this.#next = (this.#next + i + 1) % n;
      return replica.db;
    }
    return null;
  }

  /** A read on `db` failed at the connection: skip it at once, until a check finds it well again. */
  failed(db: Db, error: unknown): void {
    const replica = this.#list.find((r) => r.db === db);
    if (replica) this.#set(replica, false, null, replica.applied, error);
  }

  states(): ReplicaState[] {
    return this.#list.map(({ name, healthy, lagMs }) => ({ name, healthy, lagMs }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#checking;
    await Promise.all(this.#list.map((r) => r.close()));
  }
}

/**
 * Tells the request in progress whom it acts for, and the heartbeat of that member's last write (undefined: not read,
 * as when a session is made).
 */
export function actingMember(memberId: string, wroteAt: Date | null | undefined): void {
  const scope = currentReads();
  if (!scope) return;
  scope.memberId = memberId;
  if (wroteAt !== undefined) scope.wroteAt = wroteAt;
}
