// The OnceStore port on Deno KV: a claim is a versionstamp-null check, and both a claim and a done record expire.
import type { ClaimOutcome, OnceStore } from "../ports/once.ts";

const RUNNING = "running";
const DONE = "done";

export class KvOnce implements OnceStore {
  constructor(private readonly kv: Deno.Kv) {}

  async claim(key: readonly string[], leaseMs: number): Promise<ClaimOutcome> {
    const { ok } = await this.kv.atomic().check({ key, versionstamp: null })
      .set(key, RUNNING, { expireIn: leaseMs }).commit();
    if (ok) return "claimed";
    return (await this.kv.get(key)).value === DONE ? "done" : "running";
  }

  async finish(key: readonly string[], forMs: number): Promise<void> {
    await this.kv.set(key, DONE, { expireIn: forMs });
  }

  async release(key: readonly string[]): Promise<void> {
    const entry = await this.kv.get(key);
    if (entry.value !== RUNNING) return;
    await this.kv.atomic().check(entry).delete(key).commit();
  }
}
