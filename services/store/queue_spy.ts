// For tests: what a store commits to its queue, with the wait before its first delivery (a delayed event is seen at
// once, with its delay, instead of 15 minutes later). Every way in is watched: on Deno KV an enqueue in an atomic
// commit (recorded only when the commit succeeds) and Deno.Kv.enqueue; on MySQL an outbox row written in a
// transaction of the store's writer (recorded when it commits).
import { assert } from "../../framework/testing/assert.ts";
import type { DomainEvent } from "./model.ts";
import { KvEventQueue } from "./kv/queue.ts";
import { MysqlEventQueue } from "./mysql/queue.ts";
import type { Executor, Param } from "./mysql/pool.ts";
import type { EventQueue } from "./ports/queue.ts";

export interface Enqueued {
  event: DomainEvent;
  /** `delay`: milliseconds before the first delivery, absent when at once. */
  options: { delay?: number } | undefined;
}

export interface QueueSpy {
  /** Everything committed to the queue since the spy started, in commit order. */
  readonly seen: Enqueued[];
  /** What was committed of one type (and one record, when `id` is given). */
  of(type: DomainEvent["type"], id?: string): Enqueued[];
  /** The first commit of `type` about `id`; fails after 10 s. */
  waitFor(type: DomainEvent["type"], id: string): Promise<Enqueued>;
  /** Puts the queue's own methods back. */
  restore(): void;
}

export function spyOnQueue(queue: EventQueue): QueueSpy {
  const seen: Enqueued[] = [];
  const record = (event: DomainEvent, delay: number | undefined) =>
    seen.push({ event, options: delay === undefined ? undefined : { delay } });
  let restore: () => void;
  if (queue instanceof KvEventQueue) restore = watchKv(queue.kv, record);
  else if (queue instanceof MysqlEventQueue) restore = watchMysql(queue, record);
  else throw new Error(`spyOnQueue cannot watch a ${queue.kind} queue`);
  const of = (type: DomainEvent["type"], id?: string) =>
    seen.filter((e) => e.event.type === type && (id === undefined || e.event.id === id));
  return {
    seen,
    of,
    async waitFor(type, id) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const [hit] = of(type, id);
        if (hit) return hit;
        assert(Date.now() < deadline, `no ${type} for ${id} reached the queue; saw ${JSON.stringify(seen)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    restore,
  };
}

type Seen = (event: DomainEvent, delay: number | undefined) => void;
type EnqueueOptions = Parameters<Deno.Kv["enqueue"]>[1];

function watchKv(kv: Deno.Kv, record: Seen): () => void {
  const seen = (value: unknown, options: EnqueueOptions) => record(value as DomainEvent, options?.delay);
  const { atomic, enqueue } = kv;
  kv.atomic = function (this: Deno.Kv) {
    const op = atomic.call(this);
    const staged: [unknown, EnqueueOptions][] = [];
    const opEnqueue = op.enqueue;
    op.enqueue = function (this: Deno.AtomicOperation, value: unknown, options?: EnqueueOptions) {
      staged.push([value, options]);
      return opEnqueue.call(this, value, options);
    };
    const commit = op.commit;
    op.commit = async function (this: Deno.AtomicOperation) {
      const result = await commit.call(this);
      if (result.ok) { for (const [value, options] of staged) seen(value, options); }
      return result;
    };
    return op;
  };
  kv.enqueue = async function (this: Deno.Kv, value: unknown, options?: EnqueueOptions) {
    const result = await enqueue.call(this, value, options);
    seen(value, options);
    return result;
  };
  return () => {
    kv.atomic = atomic;
    kv.enqueue = enqueue;
  };
}

/** The rows of `INSERT INTO outbox (event, created_at, due_at)` (shared.ts writeEvents), three values a row. */
function watchMysql(queue: MysqlEventQueue, record: Seen): () => void {
  const writer = queue.db.writer;
  const { transaction } = writer;
  writer.transaction = async function <T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
    let staged: [DomainEvent, number][] = [];
    const result = await transaction.call(writer, (tx: Executor) => {
      staged = []; // a deadlock victim runs again from the start
      return fn({
        query: (sql, params) => tx.query(sql, params),
        async execute(sql: string, params?: readonly Param[]) {
          const done = await tx.execute(sql, params);
          if (sql.startsWith("INSERT INTO outbox") && params) {
            for (let i = 0; i < params.length; i += 3) {
              const [event, at, due] = params.slice(i, i + 3) as [string, Date, Date];
              staged.push([JSON.parse(event), due.getTime() - at.getTime()]);
            }
          }
          return done;
        },
      });
    }) as T;
    for (const [event, delay] of staged) record(event, delay > 0 ? delay : undefined);
    return result;
  };
  return () => {
    writer.transaction = transaction;
  };
}
