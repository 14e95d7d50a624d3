// The mail port. Workers send through it; services/mail/outbox.ts (development: mails kept in Deno KV and shown at
// /dev/mail) and services/mail/smtp.ts (nodemailer) implement it, and services/mail/contract.ts is the one test suite
// both pass.

export interface Mail {
  /** One address. */
  to: string;
  subject: string;
  text: string;
  html?: string;
  /**
   * Names this mail for its whole life, e.g. `welcome:<eventId>`: a second send with the same key within SENT_FOR_MS
   * sends nothing (see sent.ts for the window where it may still go twice). 1..200 characters.
   */
  idempotencyKey: string;
}

export interface SendResult {
  /** True when a send with this idempotency key had already gone out: nothing was sent this time. */
  duplicate: boolean;
}

export type MailerKind = "outbox" | "smtp";

export interface Mailer {
  readonly kind: MailerKind;
  /**
   * Sends `mail` once per idempotency key. Throws UnavailableError when the server cannot take it now (down,
   * unreachable, a 4xx, failed sign-in: worth retrying), MailRejectedError when it refused it for good (a 5xx), and
   * MailInFlightError while another send with the same key is under way.
   */
  send(mail: Mail): Promise<SendResult>;
  /** Resolves when the backend answers (SMTP: connects, greets and signs in); UnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The server refused the mail for good (5xx: unknown mailbox, too big): sending it again would not help. */
export class MailRejectedError extends Error {
  constructor(message: string, readonly responseCode?: number) {
    super(message);
    this.name = "MailRejectedError";
  }
}

/** Another send with this idempotency key is under way (or crashed within its lease): try again later. */
export class MailInFlightError extends Error {
  constructor(readonly idempotencyKey: string) {
    super(`A mail with idempotency key "${idempotencyKey}" is being sent by another delivery; try again later.`);
    this.name = "MailInFlightError";
  }
}
