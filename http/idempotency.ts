// Idempotency-Key on creating POSTs (API.md, Conventions): the HTTP side of services/idempotency.ts. Handlers answer
// with an Answer (status, location, JSON body) so the same answer can be stored in the write's commit and replayed.
import { sha256Hex } from "../services/crypto.ts";
import { ValidationError } from "../services/errors.ts";
import { type Answer, type Claim, runOnce } from "../services/idempotency.ts";
import type { IdempotencyPort } from "../services/store/ports/idempotency.ts";

/** The storage ports this module uses. */
type Store = IdempotencyPort;

const KEY = /^[\x21-\x7e]{1,64}$/;

/** The answer to a creating POST: `value` as JSON, with a location when it made something. */
export function answer(status: number, value: unknown, location: string | null = null): Answer {
  return { status, location, body: JSON.stringify(value) };
}

function respond(answer: Answer, replayed: boolean): Response {
  const body = new TextEncoder().encode(answer.body);
  const headers = new Headers({
    "content-type": "application/json; charset=utf-8",
    "content-length": String(body.byteLength),
    "cache-control": "no-store",
  });
  if (answer.location) headers.set("location", answer.location);
  if (replayed) headers.set("idempotent-replayed", "true");
  return new Response(body, { status: answer.status, headers });
}

/**
 * Runs `create` once per Idempotency-Key (when the request has one) and replays its answer afterwards. `create` gets
 * the held claim (null without a key) to hand to the service, whose write then records the answer in its commit.
 */
export async function idempotent(
  req: Request,
  store: Store,
  memberId: string,
  body: unknown,
  create: (claim: Claim | null) => Promise<Answer>,
): Promise<Response> {
  const key = req.headers.get("idempotency-key");
  if (key === null) return respond(await create(null), false);
  if (!KEY.test(key)) {
    throw new ValidationError("The Idempotency-Key header must be 1 to 64 visible ASCII characters.", [
      { path: "Idempotency-Key", message: "must be 1 to 64 visible ASCII characters" },
    ]);
  }
  const requestHash = await sha256Hex(JSON.stringify([req.method, new URL(req.url).pathname, body]));
  const { answer, replayed } = await runOnce(store, { userId: memberId, key, requestHash }, create);
  return respond(answer, replayed);
}
