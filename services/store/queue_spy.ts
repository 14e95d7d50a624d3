// For tests: what a store hands its queue, with the options it hands them with (a delayed event is seen at once, with
// its delay, instead of 15 minutes later). Every way into a Deno KV queue is watched: an enqueue in an atomic commit
// (the KV adapter, recorded only when the commit succeeds) and Deno.Kv.enqueue (the MySQL outbox relay).
import { assert } from "../../framework/testing/assert.ts";
import type { DomainEvent } from "./model.ts";

export interface Enqueued {
  event: DomainEvent;
  options: { delay?: number; keysIfUndelivered?: Deno.KvKey[]; backoffSchedule?: number[] } | undefined;
}

export interface QueueSpy {
  /** Everything committed to the queue since the spy started, in commit order. */
  readonly seen: Enqueued[];
  /** What was committed of one type (and one record, when `id` is given). */
  of(type: DomainEvent["type"], id?: string): Enqueued[];
  /** The first commit of `type` about `id`; fails after 10 s (the MySQL relay moves the outbox about once a second). */
  waitFor(type: DomainEvent["type"], id: string): Promise<Enqueued>;
  /** Puts the queue's own methods back. */
  restore(): void;
}

type EnqueueOptions = Parameters<Deno.Kv["enqueue"]>[1];

export function spyOnQueue(kv: Deno.Kv): QueueSpy {
  const seen: Enqueued[] = [];
  const record = (value: unknown, options: EnqueueOptions) =>
    seen.push({ event: value as DomainEvent, options: options as Enqueued["options"] });
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
      if (result.ok) { for (const [value, options] of staged) record(value, options); }
      return result;
    };
    return op;
  };
  kv.enqueue = async function (this: Deno.Kv, value: unknown, options?: EnqueueOptions) {
    const result = await enqueue.call(this, value, options);
    record(value, options);
    return result;
  };
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
    restore() {
      kv.atomic = atomic;
      kv.enqueue = enqueue;
    },
  };
}
