// Idempotency keys on MySQL: one row per member and client key, a lease held by a token. Every change is one
// conditional statement (or a row lock inside a creating write's transaction), so racing requests cannot both hold.
import { ConflictError } from "../../errors.ts";
import { idempotencyClaimLost } from "../records.ts";
import type { IdempotencyClaim, IdempotencyCompletion, IdempotencyRecord } from "../model.ts";
import type { Executor } from "./pool.ts";
import { type Ctx, isDuplicate, limitParam } from "./shared.ts";

/** How many times a claim re-races for a key that was released or expired under it. */
const CLAIM_TRIES = 5;

interface IdempotencyRow {
  request_hash: string;
  state: "in-flight" | "done";
  status: number | null;
  body: string | null;
  expires_at: Date;
}

function toIdempotency(row: IdempotencyRow): IdempotencyRecord {
  return row.state === "done"
    ? { state: "done", requestHash: row.request_hash, status: Number(row.status), body: row.body ?? "" }
    : { state: "in-flight", requestHash: row.request_hash };
}

/** Claims a key as a lease: null when it is new or its previous lease ran out, otherwise the live record. */
export async function claimIdempotency(
  ctx: Ctx,
  userId: string,
  key: string,
  claim: { requestHash: string; token: string; leaseMs: number },
): Promise<IdempotencyRecord | null> {
  for (let attempt = 0; attempt < CLAIM_TRIES; attempt++) {
    const now = new Date();
    const until = new Date(now.getTime() + claim.leaseMs);
    try {
      await ctx.db.writer.execute(
        "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, claim_token, state, expires_at) " +
          "VALUES (?, ?, ?, ?, 'in-flight', ?)",
        [userId, key, claim.requestHash, claim.token, until],
      );
      return null;
    } catch (err) {
      if (!isDuplicate(err)) throw err;
    }
    // Taking over a lapsed row is one conditional UPDATE: of racing takers exactly one changes it.
    const { affectedRows } = await ctx.db.writer.execute(
      "UPDATE idempotency_keys SET request_hash = ?, claim_token = ?, state = 'in-flight', status = NULL, " +
        "body = NULL, expires_at = ? WHERE user_id = ? AND idem_key = ? AND expires_at <= ?",
      [claim.requestHash, claim.token, until, userId, key, now],
    );
    if (affectedRows > 0) return null;
    const [row] = await ctx.db.writer.query<IdempotencyRow>(
      "SELECT request_hash, state, status, body, expires_at FROM idempotency_keys WHERE user_id = ? AND idem_key = ?",
      [userId, key],
    );
    if (row && row.expires_at.getTime() > now.getTime()) return toIdempotency(row);
  }
  throw new ConflictError("That Idempotency-Key is being claimed by other requests at the same time; try again.");
}

/** Extends a held in-flight claim; false when the token no longer holds it. */
export async function renewIdempotency(ctx: Ctx, claim: IdempotencyClaim, leaseMs: number): Promise<boolean> {
  const { affectedRows } = await ctx.db.writer.execute(
    "UPDATE idempotency_keys SET expires_at = ? WHERE user_id = ? AND idem_key = ? AND claim_token = ? " +
      "AND state = 'in-flight'",
    [new Date(Date.now() + leaseMs), claim.userId, claim.key, claim.token],
  );
  return affectedRows > 0;
}

/** Records the answer of a held in-flight claim, kept `keepMs`; false when the token no longer holds it. */
export async function finishIdempotency(
  ctx: Ctx,
  claim: IdempotencyClaim,
  result: { status: number; body: string },
  keepMs: number,
): Promise<boolean> {
  return await finish(ctx.db.writer, claim, result, keepMs);
}

async function finish(
  db: Executor,
  claim: IdempotencyClaim,
  result: { status: number; body: string },
  keepMs: number,
): Promise<boolean> {
  const { affectedRows } = await db.execute(
    "UPDATE idempotency_keys SET state = 'done', status = ?, body = ?, expires_at = ? " +
      "WHERE user_id = ? AND idem_key = ? AND claim_token = ? AND state = 'in-flight'",
    [result.status, result.body, new Date(Date.now() + keepMs), claim.userId, claim.key, claim.token],
  );
  return affectedRows > 0;
}

/** Drops a held in-flight claim; a finished record, or another holder's claim, is kept. */
export async function releaseIdempotency(ctx: Ctx, claim: IdempotencyClaim): Promise<void> {
  await ctx.db.writer.execute(
    "DELETE FROM idempotency_keys WHERE user_id = ? AND idem_key = ? AND claim_token = ? AND state = 'in-flight'",
    [claim.userId, claim.key, claim.token],
  );
}

/**
 * Locks the claim a creating write will finish; ConflictError (rolling the write back) when the token no longer
 * holds it, so a request whose lease lapsed and was taken over writes nothing. Call it first in the transaction.
 */
export async function holdClaim<T>(tx: Executor, done: IdempotencyCompletion<T> | undefined): Promise<void> {
  if (!done) return;
  const [row] = await tx.query<{ n: number }>(
    "SELECT 1 AS n FROM idempotency_keys WHERE user_id = ? AND idem_key = ? AND claim_token = ? " +
      "AND state = 'in-flight' FOR UPDATE",
    [done.userId, done.key, done.token],
  );
  if (!row) throw idempotencyClaimLost();
}

/** Finishes the claim locked by holdClaim with the answer for `record`, in the same transaction as the write. */
export async function recordAnswer<T>(
  tx: Executor,
  done: IdempotencyCompletion<T> | undefined,
  record: T,
): Promise<void> {
  if (!done) return;
  if (!(await finish(tx, done, done.answer(record), done.keepMs))) throw idempotencyClaimLost();
}

/** Deletes up to `batch` keys past their expiry: an answer no longer kept, or a lease that ran out. */
export async function deleteExpiredIdempotency(ctx: Ctx, batch: number): Promise<void> {
  await ctx.db.maintenance.execute("DELETE FROM idempotency_keys WHERE expires_at <= ? LIMIT ?", [
    new Date(),
    limitParam(batch),
  ]);
}
