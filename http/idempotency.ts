// Idempotency-Key on creating POSTs (API.md, Conventions): the same key and body from the same member within 24 h
// replays the first answer; the same key with another body is a 422; a duplicate while the first is running, 409.
import { sha256Hex } from "../services/crypto.ts";
import { ConflictError, ValidationError } from "../services/errors.ts";
import type { Store } from "../services/store/types.ts";

const DAY_MS = 24 * 3600 * 1000;
const KEY = /^[\x21-\x7e]{1,64}$/;

interface Stored {
  status: number;
  location: string | null;
  body: string;
}

/** Runs `create` once per Idempotency-Key (when the request has one) and replays its answer afterwards. */
export async function idempotent(
  req: Request,
  store: Store,
  memberId: string,
  body: unknown,
  create: () => Promise<Response>,
): Promise<Response> {
  const key = req.headers.get("idempotency-key");
  if (key === null) return await create();
  if (!KEY.test(key)) {
    throw new ValidationError("The Idempotency-Key header must be 1 to 64 visible ASCII characters.", [
      { path: "Idempotency-Key", message: "must be 1 to 64 visible ASCII characters" },
    ]);
  }
  const requestHash = await sha256Hex(JSON.stringify([req.method, new URL(req.url).pathname, body]));
  const existing = await store.claimIdempotency(memberId, key, requestHash, DAY_MS);
  if (existing) {
    if (existing.requestHash !== requestHash) {
      throw new ValidationError("This Idempotency-Key was used with a different request.", [
        { path: "Idempotency-Key", message: "was used with a different request" },
      ]);
    }
    if (existing.state === "in-flight") {
      throw new ConflictError("A request with this Idempotency-Key is still being processed; retry shortly.");
    }
    const stored = JSON.parse(existing.body) as Stored;
    const headers = new Headers({ "content-type": "application/json; charset=utf-8", "idempotent-replayed": "true" });
    if (stored.location) headers.set("location", stored.location);
    return new Response(stored.body, { status: stored.status, headers });
  }
  let res: Response;
  try {
    res = await create();
  } catch (err) {
    await store.releaseIdempotency(memberId, key);
    throw err;
  }
  if (res.status >= 500) {
    await store.releaseIdempotency(memberId, key);
    return res;
  }
  const text = await res.text();
  const stored: Stored = { status: res.status, location: res.headers.get("location"), body: text };
  await store.finishIdempotency(memberId, key, { status: res.status, body: JSON.stringify(stored) });
  return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
}
