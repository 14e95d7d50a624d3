// The outbox relay: every member write commits its events as outbox rows in its own transaction; the relay moves
// committed rows into the KV queue (enqueue first, delete after: at least once, and workers dedupe by eventId).
import { log } from "../../log.ts";
import { enqueueOptions } from "../events.ts";
import type { DomainEvent } from "../model.ts";
import type { Database } from "./pool.ts";

/** Outbox rows one relay transaction moves. */
const RELAY_BATCH = 100;

export class OutboxRelay {
  #running: Promise<void> | null = null;
  #again = false;
  #closed = false;

  constructor(private readonly db: Database, private readonly queue: Deno.Kv) {}

  /** Starts a relay pass, or asks the running one to go again, so a write committed mid-pass is not left waiting. */
  kick(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          while (!this.#closed && await this.#relayBatch() === RELAY_BATCH);
        } while (this.#again && !this.#closed);
      } catch (err) {
        // The rows stay in the outbox; the next kick retries them.
        log.warn("outbox relay failed; the next tick retries", { kind: "relay", error: err });
      } finally {
        this.#running = null;
      }
    })();
  }

  /** Stops kicks and waits for the pass under way. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#running;
  }

  /** Moves one batch from the outbox to the queue. Rows another instance is relaying are skipped, not waited for. */
  async #relayBatch(): Promise<number> {
    return await this.db.maintenance.transaction(async (tx) => {
      const rows = await tx.query<{ id: string; event: string }>(
        "SELECT id, event FROM outbox ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED",
        [String(RELAY_BATCH)],
      );
      if (rows.length === 0) return 0;
      // Enqueue before delete: a crash in between delivers twice (workers dedupe by eventId), never zero times.
      await Promise.all(rows.map((row) => {
        const event = JSON.parse(row.event) as DomainEvent;
        return this.queue.enqueue(event, enqueueOptions(event));
      }));
      await tx.execute(`DELETE FROM outbox WHERE id IN (${rows.map(() => "?").join(", ")})`, rows.map((r) => r.id));
      return rows.length;
    });
  }
}
