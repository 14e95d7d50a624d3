// Exactly-once completion on Deno KV for work that a queue may deliver more than once, or two processes may start at
// the same time: the first to claim a key (a versionstamp-null check) runs the work under a lease; success records the
// key as done for a while, so a redelivery skips it; a failure releases the claim, so the retry runs it again. A
// process that dies mid-way leaves the claim to expire after the lease, and the work then runs again: at least once.

export interface OnceLedger<V> {
  /** Stored while the work runs, for `leaseMs`. */
  running: V;
  /** Stored once the work succeeded, for `doneForMs`. */
  done(): V;
  isDone(value: unknown): boolean;
  leaseMs: number;
  doneForMs: number;
}

/** "ran": this call did the work; "done": an earlier one did; "busy": another holds the claim now. */
export type OnceOutcome = "ran" | "done" | "busy";

/** Runs `work` unless the work of `key` is done or under way elsewhere; rethrows its error after releasing the claim. */
export async function runOnce<V>(
  kv: Deno.Kv,
  key: Deno.KvKey,
  ledger: OnceLedger<V>,
  work: () => Promise<void>,
): Promise<OnceOutcome> {
  const claim = await kv.atomic().check({ key, versionstamp: null })
    .set(key, ledger.running, { expireIn: ledger.leaseMs }).commit();
  if (!claim.ok) return ledger.isDone((await kv.get(key)).value) ? "done" : "busy";
  try {
    await work();
  } catch (err) {
    await kv.delete(key);
    throw err;
  }
  await kv.set(key, ledger.done(), { expireIn: ledger.doneForMs });
  return "ran";
}
