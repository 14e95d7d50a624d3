// Both mailers against the one contract (the SMTP adapter through a real SMTP server on an ephemeral port), plus what
// only each has: the outbox's cap and listing, SMTP sign-in, failures and timeouts.
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { UnavailableError } from "../errors.ts";
import { mailerContract } from "./contract.ts";
import { listOutbox, OutboxMailer } from "./outbox.ts";
import { sentKey } from "./sent.ts";
import { KvOnce } from "../store/kv/once.ts";
import { SmtpMailer, smtpSettings } from "./smtp.ts";
import { startSmtpServer } from "./test_server.ts";
import { MailRejectedError } from "./types.ts";

mailerContract("outbox", async () => {
  const kv = await Deno.openKv(":memory:");
  const mailer = new OutboxMailer(kv);
  return {
    mailer,
    delivered: async () =>
      (await listOutbox(kv, 500)).reverse().map(({ to, subject, text, html }) => ({ to, subject, text, html })),
    cleanup: async () => {
      await mailer.close();
      kv.close();
    },
  };
});

mailerContract("smtp", async () => {
  const kv = await Deno.openKv(":memory:");
  const server = await startSmtpServer();
  const mailer = new SmtpMailer(server.url, new KvOnce(kv), { origin: "https://prok.example" });
  return {
    mailer,
    delivered: () =>
      Promise.resolve(server.received.map((r) => ({
        to: r.rcptTo.join(", "),
        subject: r.subject,
        text: r.text,
        html: r.html,
      }))),
    cleanup: async () => {
      await mailer.close();
      await server.close();
      kv.close();
    },
  };
});

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  ...opts,
  name: "[mail:outbox] keeps the newest mails up to its cap, listed newest first",
  fn: async () => {
    const kv = await Deno.openKv(":memory:");
    try {
      const mailer = new OutboxMailer(kv, { cap: 3 });
      for (let i = 1; i <= 5; i++) {
        await mailer.send({ to: `m${i}@example.com`, subject: `s${i}`, text: `t${i}`, idempotencyKey: `k${i}` });
      }
      const listed = await listOutbox(kv, 10);
      assertEquals(listed.map((m) => m.subject), ["s5", "s4", "s3"]);
      assertEquals(listed.map((m) => m.seq), [5, 4, 3]);
      assert(listed[0].sentAt instanceof Date && listed[0].sentAt >= listed[1].sentAt);
      assertEquals((await listOutbox(kv, 1)).map((m) => m.subject), ["s5"]);
      let stored = 0;
      for await (const _ of kv.list({ prefix: ["outbox", "mail"] })) stored++;
      assertEquals(stored, 3, "older mails are deleted, not just hidden");
      const err = await assertRejects(() => listOutbox(kv, 0));
      assert(err instanceof RangeError, String(err));
    } finally {
      kv.close();
    }
  },
});

Deno.test({
  ...opts,
  name: "[mail:smtp] SMTP_URL gives host, port, TLS, decoded credentials and the sender",
  fn: () => {
    const plain = smtpSettings("smtp://mailer%40prok:p%40ss%3Aw%2Frd@mail.example:2525", {
      origin: "https://prok.example",
    });
    assertEquals(
      [plain.transport.host, plain.transport.port, plain.transport.secure, plain.transport.auth],
      ["mail.example", 2525, false, { user: "mailer@prok", pass: "p@ss:w/rd" }],
    );
    assertEquals(plain.from, "Prok <no-reply@prok.example>");
    const tls = smtpSettings("smtps://mail.example?from=Team%20%3Cteam%40prok.example%3E");
    assertEquals([tls.transport.port, tls.transport.secure, tls.transport.auth, tls.from], [
      465,
      true,
      undefined,
      "Team <team@prok.example>",
    ]);
    assertEquals(smtpSettings("smtp://mail.example").transport.port, 587);
  },
});

Deno.test({
  ...opts,
  name: "[mail:smtp] signs in with the URL's credentials, sends from its sender, with one Message-ID per key",
  fn: async () => {
    const kv = await Deno.openKv(":memory:");
    const server = await startSmtpServer({ auth: { user: "mailer@prok", pass: "p@ss:w/rd ü" } });
    const mailer = new SmtpMailer(
      `${server.url}?from=${encodeURIComponent("Prok Team <team@prok.example>")}`,
      new KvOnce(kv),
    );
    try {
      await mailer.ping();
      await mailer.send({ to: "zoë@example.com", subject: "Hi", text: "t", idempotencyKey: "welcome:1" });
      const [got] = server.received;
      assertEquals([got.mailFrom, got.rcptTo, got.headers.get("from")], [
        "team@prok.example",
        ["zoë@example.com"],
        "Prok Team <team@prok.example>",
      ]);
      assert(/^<[0-9a-f]{32}@prok\.example>$/.test(got.headers.get("message-id") ?? ""), got.headers.get("message-id"));
      const wrong = new SmtpMailer(server.url.replace("p%40ss", "nope"), new KvOnce(kv));
      const err = await assertRejects(() => wrong.ping());
      assert(err instanceof UnavailableError, String(err));
      await wrong.close();
    } finally {
      await mailer.close();
      await server.close();
      kv.close();
    }
  },
});

Deno.test({
  ...opts,
  name: "[mail:smtp] an unreachable or silent server is UnavailableError within its timeouts; the key stays free",
  fn: async () => {
    const kv = await Deno.openKv(":memory:");
    // A port that was just free: nothing listens there.
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const closedPort = (probe.addr as Deno.NetAddr).port;
    probe.close();
    // A server that accepts and never greets.
    const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const held: Deno.Conn[] = [];
    const accepting = (async () => {
      for await (const conn of silent) held.push(conn);
    })();
    const mail = { to: "a@example.com", subject: "s", text: "t", idempotencyKey: "down:1" };
    try {
      const down = new SmtpMailer(`smtp://127.0.0.1:${closedPort}`, new KvOnce(kv));
      let started = Date.now();
      const refused = await assertRejects(() => down.send(mail));
      assert(refused instanceof UnavailableError, String(refused));
      assert(Date.now() - started < 2_000, `refused after ${Date.now() - started} ms`);
      assertEquals((await kv.get(sentKey(mail.idempotencyKey))).versionstamp, null, "a failed send frees its key");
      const pingErr = await assertRejects(() => down.ping());
      assert(pingErr instanceof UnavailableError, String(pingErr));

      const mute = new SmtpMailer(`smtp://127.0.0.1:${(silent.addr as Deno.NetAddr).port}`, new KvOnce(kv), {
        timeouts: { connect: 300, greeting: 300, socket: 300 },
      });
      started = Date.now();
      const timedOut = await assertRejects(() => mute.send(mail));
      assert(timedOut instanceof UnavailableError, String(timedOut));
      assert(Date.now() - started < 3_000, `timed out after ${Date.now() - started} ms`);
      await Promise.all([down.close(), mute.close()]);
    } finally {
      silent.close();
      for (const conn of held) conn.close();
      await accepting.catch(() => {});
      kv.close();
    }
  },
});

Deno.test({
  ...opts,
  name: "[mail:smtp] a 4xx is retried to one delivery; a 5xx for the recipient is a final MailRejectedError",
  fn: async () => {
    const kv = await Deno.openKv(":memory:");
    const server = await startSmtpServer();
    const mailer = new SmtpMailer(server.url, new KvOnce(kv));
    const mail = { to: "a@example.com", subject: "s", text: "t", idempotencyKey: "flaky:1" };
    try {
      server.failNext(451);
      const busy = await assertRejects(() => mailer.send(mail));
      assert(busy instanceof UnavailableError, String(busy));
      assertEquals(server.received.length, 0);
      assertEquals(await mailer.send(mail), { duplicate: false });
      assertEquals(await mailer.send(mail), { duplicate: true });
      assertEquals(server.received.length, 1);

      server.failNext(550, "rcpt");
      const rejected = await assertRejects(() => mailer.send({ ...mail, idempotencyKey: "unknown-mailbox:1" }));
      assert(rejected instanceof MailRejectedError && rejected.responseCode === 550, String(rejected));
      assertEquals(server.received.length, 1);
    } finally {
      await mailer.close();
      await server.close();
      kv.close();
    }
  },
});
