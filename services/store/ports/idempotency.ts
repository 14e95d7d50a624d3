// The idempotency port: Idempotency-Key claims and their recorded answers.
import type { IdempotencyClaim, IdempotencyRecord } from "../model.ts";

/** Idempotency-Key claims: leases while a write runs, the recorded answer after. */
export interface IdempotencyPort {
  /**
   * Claims an idempotency key for a member as a lease of `leaseMs` held by `token`: null when the key is new or its
   * previous lease ran out (the caller proceeds, renews while it runs, and finishes), otherwise the live record.
   */
  claimIdempotency(
    userId: string,
    key: string,
    claim: { requestHash: string; token: string; leaseMs: number },
  ): Promise<IdempotencyRecord | null>;
  /** Extends a held in-flight claim to `leaseMs` from now; false when the claim is no longer the holder's. */
  renewIdempotency(claim: IdempotencyClaim, leaseMs: number): Promise<boolean>;
  /** Records the answer of a held in-flight claim, kept `keepMs`; false (and nothing changes) when it is not held. */
  finishIdempotency(
    claim: IdempotencyClaim,
    result: { status: number; body: string },
    keepMs: number,
  ): Promise<boolean>;
  /** Drops a held in-flight claim whose request failed, so the key can be retried at once; a finished one stays. */
  releaseIdempotency(claim: IdempotencyClaim): Promise<void>;
}
