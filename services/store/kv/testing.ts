// Test fixtures for the Deno KV store (never imported by production code).
import { type Fixture, fixtureTest } from "../../testing.ts";
import { KvOnce } from "./once.ts";
import { KvEventQueue } from "./queue.ts";
import { KvStore } from "./store.ts";

/** A store on an in-memory KV of its own. */
export async function openKvStore(): Promise<Fixture & { kv: Deno.Kv; store: KvStore }> {
  const kv = await Deno.openKv(":memory:");
  const store = new KvStore(kv);
  return { kv, store, cleanup: () => store.close() };
}

/** Registers tests named `${prefix} ${name}`, each on a store of its own. */
export function kvStoreTest(
  prefix: string,
): (name: string, fn: (store: KvStore, kv: Deno.Kv) => Promise<void>) => void {
  return (name, fn) => fixtureTest(`${prefix} ${name}`, openKvStore, ({ store, kv }) => fn(store, kv));
}

/** A KV's queue and once records, as the workers take them from a store (workers/runner.ts). */
export function kvWork(kv: Deno.Kv): { queue: KvEventQueue; once: KvOnce } {
  return { queue: new KvEventQueue(kv), once: new KvOnce(kv) };
}
