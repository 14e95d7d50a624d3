// The development mailer: nothing leaves the machine. Mails are kept in the app's Deno KV under ["outbox", ...], the
// last OUTBOX_CAP of them (a ring: each new one replaces the one OUTBOX_CAP before it in the same commit), and
// /dev/mail lists them newest first.
import { sendOnce } from "./sent.ts";
import { KvOnce } from "../store/kv/once.ts";
import type { OnceStore } from "../store/ports/once.ts";
import type { Mail, Mailer, SendResult } from "./types.ts";

export const OUTBOX_CAP = 500;
/** Longer texts are cut, so one mail always fits a Deno KV value (64 KiB). */
const MAX_CHARS = 20_000;
const TRIES = 20;

export interface OutboxMail {
  /** Its place in the outbox: higher is newer. */
  seq: number;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  idempotencyKey: string;
  sentAt: Date;
}

const SEQ: Deno.KvKey = ["outbox", "seq"];
const mailKey = (seq: number): Deno.KvKey => ["outbox", "mail", seq];

export class OutboxMailer implements Mailer {
  readonly kind = "outbox";

  readonly #cap: number;

  readonly #once: OnceStore;

  /**
   * `kv` stays the caller's: closing the mailer leaves it open. `once` keeps the sent keys (the store's; by default
   * in `kv`). `cap` (tests) defaults to OUTBOX_CAP.
   */
  constructor(private readonly kv: Deno.Kv, options: { cap?: number; once?: OnceStore } = {}) {
    this.#cap = options.cap ?? OUTBOX_CAP;
    this.#once = options.once ?? new KvOnce(kv);
  }

  send(mail: Mail): Promise<SendResult> {
    return sendOnce(this.#once, mail, () => this.#store(mail));
  }

  async #store(mail: Mail): Promise<void> {
    for (let i = 0; i < TRIES; i++) {
      const last = await this.kv.get<number>(SEQ);
      const seq = (last.value ?? 0) + 1;
      const record: OutboxMail = {
        seq,
        to: mail.to,
        subject: mail.subject.slice(0, MAX_CHARS),
        text: mail.text.slice(0, MAX_CHARS),
        html: mail.html?.slice(0, MAX_CHARS) ?? null,
        idempotencyKey: mail.idempotencyKey,
        sentAt: new Date(),
      };
      const op = this.kv.atomic().check(last).set(SEQ, seq).set(mailKey(seq), record);
      if (seq > this.#cap) op.delete(mailKey(seq - this.#cap));
      if ((await op.commit()).ok) return;
    }
    throw new Error("outbox: too many concurrent sends; try again");
  }

  async ping(): Promise<void> {
    // Deno KV answers for itself in the readiness check.
  }

  async close(): Promise<void> {}
}

/** The newest `limit` mails of the outbox, newest first. */
export async function listOutbox(kv: Deno.Kv, limit = 50): Promise<OutboxMail[]> {
  if (!Number.isInteger(limit) || limit < 1 || limit > OUTBOX_CAP) {
    throw new RangeError(`listOutbox limit must be 1..${OUTBOX_CAP}, got ${limit}`);
  }
  const out: OutboxMail[] = [];
  for await (const entry of kv.list<OutboxMail>({ prefix: ["outbox", "mail"] }, { reverse: true, limit })) {
    out.push(entry.value);
  }
  return out;
}
