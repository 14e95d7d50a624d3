// Which mails went out, by idempotency key, so a retried worker does not send one twice (services/once.ts, in the
// store's once records: Deno KV, or MySQL): a send claims its key (with a short lease), marks it done for SENT_FOR_MS
// once the server took the mail, and releases it on a failure so the retry can send.
//
// At least once, honestly: a process that dies after the server accepted the mail and before the key is marked done
// leaves the claim to expire, and the retry after SENDING_LEASE_MS sends the mail again. The SMTP
// adapter gives both copies one Message-ID (derived from the key), which many mailbox providers use to drop the second.
import type { Mail, SendResult } from "./types.ts";
import { MailInFlightError } from "./types.ts";
import { runOnce } from "../once.ts";
import type { OnceStore } from "../store/ports/once.ts";

/**
 * How long a sent key is remembered: longer than an event can keep coming back, the queue's retries (about 71
 * minutes) and the dead-letter redrives after them (about two days in all, workers/dead_letters.ts).
 */
export const SENT_FOR_MS = 7 * 24 * 3600 * 1000;
/**
 * How long a send may hold its key before another may take over (a crashed process); longer than the SMTP
 * adapter's timeouts add up to, so a slow send is not overtaken.
 */
export const SENDING_LEASE_MS = 2 * 60 * 1000;
const MAX_KEY = 200;

/** The once key of a mail's idempotency key. */
export function sentKey(idempotencyKey: string): string[] {
  return ["mail_sent", idempotencyKey];
}

/** Runs `deliver` unless a send of `mail.idempotencyKey` already went out (or is under way: MailInFlightError). */
export async function sendOnce(once: OnceStore, mail: Mail, deliver: () => Promise<void>): Promise<SendResult> {
  const { idempotencyKey } = mail;
  if (typeof idempotencyKey !== "string" || idempotencyKey.length === 0 || idempotencyKey.length > MAX_KEY) {
    throw new RangeError(`Mail idempotencyKey must be 1..${MAX_KEY} characters, got ${JSON.stringify(idempotencyKey)}`);
  }
  const terms = { leaseMs: SENDING_LEASE_MS, doneForMs: SENT_FOR_MS };
  const outcome = await runOnce(once, sentKey(idempotencyKey), terms, deliver);
  // Busy, or expired just now: the retry claims it.
  if (outcome === "busy") throw new MailInFlightError(idempotencyKey);
  return { duplicate: outcome === "done" };
}
