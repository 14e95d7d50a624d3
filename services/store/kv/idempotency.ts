// Idempotency keys on Deno KV: one key per member and client key, a lease held by a token, claimed, renewed and
// finished under versionstamp checks. A creating write finishes its claim in its own atomic commit (recordAnswer).
import { idempotencyClaimLost } from "../records.ts";
import type { IdempotencyClaim, IdempotencyCompletion, IdempotencyRecord } from "../model.ts";
import * as keys from "./keys.ts";
import { CHUNK_MUTATIONS, commitOrRetry, type Ctx, lostRaces, MAX_TRIES } from "./shared.ts";

type StoredIdempotency = IdempotencyRecord & { expiresAt: number; token?: string };

function publicIdempotency(stored: StoredIdempotency): IdempotencyRecord {
  return stored.state === "done"
    ? { state: "done", requestHash: stored.requestHash, status: stored.status, body: stored.body }
    : { state: "in-flight", requestHash: stored.requestHash };
}

// KV deletes expired keys lazily, so a value past its expiresAt counts as absent; so does a claim taken before leases
// (no token: it held its key for 24 h, and nothing can finish it).
function live(entry: Deno.KvEntryMaybe<StoredIdempotency>, now: number): StoredIdempotency | null {
  const value = entry.value;
  if (!value || value.expiresAt <= now || (value.state === "in-flight" && !value.token)) return null;
  return value;
}

function held(entry: Deno.KvEntryMaybe<StoredIdempotency>, token: string): StoredIdempotency | null {
  const value = entry.value;
  return value && value.state === "in-flight" && value.token === token ? value : null;
}

/**
 * Claims an idempotency key as a lease: null when it is new (or its previous lease ran out), otherwise the live
 * record. Exactly one of racing claims gets null.
 */
export async function claimIdempotency(
  ctx: Ctx,
  userId: string,
  key: string,
  claim: { requestHash: string; token: string; leaseMs: number },
): Promise<IdempotencyRecord | null> {
  const k = keys.idempotency(userId, key);
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<StoredIdempotency>(k);
    const now = Date.now();
    const existing = live(entry, now);
    if (existing) return publicIdempotency(existing);
    const value: StoredIdempotency = {
      state: "in-flight",
      requestHash: claim.requestHash,
      token: claim.token,
      expiresAt: now + claim.leaseMs,
    };
    if ((await commitOrRetry(ctx.kv.atomic().check(entry).set(k, value, { expireIn: claim.leaseMs }))).ok) return null;
  }
  throw lostRaces("idempotency key");
}

/** Extends a held in-flight claim; false when the token no longer holds it. */
export async function renewIdempotency(ctx: Ctx, claim: IdempotencyClaim, leaseMs: number): Promise<boolean> {
  const k = keys.idempotency(claim.userId, claim.key);
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<StoredIdempotency>(k);
    const value = held(entry, claim.token);
    if (!value) return false;
    const next = { ...value, expiresAt: Date.now() + leaseMs };
    if ((await commitOrRetry(ctx.kv.atomic().check(entry).set(k, next, { expireIn: leaseMs }))).ok) return true;
  }
  throw lostRaces("idempotency key");
}

/** Records the answer of a held in-flight claim, kept `keepMs`; false when the token no longer holds it. */
export async function finishIdempotency(
  ctx: Ctx,
  claim: IdempotencyClaim,
  result: { status: number; body: string },
  keepMs: number,
): Promise<boolean> {
  const k = keys.idempotency(claim.userId, claim.key);
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<StoredIdempotency>(k);
    const value = held(entry, claim.token);
    if (!value) return false;
    const done = doneValue(value.requestHash, result, keepMs);
    if ((await commitOrRetry(ctx.kv.atomic().check(entry).set(k, done, { expireIn: keepMs }))).ok) return true;
  }
  throw lostRaces("idempotency key");
}

/** Drops a held in-flight claim; a finished record, or another holder's claim, is kept. */
export async function releaseIdempotency(ctx: Ctx, claim: IdempotencyClaim): Promise<void> {
  const k = keys.idempotency(claim.userId, claim.key);
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<StoredIdempotency>(k);
    if (!held(entry, claim.token)) return;
    if ((await commitOrRetry(ctx.kv.atomic().check(entry).delete(k))).ok) return;
  }
  throw lostRaces("idempotency key");
}

function doneValue(requestHash: string, result: { status: number; body: string }, keepMs: number): StoredIdempotency {
  return { state: "done", requestHash, status: result.status, body: result.body, expiresAt: Date.now() + keepMs };
}

/**
 * Reads the claim a creating write will finish in its commit; ConflictError when the token no longer holds it, so
 * a request whose lease lapsed and was taken over writes nothing.
 */
export async function heldClaim<T>(
  ctx: Ctx,
  done: IdempotencyCompletion<T>,
): Promise<Deno.KvEntryMaybe<StoredIdempotency>> {
  const entry = await ctx.kv.get<StoredIdempotency>(keys.idempotency(done.userId, done.key));
  if (!held(entry, done.token)) throw idempotencyClaimLost();
  return entry;
}

/** Adds the claim's check and its finished answer to a creating write's atomic commit. */
export function recordAnswer<T>(
  op: Deno.AtomicOperation,
  entry: Deno.KvEntryMaybe<StoredIdempotency>,
  done: IdempotencyCompletion<T>,
  record: T,
): Deno.AtomicOperation {
  const value = doneValue(entry.value!.requestHash, done.answer(record), done.keepMs);
  return op.check(entry).set(entry.key, value, { expireIn: done.keepMs });
}

/** Deletes a member's idempotency keys, CHUNK_MUTATIONS per commit. */
export async function deleteIdempotencyOf(ctx: Ctx, userId: string): Promise<void> {
  for (;;) {
    const op = ctx.kv.atomic();
    let count = 0;
    for await (const { key } of ctx.kv.list({ prefix: keys.idempotencyOf(userId) }, { limit: CHUNK_MUTATIONS })) {
      op.delete(key);
      count++;
    }
    if (count === 0) return;
    await op.commit();
  }
}
