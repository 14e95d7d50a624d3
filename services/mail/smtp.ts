// Mail through an SMTP server with nodemailer (pure JS on node: built-ins, so it runs under Deno and on Deploy).
// SMTP_URL is `smtp://user:pass@host:587` (STARTTLS when the server offers it) or `smtps://user:pass@host:465`
// (TLS from the start); a `from` parameter sets the sender, e.g. `?from=Prok%20%3Cno-reply%40prok.example%3E`.
// A connection per send: workers send now and then, and a fresh connection never finds a half-dead pooled one.
import nodemailer from "nodemailer";
import type { SMTPTransportOptions, Transporter } from "nodemailer";
import { sha256Hex } from "../crypto.ts";
import { UnavailableError } from "../errors.ts";
import { sendOnce } from "./sent.ts";
import type { OnceStore } from "../store/ports/once.ts";
import { type Mail, type Mailer, MailRejectedError, type SendResult } from "./types.ts";

export interface SmtpOptions {
  /** The sender when SMTP_URL has no `from`: `Prok <no-reply@host of this>`. */
  origin?: string;
  /** Milliseconds to connect, to be greeted, and of silence on the socket (defaults: 10 s, 10 s, 30 s). */
  timeouts?: { connect?: number; greeting?: number; socket?: number };
}

export interface SmtpSettings {
  transport: SMTPTransportOptions;
  from: string;
}

/** What an SMTP_URL means to nodemailer; credentials are percent-decoded. */
export function smtpSettings(url: string, options: SmtpOptions = {}): SmtpSettings {
  const u = new URL(url);
  if (u.protocol !== "smtp:" && u.protocol !== "smtps:") {
    throw new RangeError(`SMTP_URL must start with smtp:// or smtps://, got ${u.protocol}//`);
  }
  const secure = u.protocol === "smtps:";
  const t = options.timeouts ?? {};
  const transport: SMTPTransportOptions = {
    host: u.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: Number(u.port || (secure ? 465 : 587)),
    secure,
    connectionTimeout: t.connect ?? 10_000,
    greetingTimeout: t.greeting ?? 10_000,
    socketTimeout: t.socket ?? 30_000,
  };
  if (u.username) {
    transport.auth = { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) };
  }
  const host = options.origin ? new URL(options.origin).hostname : "localhost";
  return { transport, from: u.searchParams.get("from") || `Prok <no-reply@${host}>` };
}

export class SmtpMailer implements Mailer {
  readonly kind = "smtp";
  readonly #transporter: Transporter;
  readonly #from: string;
  readonly #domain: string;

  /** `once` keeps the sent idempotency keys (the store's); closing the mailer leaves it open. */
  constructor(url: string, private readonly once: OnceStore, options: SmtpOptions = {}) {
    const { transport, from } = smtpSettings(url, options);
    this.#transporter = nodemailer.createTransport(transport);
    this.#from = from;
    this.#domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? "prok.invalid";
  }

  send(mail: Mail): Promise<SendResult> {
    return sendOnce(this.once, mail, async () => {
      // One Message-ID per idempotency key: if the at-least-once window ever sends twice, the copies look alike.
      const messageId = `<${await digest(mail.idempotencyKey)}@${this.#domain}>`;
      try {
        await this.#transporter.sendMail({
          from: this.#from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId,
        });
      } catch (err) {
        throw smtpError(err);
      }
    });
  }

  async ping(): Promise<void> {
    try {
      await this.#transporter.verify();
    } catch (err) {
      throw smtpError(err);
    }
  }

  close(): Promise<void> {
    this.#transporter.close();
    return Promise.resolve();
  }
}

async function digest(text: string): Promise<string> {
  return (await sha256Hex(text)).slice(0, 32); // the first 16 bytes
}

/**
 * A 5xx about this mail (its recipient or content) is final: MailRejectedError. Everything else (cannot connect,
 * timed out, TLS, a 4xx, a failed sign-in that an operator may fix) is worth retrying: UnavailableError("smtp").
 */
export function smtpError(err: unknown): Error {
  const e = err as { code?: string; responseCode?: number; message?: string };
  const final = (e.code === "EENVELOPE" || e.code === "EMESSAGE") &&
    (e.responseCode === undefined || e.responseCode >= 500);
  if (final) return new MailRejectedError(e.message ?? String(err), e.responseCode);
  const unavailable = new UnavailableError("smtp");
  // The reason goes into the message for the worker's log; the server's address never does (it may carry a password).
  unavailable.message = `SMTP is not available right now (${e.code ?? "error"}${
    e.responseCode ? ` ${e.responseCode}` : ""
  }); the mail will be retried.`;
  unavailable.cause = err;
  return unavailable;
}
