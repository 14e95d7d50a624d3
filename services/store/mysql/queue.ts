// The queue port on MySQL: the outbox table is the queue. Every write commits its events as rows due at once (or,
// for a held-back type, later: events.ts); any instance claims due rows in small batches with FOR UPDATE SKIP LOCKED
// and leases them by moving due_at past the lease under a token of its own, renewed while the workers run. The
// verdict then deletes the row (done), makes it due later (a retry, with the runner's growing waits) or moves it to
// dead_letters. A row whose instance died is simply due again once its lease passes, so no work is stranded on any
// instance's disk. The listener polls every POLL_MS with one indexed statement when idle, and a commit that wrote
// events wakes it at once (kick).
import { dueAt, isDomainEvent } from "../events.ts";
import type { DomainEvent } from "../model.ts";
import type { DeadLetter, EventQueue, QueueBacklog, QueueListener, QueueLog, Verdict } from "../ports/queue.ts";
import type { Database } from "./pool.ts";
import { inLists, LATER, limitParam, micros } from "./shared.ts";

export interface MysqlQueueOptions {
  /** How long a claim holds a row before it is due again, unless renewed (a third of this apart). */
  leaseMs?: number;
  /** How often an idle listener looks for due rows. */
  pollMs?: number;
  /** Events one instance handles at once. */
  concurrency?: number;
}

const LEASE_MS = 30_000;
const POLL_MS = 1_000;
const CONCURRENCY = 10;
/** Dead letters read per statement. */
const LETTER_PAGE = 100;

interface Claimed {
  id: string;
  token: string;
  event: DomainEvent | null;
  text: string;
}

export class MysqlEventQueue implements EventQueue {
  readonly kind = "mysql";
  /**
   * Shorter than the row's lease: a worker's claim left by an instance that died has lapsed by the time its row is
   * due again (renewals keep the row, not the claim, so a long job is not run twice while its instance lives).
   */
  readonly claimLeaseMs: number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #concurrency: number;
  #kicked = false;
  #wake: (() => void) | null = null;
  #listener: QueueListener | null = null;

  constructor(readonly db: Database, options: MysqlQueueOptions = {}) {
    this.#leaseMs = options.leaseMs ?? LEASE_MS;
    this.#pollMs = options.pollMs ?? POLL_MS;
    this.#concurrency = options.concurrency ?? CONCURRENCY;
    this.claimLeaseMs = Math.floor(this.#leaseMs * 0.8);
  }

  /** Wakes the listener now: a commit just wrote events. */
  kick(): void {
    this.#kicked = true;
    this.#wake?.();
  }

  /** Stops the listener, if any, and waits for its last verdicts. */
  async close(): Promise<void> {
    this.#listener?.stop();
    await this.#listener?.ended;
  }

  listen(handle: (event: DomainEvent) => Promise<Verdict>, log: QueueLog): QueueListener {
    if (this.#listener) throw new Error("This queue already has a listener; open one queue per listener.");
    let stopped = false;
    const inFlight = new Set<Promise<void>>();

    const run = (row: Claimed) => {
      const job = (async () => {
        const renewing = setInterval(
          () => this.#renew(row).catch((err) => log({ level: "warn", msg: "queue lease renewal failed", error: err })),
          Math.max(1, Math.floor(this.#leaseMs / 3)),
        );
        try {
          if (!row.event) {
            log({ level: "warn", msg: "an outbox row is not a domain event; kept as a dead letter", row: row.id });
            return await this.#bury(row, `outbox-${row.id}`, row.text);
          }
          let verdict: Verdict;
          try {
            verdict = await handle(row.event);
          } catch (err) {
            // Its claim stays until the lease passes, then the event comes back as after a crash.
            log({ level: "error", msg: "queue handler failed; the event comes back after its lease", error: err });
            return;
          }
          await this.#record(row, verdict);
        } catch (err) {
          log({ level: "warn", msg: "queue verdict not recorded; the event comes back after its lease", error: err });
        } finally {
          clearInterval(renewing);
        }
      })().finally(() => {
        inFlight.delete(job);
        this.#wake?.();
      });
      inFlight.add(job);
    };

    const loop = async () => {
      while (!stopped) {
        const room = this.#concurrency - inFlight.size;
        let full = false;
        this.#kicked = false;
        if (room > 0) {
          try {
            const rows = await this.#claim(room);
            if (stopped) {
              // Taken as the stop came: handed back at once, for another instance.
              await Promise.all(rows.map((row) => this.#record(row, { kind: "back", delayMs: 0 })));
              break;
            }
            for (const row of rows) run(row);
            full = rows.length === room;
          } catch (err) {
            log({ level: "warn", msg: "queue poll failed; the next poll retries", error: err });
          }
        }
        if ((full || this.#kicked) && !stopped) continue;
        await this.#sleep();
      }
      await Promise.all(inFlight);
    };

    const ended = loop().finally(() => {
      this.#listener = null;
    });
    const listener: QueueListener = {
      ended,
      stop: () => {
        stopped = true;
        this.#wake?.();
      },
      // Nothing reaches a stopped listener, so it has settled once its last verdicts are recorded.
      async settle(_quietMs, withinMs) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([ended, new Promise((resolve) => timer = setTimeout(resolve, withinMs))]);
        clearTimeout(timer);
      },
    };
    this.#listener = listener;
    return listener;
  }

  /** Sleeps until the next poll, a kick, or a handler ending (a slot came free). */
  async #sleep(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      timer = setTimeout(resolve, this.#pollMs);
    });
    clearTimeout(timer);
    this.#wake = null;
  }

  /** Leases up to `n` due rows. Idle, this is one indexed statement; rows another instance holds are skipped. */
  async #claim(n: number): Promise<Claimed[]> {
    const due = await this.db.maintenance.query("SELECT id FROM outbox WHERE due_at <= NOW(3) LIMIT 1");
    if (due.length === 0) return [];
    const token = crypto.randomUUID();
    return await this.db.maintenance.transaction(async (tx) => {
      const rows = await tx.query<{ id: unknown; event: string }>(
        "SELECT id, event FROM outbox WHERE due_at <= NOW(3) ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED",
        [limitParam(n)],
      );
      if (rows.length === 0) return [];
      const ids = rows.map((r) => String(r.id));
      for (const { placeholders, params } of inLists(ids)) {
        await tx.execute(`UPDATE outbox SET due_at = ${LATER}, lease_token = ? WHERE id IN (${placeholders})`, [
          micros(this.#leaseMs),
          token,
          ...params,
        ]);
      }
      return rows.map((r) => ({ id: String(r.id), token, event: parseEvent(r.event), text: r.event }));
    });
  }

  async #renew(row: Claimed): Promise<void> {
    await this.db.maintenance.execute(`UPDATE outbox SET due_at = ${LATER} WHERE id = ? AND lease_token = ?`, [
      micros(this.#leaseMs),
      row.id,
      row.token,
    ]);
  }

  /** Records a verdict on a row this instance still holds (a lease that passed and was taken over is left alone). */
  async #record(row: Claimed, verdict: Verdict): Promise<void> {
    const held = [row.id, row.token];
    switch (verdict.kind) {
      case "done":
        await this.db.maintenance.execute("DELETE FROM outbox WHERE id = ? AND lease_token = ?", held);
        return;
      case "retry":
        await this.db.maintenance.execute(
          `UPDATE outbox SET event = ?, due_at = ${LATER}, lease_token = NULL WHERE id = ? AND lease_token = ?`,
          [JSON.stringify(verdict.event), micros(verdict.delayMs), ...held],
        );
        return;
      case "back":
        await this.db.maintenance.execute(
          `UPDATE outbox SET due_at = ${LATER}, lease_token = NULL WHERE id = ? AND lease_token = ?`,
          [micros(verdict.delayMs), ...held],
        );
        return;
      case "dead":
        return await this.#bury(row, verdict.event.eventId, JSON.stringify(verdict.event));
    }
  }

  /** Moves a row this instance holds to the dead letters, as `text`. */
  async #bury(row: Claimed, eventId: string, text: string): Promise<void> {
    await this.db.maintenance.transaction(async (tx) => {
      const { affectedRows } = await tx.execute("DELETE FROM outbox WHERE id = ? AND lease_token = ?", [
        row.id,
        row.token,
      ]);
      if (affectedRows === 0) return;
      await tx.execute(
        "INSERT INTO dead_letters (event_id, event, failed_at) VALUES (?, ?, NOW(3)) " +
          "ON DUPLICATE KEY UPDATE event = VALUES(event), failed_at = VALUES(failed_at)",
        [eventId, text],
      );
    });
  }

  async backlog(): Promise<QueueBacklog> {
    const [[waiting], [dead]] = await Promise.all([
      this.db.maintenance.query<{ depth: number; oldest: Date | null }>(
        "SELECT COUNT(*) AS depth, MIN(created_at) AS oldest FROM outbox",
      ),
      this.db.maintenance.query<{ n: number }>("SELECT COUNT(*) AS n FROM dead_letters"),
    ]);
    return {
      depth: Number(waiting.depth),
      oldestAt: waiting.oldest?.toISOString() ?? null,
      deadLetters: Number(dead.n),
    };
  }

  async *deadLetters(): AsyncGenerator<DeadLetter> {
    let after = "";
    for (;;) {
      const rows = await this.db.maintenance.query<{ event_id: string; event: string }>(
        "SELECT event_id, event FROM dead_letters WHERE event_id > ? ORDER BY event_id LIMIT ?",
        [after, limitParam(LETTER_PAGE)],
      );
      for (const row of rows) {
        const event = parseEvent(row.event);
        yield { key: row.event_id, event, redrives: event?.redrives ?? 0, version: row.event };
      }
      if (rows.length < LETTER_PAGE) return;
      after = rows[rows.length - 1].event_id;
    }
  }

  async redrive(letter: DeadLetter, event: DomainEvent): Promise<boolean> {
    const moved = await this.db.maintenance.transaction(async (tx) => {
      const { affectedRows } = await tx.execute("DELETE FROM dead_letters WHERE event_id = ? AND event = ?", [
        letter.key,
        letter.version,
      ]);
      if (affectedRows === 0) return false;
      await tx.execute("INSERT INTO outbox (event, created_at, due_at) VALUES (?, NOW(3), GREATEST(NOW(3), ?))", [
        JSON.stringify(event),
        dueAt(event),
      ]);
      return true;
    });
    if (moved) this.kick();
    return moved;
  }

  async replaceDeadLetter(letter: DeadLetter, event: DomainEvent): Promise<boolean> {
    const { affectedRows } = await this.db.maintenance.execute(
      "UPDATE dead_letters SET event = ? WHERE event_id = ? AND event = ?",
      [JSON.stringify(event), letter.key, letter.version],
    );
    return affectedRows === 1;
  }
}

function parseEvent(text: string): DomainEvent | null {
  try {
    const value = JSON.parse(text);
    return isDomainEvent(value) ? value : null;
  } catch {
    return null;
  }
}
