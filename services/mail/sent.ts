// Which mails went out, by idempotency key, so a retried worker does not send one twice. Before sending, a send
// claims its key ("sending", with a short lease) under a versionstamp-null check; after the server took the mail, it
// marks the key "sent" for SENT_FOR_MS; a failure releases the claim so the retry can send.
//
// At least once, honestly: a process that dies (or loses Deno KV) after the server accepted the mail and before
// "sent" is written leaves the claim to expire, and the retry after SENDING_LEASE_MS sends the mail again. The SMTP
// adapter gives both copies one Message-ID (derived from the key), which many mailbox providers use to drop the second.
import type { Mail, SendResult } from "./types.ts";
import { MailInFlightError } from "./types.ts";

/** How long a sent key is remembered: longer than the queue's whole retry schedule (about 71 minutes). */
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
  const key = sentKey(idempotencyKey);
  const claim = await kv.atomic().check({ key, versionstamp: null })
    .set(key, { state: "sending", at: new Date().toISOString() } satisfies SentState, { expireIn: SENDING_LEASE_MS })
    .commit();
  if (!claim.ok) {
    const held = await kv.get<SentState>(key);
    if (held.value?.state === "sent") return { duplicate: true };
    throw new MailInFlightError(idempotencyKey); // or expired just now: the retry claims it
  }
  try {
    await deliver();
  } catch (err) {
    await kv.delete(key);
    throw err;
  }
  await kv.set(key, { state: "sent", at: new Date().toISOString() } satisfies SentState, { expireIn: SENT_FOR_MS });
  return { duplicate: false };
}
