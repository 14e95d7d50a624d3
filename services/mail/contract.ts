// The one contract both mailers pass (mail_test.ts runs it against the outbox and against nodemailer talking to a
// real SMTP server): what arrives is what was sent, UTF-8 intact, and an idempotency key delivers at most once.
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { fixtureTest } from "../testing.ts";
import { type Mailer, MailInFlightError } from "./types.ts";

/** A mail as the other end got it. */
export interface Delivered {
  to: string;
  subject: string;
  text: string;
  html: string | null;
}

export interface OpenedMailer {
  mailer: Mailer;
  /** Everything delivered so far, oldest first. */
  delivered(): Promise<Delivered[]>;
  cleanup(): Promise<void>;
}

export const UTF8_SUBJECT = "Zoë, ça marche 🎉 — 李小龍 says héllo to Ñandú 🧑🏽‍💻, a subject long enough to be folded";
export const UTF8_TEXT = "Bonjour Zoë 👋\n\nÑandú wrote: « Ça va ? » 🧑🏽‍💻 李小龍\nLast line, no newline";

export function mailerContract(name: string, open: () => Promise<OpenedMailer>) {
  const test = (title: string, fn: (opened: OpenedMailer) => Promise<void>) =>
    fixtureTest(`[mail:${name}] ${title}`, open, fn);

  test("a mail arrives to its recipient with its subject, text and html, UTF-8 intact", async ({ mailer, delivered }) => {
    const html = `<p>Bonjour <strong>Zoë</strong> 👋</p><p>&lt;script&gt; stays text</p>`;
    const result = await mailer.send({
      to: "zoe@example.com",
      subject: UTF8_SUBJECT,
      text: UTF8_TEXT,
      html,
      idempotencyKey: "test:utf8",
    });
    assertEquals(result, { duplicate: false });
    assertEquals(await delivered(), [{ to: "zoe@example.com", subject: UTF8_SUBJECT, text: UTF8_TEXT, html }]);
  });

  test("a mail without html is text only", async ({ mailer, delivered }) => {
    await mailer.send({ to: "a@example.com", subject: "Plain", text: "Just text.", idempotencyKey: "test:plain" });
    assertEquals(await delivered(), [{ to: "a@example.com", subject: "Plain", text: "Just text.", html: null }]);
  });

  test("one idempotency key delivers once; another key delivers again", async ({ mailer, delivered }) => {
    const mail = { to: "a@example.com", subject: "Once", text: "only once", idempotencyKey: "welcome:event-1" };
    assertEquals(await mailer.send(mail), { duplicate: false });
    assertEquals(await mailer.send(mail), { duplicate: true });
    assertEquals(await mailer.send({ ...mail, text: "changed, same key" }), { duplicate: true });
    assertEquals((await delivered()).length, 1);
    assertEquals(await mailer.send({ ...mail, idempotencyKey: "welcome:event-2" }), { duplicate: false });
    assertEquals((await delivered()).map((d) => d.text), ["only once", "only once"]);
  });

  test("racing sends with one key deliver once; the loser is told to retry or that it went", async ({ mailer, delivered }) => {
    const mail = { to: "a@example.com", subject: "Race", text: "raced", idempotencyKey: "race:1" };
    const results = await Promise.allSettled([mailer.send(mail), mailer.send(mail), mailer.send(mail)]);
    const sent = results.filter((r) => r.status === "fulfilled" && !r.value.duplicate);
    assertEquals(sent.length, 1);
    for (const r of results) {
      if (r.status === "rejected") assert(r.reason instanceof MailInFlightError, String(r.reason));
    }
    assertEquals((await delivered()).length, 1);
    assertEquals(await mailer.send(mail), { duplicate: true });
  });

  test("an idempotency key must be 1..200 characters", async ({ mailer, delivered }) => {
    for (const idempotencyKey of ["", "k".repeat(201)]) {
      const err = await assertRejects(() =>
        mailer.send({ to: "a@example.com", subject: "s", text: "t", idempotencyKey })
      );
      assert(err instanceof RangeError, String(err));
    }
    assertEquals(await delivered(), []);
  });

  test("ping answers while the backend is up", async ({ mailer }) => {
    await mailer.ping();
  });
}
