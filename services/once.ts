// Exactly-once completion for work that a queue may deliver more than once, or two processes may start at the same
// time: the first to claim a key runs the work under a lease; success records the key as done for a while, so a
// redelivery skips it; a failure releases the claim, so the retry runs it again. A process that dies mid-way leaves
// the claim to expire after the lease, and the work then runs again: at least once. The records live behind the
// OnceStore port (Deno KV, or MySQL so that no instance keeps them on its own disk).
import type { OnceStore } from "./store/ports/once.ts";

export interface OnceTerms {
  /** How long a claim holds the key while the work runs. */
  leaseMs: number;
  /** How long the key is remembered as done. */
  doneForMs: number;
}

/** "ran": this call did the work; "done": an earlier one did; "busy": another holds the claim now. */
export type OnceOutcome = "ran" | "done" | "busy";

/** Runs `work` unless the work of `key` is done or under way elsewhere; rethrows its error after releasing the claim. */
export async function runOnce(
  once: OnceStore,
  key: readonly string[],
  terms: OnceTerms,
  work: () => Promise<void>,
): Promise<OnceOutcome> {
  const claim = await once.claim(key, terms.leaseMs);
  if (claim !== "claimed") return claim === "done" ? "done" : "busy";
  try {
    await work();
  } catch (err) {
    await once.release(key);
    throw err;
  }
  await once.finish(key, terms.doneForMs);
  return "ran";
}
