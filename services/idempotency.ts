// The Idempotency-Key protocol (API.md, Conventions; QUALITY.md, Reliability): a claim is a short lease renewed while
// its request runs, held by a token so only that request can renew, finish or release it. A crash or a database error
// leaves at most a lapsing lease: within seconds the same key either replays the committed answer or runs once.
// Creating writes finish the claim in their own commit (IdempotencyCompletion), so a committed write always replays.
import { ConflictError, ValidationError } from "./errors.ts";
import type { IdempotencyClaim, IdempotencyCompletion } from "./store/model.ts";
import type { IdempotencyPort } from "./store/ports/idempotency.ts";

/** The storage ports this module uses. */
type Store = IdempotencyPort;

/** How long a claim lives without renewal: what a crashed request costs its retries. */
export const LEASE_MS = 10_000;
/** Renewal period of a running request's lease: several renewals fit in one lease. */
export const RENEW_MS = 3_000;
/** How long a finished answer replays. */
export const KEEP_MS = 24 * 3600 * 1000;
/** What the 409 for a running duplicate suggests waiting: the first request usually finishes well within it. */
export const IN_FLIGHT_RETRY_SECONDS = 1;

/** A stored answer, as the caller will replay it. */
export interface Answer {
  status: number;
  location: string | null;
  body: string;
}

/** A creating service's link to a held claim: how to finish it, with the answer for its view, in the write's commit. */
export interface Once<V> {
  completing<R>(toView: (record: R) => V): IdempotencyCompletion<R>;
}

/** A held claim; `answering` ties it to how the caller renders a view into an answer. */
export class Claim implements IdempotencyClaim {
  constructor(readonly userId: string, readonly key: string, readonly token: string) {}

  answering<V>(render: (view: V) => Answer): Once<V> {
    const claim = { userId: this.userId, key: this.key, token: this.token };
    return {
      completing: <R>(toView: (record: R) => V): IdempotencyCompletion<R> => ({
        ...claim,
        keepMs: KEEP_MS,
        answer: (record: R) => encode(render(toView(record))),
      }),
    };
  }
}

function encode(answer: Answer): { status: number; body: string } {
  return { status: answer.status, body: JSON.stringify(answer) };
}

function decode(stored: string): Answer {
  const { status, location, body } = JSON.parse(stored) as Answer;
  return { status, location: location ?? null, body };
}

/**
 * Runs `run` once per member and key and replays its answer afterwards (`replayed: true`). The same key with another
 * request is a ValidationError; a duplicate while the first runs is a ConflictError with a retry hint. A thrown error
 * or a 5xx answer releases the claim so the key can be retried at once; if even the release fails, the lease lapses.
 */
export async function runOnce(
  store: Store,
  request: { userId: string; key: string; requestHash: string },
  run: (claim: Claim) => Promise<Answer>,
): Promise<{ answer: Answer; replayed: boolean }> {
  const claim = new Claim(request.userId, request.key, crypto.randomUUID());
  const existing = await store.claimIdempotency(request.userId, request.key, {
    requestHash: request.requestHash,
    token: claim.token,
    leaseMs: LEASE_MS,
  });
  if (existing) {
    if (existing.requestHash !== request.requestHash) {
      throw new ValidationError("This Idempotency-Key was used with a different request.", [
        { path: "Idempotency-Key", message: "was used with a different request" },
      ]);
    }
    if (existing.state === "in-flight") {
      throw new ConflictError(
        "A request with this Idempotency-Key is still being processed; retry shortly.",
        undefined,
        IN_FLIGHT_RETRY_SECONDS,
      );
    }
    return { answer: decode(existing.body), replayed: true };
  }
  // A failed renewal is left alone: the next one may succeed, and a lost claim makes the write refuse itself.
  const renewal = setInterval(() => store.renewIdempotency(claim, LEASE_MS).catch(() => {}), RENEW_MS);
  let answer: Answer;
  try {
    answer = await run(claim);
  } catch (err) {
    clearInterval(renewal);
    await store.releaseIdempotency(claim).catch(() => {});
    throw err;
  }
  clearInterval(renewal);
  if (answer.status >= 500) {
    await store.releaseIdempotency(claim).catch(() => {});
  } else {
    // A no-op when the write already finished the claim in its commit.
    await store.finishIdempotency(claim, encode(answer), KEEP_MS);
  }
  return { answer, replayed: false };
}
