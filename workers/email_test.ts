// The email workers over a real (in-memory) KV store and the outbox mailer, with events handed to them as the runner
// would, and through the runner itself for retries.
import { assert, assertEquals, assertStringIncludes } from "../framework/testing/assert.ts";
import { UnavailableError } from "../services/errors.ts";
import { listOutbox, type OutboxMail, OutboxMailer } from "../services/mail/outbox.ts";
import { SmtpMailer } from "../services/mail/smtp.ts";
import { startSmtpServer } from "../services/mail/test_server.ts";
import type { Mailer } from "../services/mail/types.ts";
import { newEvent } from "../services/store/events.ts";
import { KvStore } from "../services/store/kv/store.ts";
import type { DomainEvent, NewUser } from "../services/store/model.ts";
import { emailWorkers, mailOrigin } from "./email.ts";
import { kvWork } from "../services/store/kv/testing.ts";
import { KvOnce } from "../services/store/kv/once.ts";
import { startWorkers, type Worker } from "./runner.ts";

const ORIGIN = "https://prok.example";
const quietly = () => {};

function member(n: number, extra: Partial<NewUser> = {}): NewUser {
  return {
    email: `m${n}@example.com`,
    passwordHash: "x",
    firstName: `F${n}`,
    lastName: `L${n}`,
    role: "member",
    ...extra,
  };
}

async function setup(mailer?: (kv: Deno.Kv) => Mailer) {
  // The store's own queue is never listened to here: each test hands the workers the events it means.
  const kv = await Deno.openKv(":memory:");
  const store = new KvStore(kv);
  const mail = mailer ? mailer(kv) : new OutboxMailer(kv);
  const workers = emailWorkers({ store, mail, origin: ORIGIN, log: quietly });
  const deliver = async (event: DomainEvent) => {
    for (const w of workers.filter((w: Worker) => w.handles.includes(event.type))) await w.run(event);
  };
  const outbox = async (): Promise<OutboxMail[]> => (await listOutbox(kv, 500)).reverse();
  return { kv, store, mail, workers, deliver, outbox };
}

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("[email] links point at PROK_ORIGIN, or at this machine's port", () => {
  assertEquals(mailOrigin({ origin: "https://prok.example", port: 8000 }), "https://prok.example");
  assertEquals(mailOrigin({ origin: undefined, port: 8123 }), "http://localhost:8123");
});

Deno.test({
  ...opts,
  name: "[email] a new member is welcomed once, with everything they typed escaped in the html",
  fn: async () => {
    const { kv, store, deliver, outbox } = await setup();
    const zoe = await store.createUser(member(1, { firstName: `Zoë <b>&"'` }));
    const event = newEvent("user.created", zoe.id);
    await deliver(event);
    await deliver(event); // a redelivery
    const [mail, ...rest] = await outbox();
    assertEquals(rest, []);
    assertEquals([mail.to, mail.subject], [zoe.email, `Welcome to Prok, Zoë <b>&"'`]);
    assertStringIncludes(mail.text, `Hi Zoë <b>&"',`);
    assertStringIncludes(mail.text, `Complete your profile: ${ORIGIN}/settings`);
    assertStringIncludes(mail.html!, "Hi Zoë &#60;b&#62;&#38;&#34;&#39;,");
    assert(!mail.html!.includes("<b>"), mail.html!);
    assertStringIncludes(mail.html!, `<a href="${ORIGIN}/settings"`);
    assertEquals(mail.idempotencyKey, `welcome:${event.eventId}`);

    const gone = await store.createUser(member(2));
    await store.deleteUser(gone.id);
    await deliver(newEvent("user.created", gone.id));
    assertEquals((await outbox()).length, 1, "nobody to welcome");
    kv.close();
  },
});

Deno.test({
  ...opts,
  name: "[email] an invitation tells its receiver who invited them, with the note, linking to My network",
  fn: async () => {
    const { kv, store, deliver, outbox } = await setup();
    const ada = await store.createUser(member(1, { firstName: "Ada", lastName: "Lovelace", headline: "Analyst" }));
    const bob = await store.createUser(member(2, { firstName: "Bob" }));
    const note = "Hello Bob 👋\n<script>alert(1)</script>";
    const c = await store.createConnection({ senderId: ada.id, receiverId: bob.id, message: note });
    await deliver({ ...newEvent("connection.invited", c.id), members: [ada.id, bob.id] });
    const [mail] = await outbox();
    assertEquals([mail.to, mail.subject], [bob.email, "Ada Lovelace invited you to connect"]);
    assertStringIncludes(mail.text, "Ada Lovelace (Analyst) invited you to connect on Prok.");
    assertStringIncludes(mail.text, note);
    assertStringIncludes(mail.text, `See the invitation: ${ORIGIN}/network`);
    assertStringIncludes(mail.html!, "Hello Bob 👋<br>&#60;script&#62;alert(1)&#60;/script&#62;");
    assert(!mail.html!.includes("<script>"));

    // Answered, withdrawn, or a member gone before the worker ran: nothing to say.
    const cy = await store.createUser(member(3));
    const accepted = await store.createConnection({ senderId: cy.id, receiverId: bob.id, message: "" });
    await store.setConnectionStatus(accepted.id, "accepted");
    await deliver(newEvent("connection.invited", accepted.id));
    const withdrawn = await store.createConnection({ senderId: cy.id, receiverId: ada.id, message: "" });
    await store.deleteConnection(withdrawn.id);
    await deliver(newEvent("connection.invited", withdrawn.id));
    const dee = await store.createUser(member(4));
    const orphan = await store.createConnection({ senderId: dee.id, receiverId: ada.id, message: "" });
    await store.deleteUser(dee.id);
    await deliver(newEvent("connection.invited", orphan.id));
    assertEquals((await outbox()).length, 1);
    kv.close();
  },
});

Deno.test({
  ...opts,
  name: "[email] a burst of unread messages sends one note, from the newest message's event, counting them all",
  fn: async () => {
    const { kv, store, deliver, outbox } = await setup();
    const ada = await store.createUser(member(1, { firstName: "Ada", lastName: "Lovelace" }));
    const bob = await store.createUser(member(2, { firstName: "Bob" }));
    const send = async (from: string, to: string, content: string) =>
      (await store.createMessage({ senderId: from, receiverId: to, content })).message;
    const burst = [await send(ada.id, bob.id, "one"), await send(ada.id, bob.id, "two")];
    await send(bob.id, ada.id, "a reply from bob (he has not opened the conversation since)");
    burst.push(await send(ada.id, bob.id, "three"));
    const events = burst.map((m) => newEvent("message.created", m.id, m.createdAt, [ada.id, bob.id]));
    for (const event of events) await deliver(event);
    await deliver(events[2]); // a redelivery of the one that sent
    const mails = await outbox();
    assertEquals(mails.map((m) => [m.to, m.subject]), [[bob.email, "You have 3 unread messages from Ada Lovelace"]]);
    assertStringIncludes(mails[0].text, `Read and reply: ${ORIGIN}/messaging/${encodeURIComponent(ada.id)}`);
    assertEquals(mails[0].idempotencyKey, `unread-messages:${events[2].eventId}`);

    // Bob reads; a later message starts a new burst of one.
    await store.markConversationRead(bob.id, ada.id);
    const later = await send(ada.id, bob.id, "four");
    await deliver(newEvent("message.created", later.id, later.createdAt, [ada.id, bob.id]));
    assertEquals((await outbox()).map((m) => m.subject).at(-1), "You have 1 unread message from Ada Lovelace");
    assertEquals((await outbox()).length, 2);
    kv.close();
  },
});

Deno.test({
  ...opts,
  name: "[email] nothing for a message read within the 15 minutes, or to or from a deleted member",
  fn: async () => {
    const { kv, store, deliver, outbox } = await setup();
    const [ada, bob, cy] = [
      await store.createUser(member(1)),
      await store.createUser(member(2)),
      await store.createUser(member(3)),
    ];
    const read = (await store.createMessage({ senderId: ada.id, receiverId: bob.id, content: "seen" })).message;
    await store.markConversationRead(bob.id, ada.id);
    await deliver(newEvent("message.created", read.id, read.createdAt, [ada.id, bob.id]));

    const toCy = (await store.createMessage({ senderId: ada.id, receiverId: cy.id, content: "x" })).message;
    const fromCy = (await store.createMessage({ senderId: cy.id, receiverId: bob.id, content: "y" })).message;
    await store.deleteUser(cy.id); // before the purge, the messages may still be there
    await deliver(newEvent("message.created", toCy.id, toCy.createdAt, [ada.id, cy.id]));
    await deliver(newEvent("message.created", fromCy.id, fromCy.createdAt, [cy.id, bob.id]));
    while (!await store.purgeMemberContent(cy.id)) { /* next batch */ }
    await deliver(newEvent("message.created", toCy.id, toCy.createdAt, [ada.id, cy.id]));
    assertEquals(await outbox(), []);
    kv.close();
  },
});

/** A mailer that is down for its first `failures` sends, then the outbox. */
function flaky(kv: Deno.Kv, failures: number): Mailer & { attempts: number } {
  const outbox = new OutboxMailer(kv);
  const mailer = {
    kind: "outbox" as const,
    attempts: 0,
    send(mail: Parameters<Mailer["send"]>[0]) {
      mailer.attempts++;
      return mailer.attempts <= failures ? Promise.reject(new UnavailableError("smtp")) : outbox.send(mail);
    },
    ping: () => outbox.ping(),
    close: () => outbox.close(),
  };
  return mailer;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!await check()) {
    assert(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test({
  ...opts,
  name: "[email] a mailer that is down makes the runner retry, and the mail goes out once when it is back",
  fn: async () => {
    const { kv, store } = await setup();
    const queue = await Deno.openKv(":memory:");
    const mail = flaky(queue, 2);
    const listening = startWorkers(
      kvWork(queue),
      emailWorkers({ store, mail, origin: ORIGIN, log: quietly }),
      quietly,
      {
        retryMs: [10, 10, 10],
      },
    );
    try {
      const ada = await store.createUser(member(1));
      const event = newEvent("user.created", ada.id);
      await queue.enqueue(event);
      await until(async () => (await listOutbox(queue, 10)).length === 1, "the mail after two failures");
      await new Promise((r) => setTimeout(r, 100));
      assertEquals(mail.attempts, 3);
      assertEquals((await listOutbox(queue, 10)).map((m) => m.to), [ada.email]);
      assertEquals((await queue.get(["dead_letters", event.eventId])).versionstamp, null);
    } finally {
      queue.close();
      kv.close();
      await listening.catch(() => {});
    }
  },
});

Deno.test({
  ...opts,
  name: "[email] a send that went out but was not recorded as done is not sent again on redelivery",
  fn: async () => {
    const { kv, store, mail, workers, outbox } = await setup();
    const ada = await store.createUser(member(1));
    const welcome = workers.find((w) => w.name === "email:welcome")!;
    const event = newEvent("user.created", ada.id);
    // The process died after the mail went out, before the runner wrote "done": the event comes back.
    await welcome.run(event);
    await welcome.run(event);
    assertEquals((await outbox()).length, 1);
    assertEquals(await mail.send({ ...(await outbox())[0], html: undefined }), { duplicate: true });
    kv.close();
  },
});

Deno.test({
  ...opts,
  name: "[email] an SMTP server that is down at first gets the mail through the runner's retries, once",
  fn: async () => {
    const { kv, store } = await setup();
    const queue = await Deno.openKv(":memory:");
    // A port nothing listens on yet; the server starts there after the first attempts failed.
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (probe.addr as Deno.NetAddr).port;
    probe.close();
    const mail = new SmtpMailer(`smtp://127.0.0.1:${port}`, new KvOnce(queue));
    const failures: unknown[] = [];
    const listening = startWorkers(kvWork(queue), emailWorkers({ store, mail, origin: ORIGIN, log: quietly }), (l) => {
      failures.push(l);
    }, { retryMs: [200, 200, 200, 200, 200] });
    let server: Awaited<ReturnType<typeof startSmtpServer>> | undefined;
    try {
      const ada = await store.createUser(member(1, { firstName: "Zoë" }));
      await queue.enqueue(newEvent("user.created", ada.id));
      await until(() => Promise.resolve(failures.length >= 1), "a failed attempt");
      server = await startSmtpServer({ port });
      await until(() => Promise.resolve(server!.received.length === 1), "the mail once the server is up");
      await new Promise((r) => setTimeout(r, 300));
      assertEquals(server.received.map((r) => [r.rcptTo, r.subject]), [[[ada.email], "Welcome to Prok, Zoë"]]);
    } finally {
      await mail.close();
      await server?.close();
      queue.close();
      kv.close();
      await listening.catch(() => {});
    }
  },
});
