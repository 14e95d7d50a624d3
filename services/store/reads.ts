// Where a read may be served from. With read replicas (DATABASE_READ_URLS) a read that may be stale goes to one; this
// scope, carried through a request or a queue job by AsyncLocalStorage, says when it may not: a worker acts on what
// it reads, a request that has written reads its own write, and a member who wrote lately (through any instance)
// reads from the primary until a replica has applied that write. Without replicas nothing sets or reads it.
import { AsyncLocalStorage } from "node:async_hooks";
import { log } from "../log.ts";

export interface ReadScope {
  /** Every read goes to the primary: a worker's, or a request's once it has committed a write. */
  primary: boolean;
  /** The member the request acts for, once its session is read or made. */
  memberId?: string;
  /** The primary's heartbeat just after the member's last write (null: none recorded); see replicas.ts. */
  wroteAt?: Date | null;
  /** Set by the database that committed a write in this scope: records it as the member's, once they are known. */
  recordWrite?: (memberId: string) => Promise<void>;
}

const scopes = new AsyncLocalStorage<ReadScope>();

/** The scope of the request or job running now, if any. */
export function currentReads(): ReadScope | undefined {
  return scopes.getStore();
}

/** Runs `fn` with every read on the primary: queue workers reload what they act on, and must not act on a stale copy. */
export function onPrimary<T>(fn: () => Promise<T>): Promise<T> {
  return scopes.run({ primary: true }, fn);
}

/**
 * Runs a request in a scope of its own. After an unsafe request (`write`) that committed, the member's write is
 * recorded before the answer leaves, so their next request, on any instance, reads it.
 */
export async function withRequestReads<T>(write: boolean, fn: () => Promise<T>): Promise<T> {
  const scope: ReadScope = { primary: false };
  const result = await scopes.run(scope, fn);
  if (write && scope.memberId && scope.recordWrite) {
    try {
      await scope.recordWrite(scope.memberId);
    } catch (err) {
      // The write itself is committed: at worst the member's next reads may lag, up to DATABASE_READ_MAX_LAG_S.
      log.warn("could not record a member's write for read-your-writes", { kind: "replicas", error: err });
    }
  }
  return result;
}
