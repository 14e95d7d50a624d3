// Which mails went out, by idempotency key, so a retried worker does not send one twice (services/kv_once.ts): a
// send claims its key ("sending", with a short lease), marks it "sent" for SENT_FOR_MS once the server took the mail,
// and releases it on a failure so the retry can send.
//
// At least once, honestly: a process that dies (or loses Deno KV) after the server accepted the mail and before
// "sent" is written leaves the claim to expire, and the retry after SENDING_LEASE_MS sends the mail again. The SMTP
// adapter gives both copies one Message-ID (derived from the key), which many mailbox providers use to drop the second.
import type { Mail, SendResult } from "./types.ts";
import { MailInFlightError } from "./types.ts";
import { runOnce } from "../kv_once.ts";

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

type SentState = { state: "sending" | "sent"; at: string };

export function sentKey(idempotencyKey: string): Deno.KvKey {
  return ["mail_sent", idempotencyKey];
}

/** Runs `deliver` unless a send of `mail.idempotencyKey` already went out (or is under way: MailInFlightError). */
export async function sendOnce(kv: Deno.Kv, mail: Mail, deliver: () => Promise<void>): Promise<SendResult> {
  const { idempotencyKey } = mail;
  if (typeof idempotencyKey !== "string" || idempotencyKey.length === 0 || idempotencyKey.length > MAX_KEY) {
    throw new RangeError(`Mail idempotencyKey must be 1..${MAX_KEY} characters, got ${JSON.stringify(idempotencyKey)}`);
  }
  const outcome = await runOnce<SentState>(kv, sentKey(idempotencyKey), {
    running: { state: "sending", at: new Date().toISOString() },
    done: () => ({ state: "sent", at: new Date().toISOString() }),
    isDone: (value) => (value as SentState | null)?.state === "sent",
    leaseMs: SENDING_LEASE_MS,
    doneForMs: SENT_FOR_MS,
  }, deliver);
  // Busy, or expired just now: the retry claims it.
  if (outcome === "busy") throw new MailInFlightError(idempotencyKey);
  return { duplicate: outcome === "done" };
}
