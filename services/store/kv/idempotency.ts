// Idempotency keys on Deno KV: one key per member and client key, claimed and finished under versionstamp checks.
import type { IdempotencyRecord } from "../types.ts";
import * as keys from "./keys.ts";
import { type Ctx, lostRaces, MAX_TRIES } from "./shared.ts";

type StoredIdempotency = IdempotencyRecord & { expiresAt: number };

function publicIdempotency(stored: StoredIdempotency): IdempotencyRecord {
  return stored.state === "done"
    ? { state: "done", requestHash: stored.requestHash, status: stored.status, body: stored.body }
    : { state: "in-flight", requestHash: stored.requestHash };
}

/**
 * Claims an idempotency key: null when it is new (or its previous claim expired), otherwise the existing record.
 * Exactly one of racing claims gets null.
 */
export async function claimIdempotency(
  ctx: Ctx,
  userId: string,
  key: string,
  requestHash: string,
  ttlMs: number,
): Promise<IdempotencyRecord | null> {
  const k = keys.idempotency(userId, key);
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<StoredIdempotency>(k);
    const now = Date.now();
    // KV deletes expired keys lazily, so an expired value is treated as absent and claimed over its versionstamp.
    if (entry.value && entry.value.expiresAt > now) return publicIdempotency(entry.value);
    const claim: StoredIdempotency = { state: "in-flight", requestHash, expiresAt: now + ttlMs };
    if ((await ctx.kv.atomic().check(entry).set(k, claim, { expireIn: ttlMs }).commit()).ok) return null;
  }
  throw lostRaces("idempotency key");
}

/** Records the result of a live in-flight claim, keeping the claim's expiry; a no-op when there is none. */
export async function finishIdempotency(
  ctx: Ctx,
  userId: string,
  key: string,
  result: { status: number; body: string },
): Promise<void> {
  const k = keys.idempotency(userId, key);
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<StoredIdempotency>(k);
    const claim = entry.value;
    const expireIn = claim ? claim.expiresAt - Date.now() : 0;
    if (!claim || claim.state !== "in-flight" || expireIn <= 0) return;
    const done: StoredIdempotency = {
      state: "done",
      requestHash: claim.requestHash,
      status: result.status,
      body: result.body,
      expiresAt: claim.expiresAt,
    };
    if ((await ctx.kv.atomic().check(entry).set(k, done, { expireIn }).commit()).ok) return;
  }
  throw lostRaces("idempotency key");
}

/** Releases an in-flight claim whose request failed; a finished record is kept, so a late release cannot undo it. */
export async function releaseIdempotency(ctx: Ctx, userId: string, key: string): Promise<void> {
  const k = keys.idempotency(userId, key);
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<StoredIdempotency>(k);
    if (!entry.value || entry.value.state !== "in-flight") return;
    if ((await ctx.kv.atomic().check(entry).delete(k).commit()).ok) return;
  }
  throw lostRaces("idempotency key");
}
