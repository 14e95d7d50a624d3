// The contract of messaging (messages, conversations, their notifications, WebSocket tickets), part of the one suite
// storeContract() runs against every adapter. Every answer is known by hand. Ids are the store's own (time-ordered
// text on KV, numbers on MySQL) and never compared as text; records made one after another get increasing createdAt,
// or the same millisecond (MySQL keeps milliseconds) and increasing ids, so "newest first" is the reverse of creation
// order and "oldest first" is creation order.
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { NotFoundError } from "../errors.ts";
import { type ContractTest, later, listen, newUser, UNICODE, UNKNOWN } from "./contract.ts";
import { MESSAGE_CREATED_DELAY_MS } from "./events.ts";
import { spyOnQueue } from "./queue_spy.ts";
import type { Message, MessagePosition, Notification, TicketGrant, User } from "./model.ts";
import type { Store } from "./store.ts";

async function users(store: Store, count: number, from = 1): Promise<User[]> {
  const made: User[] = [];
  for (let n = from; n < from + count; n++) made.push(await store.createUser(newUser(n)));
  return made;
}

async function send(store: Store, from: User, to: User, content = "hi", clientId?: string): Promise<Message> {
  const { message, created } = await store.createMessage({ senderId: from.id, receiverId: to.id, content, clientId });
  assert(created, "a message without a used clientId is created");
  return message;
}

/** Every page of a conversation, checking that only the last page has no `next` and that it is not empty. */
async function messagePages(store: Store, a: string, b: string, limit: number): Promise<Message[][]> {
  const pages: Message[][] = [];
  let after: MessagePosition | undefined = undefined;
  for (;;) {
    const page = await store.listMessages(a, b, { limit, after });
    pages.push(page.items);
    if (!page.next) return pages;
    assertEquals(page.items.length, limit, "a page with a next page is full");
    assert(pages.length < 100, "the listing ends");
    after = page.next;
  }
}

async function conversation(store: Store, a: string, b: string): Promise<Message[]> {
  return (await messagePages(store, a, b, 100)).flat();
}

async function notifications(store: Store, userId: string): Promise<Notification[]> {
  const out: Notification[] = [];
  let after = undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page: Awaited<ReturnType<Store["listNotifications"]>> = await store.listNotifications(userId, {
      limit: 100,
      after,
    });
    out.push(...page.items);
    if (!page.next) return out;
    after = page.next;
  }
  throw new Error("the notification listing does not end");
}

/** What a test knows of a message notification in advance (its id is the store's). */
function summary(n: Notification) {
  return { type: n.type, actorId: n.actorId, subjectId: n.subjectId, read: n.read };
}

function notice(actor: User, message: Message, read = false) {
  return { type: "message:received", actorId: actor.id, subjectId: message.id, read };
}

/** A conversation as a test can know it: the other member, the last message's id and the unread count. */
async function conversations(store: Store, memberId: string, limit = 100): Promise<[string, string, number][]> {
  return (await store.listConversations(memberId, limit)).map((c) => [c.otherId, c.lastMessage.id, c.unreadCount]);
}

const ids = (messages: Message[]) => messages.map((m) => m.id);
const position = (m: Message): MessagePosition => ({ createdAt: m.createdAt.getTime(), id: m.id });

/** Ticket names as the service makes them: the hex SHA-256 of a secret. */
const ticket = (n: number) => n.toString(16).padStart(64, "0");

export function messagesContract(test: ContractTest) {
  test("a message round-trips exactly: Unicode, 4-byte emoji, newlines and 5,000 characters", async (store) => {
    const [a, b] = await users(store, 2);
    const emoji = "🧑🏽‍💻";
    const long = emoji.repeat(Math.floor(5_000 / emoji.length)).padEnd(5_000, "x"); // 5,000 UTF-16 units
    const cjk = "李".repeat(5_000);
    const contents = [`Hi ${UNICODE}\nline 2\r\n\ttabbed  `, long, cjk, "x"];
    const made: Message[] = [];
    for (const content of contents) {
      const { message, created } = await store.createMessage({ senderId: a.id, receiverId: b.id, content });
      assertEquals(created, true);
      assertEquals(typeof message.id, "string");
      assert(message.createdAt instanceof Date && !Number.isNaN(message.createdAt.getTime()));
      assertEquals([message.senderId, message.receiverId, message.content, message.isRead, message.clientId], [
        a.id,
        b.id,
        content,
        false,
        null,
      ]);
      assertEquals(await store.getMessage(message.id), message);
      made.push(message);
    }
    assertEquals(made[1].content.length, 5_000);
    const tagged = await store.createMessage({ senderId: b.id, receiverId: a.id, content: "yo", clientId: "c-1" });
    assertEquals([tagged.created, tagged.message.clientId], [true, "c-1"]);
    assertEquals(await store.getMessage(tagged.message.id), tagged.message);
    made.push(tagged.message);
    assertEquals(await conversation(store, a.id, b.id), made.toReversed(), "listed as stored, newest first");
    assertEquals(await store.listMessagesAfter(a.id, null, 100), made, "and oldest first");

    for (const id of UNKNOWN) {
      assertEquals(await store.getMessage(id), null);
      const toNobody = await assertRejects(() => store.createMessage({ senderId: a.id, receiverId: id, content: "x" }));
      assert(toNobody instanceof NotFoundError, String(toNobody));
      const fromNobody = await assertRejects(() =>
        store.createMessage({ senderId: id, receiverId: a.id, content: "x", clientId: "k" })
      );
      assert(fromNobody instanceof NotFoundError, String(fromNobody));
    }
    const [gone] = await users(store, 1, 10);
    assertEquals(await store.deleteUser(gone.id), true);
    const toGone = await assertRejects(() =>
      store.createMessage({ senderId: a.id, receiverId: gone.id, content: "x" })
    );
    assert(toGone instanceof NotFoundError, String(toGone));
    const fromGone = await assertRejects(() =>
      store.createMessage({ senderId: gone.id, receiverId: a.id, content: "x" })
    );
    assert(fromGone instanceof NotFoundError, String(fromGone));
    assertEquals(ids(await conversation(store, a.id, b.id)), ids(made).toReversed(), "failed sends store nothing");
    assertEquals(await conversation(store, a.id, gone.id), []);
  });

  test("a clientId the sender already used returns the first message and stores nothing", async (store) => {
    const [a, b, c] = await users(store, 3);
    const first = await store.createMessage({ senderId: a.id, receiverId: b.id, content: "one", clientId: "abc-1" });
    assertEquals(first.created, true);
    const again = await store.createMessage({
      senderId: a.id,
      receiverId: b.id,
      content: "one, edited",
      clientId: "abc-1",
    });
    assertEquals(again, { message: first.message, created: false });
    const elsewhere = await store.createMessage({ senderId: a.id, receiverId: c.id, content: "x", clientId: "abc-1" });
    assertEquals(elsewhere, { message: first.message, created: false }, "the clientId is the sender's, whoever to");
    assertEquals(ids(await conversation(store, a.id, b.id)), [first.message.id]);
    assertEquals(await conversation(store, a.id, c.id), []);
    assertEquals(await conversations(store, b.id), [[a.id, first.message.id, 1]]);
    assertEquals((await notifications(store, b.id)).map(summary), [notice(a, first.message)]);
    assertEquals(await store.countUnreadNotifications(c.id, 10), 0);

    // Another sender may use the same clientId; so may the first sender with another one.
    const theirs = await store.createMessage({ senderId: b.id, receiverId: a.id, content: "two", clientId: "abc-1" });
    assertEquals([theirs.created, theirs.message.senderId, theirs.message.clientId], [true, b.id, "abc-1"]);
    assert(theirs.message.id !== first.message.id);
    const other = await store.createMessage({ senderId: a.id, receiverId: b.id, content: "3", clientId: "abc-2" });
    assertEquals(other.created, true);
    assertEquals(ids(await conversation(store, b.id, a.id)), [other.message.id, theirs.message.id, first.message.id]);
  });

  test("of ten racing sends with one clientId exactly one is stored, and all answer it", async (store) => {
    const [a, b] = await users(store, 2);
    const results = await Promise.all(
      Array.from(
        { length: 10 },
        (_, i) => store.createMessage({ senderId: a.id, receiverId: b.id, content: `try ${i}`, clientId: "race" }),
      ),
    );
    assertEquals(results.filter((r) => r.created).length, 1);
    const winner = results.find((r) => r.created)!.message;
    for (const r of results) assertEquals(r.message, winner);
    assertEquals(await conversation(store, a.id, b.id), [winner]);
    assertEquals(await conversations(store, b.id), [[a.id, winner.id, 1]]);
    assertEquals((await notifications(store, b.id)).map(summary), [notice(a, winner)]);
  });

  test("racing sends into one conversation are all stored and counted exactly", async (store) => {
    const [a, b] = await users(store, 2);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.createMessage({ senderId: a.id, receiverId: b.id, content: `m${i}` })),
    );
    assert(results.every((r) => r.created));
    const listed = await conversation(store, a.id, b.id);
    assertEquals(ids(listed).toSorted(), ids(results.map((r) => r.message)).toSorted());
    const [newest] = listed;
    assertEquals(await conversations(store, b.id), [[a.id, newest.id, 8]]);
    assertEquals(await conversations(store, a.id), [[b.id, newest.id, 0]]);
    assertEquals((await notifications(store, b.id)).map(summary), [notice(a, newest)], "one notification per sender");
    assertEquals(await store.markConversationRead(b.id, a.id), true);
  });

  test("a conversation lists the same from either side, newest first, page by page", async (store) => {
    const [a, b, c] = await users(store, 3);
    const made: Message[] = [];
    for (let i = 0; i < 7; i++) {
      made.push(await (i % 3 ? send(store, a, b, `ab ${i}`) : send(store, b, a, `ba ${i}`)));
      if (i === 2) await send(store, a, c, "elsewhere");
      if (i === 4) await send(store, c, b, "elsewhere too");
    }
    const newestFirst = ids(made).toReversed();
    for (const limit of [1, 2, 3, 6, 7, 8]) {
      const pages = await messagePages(store, a.id, b.id, limit);
      assertEquals(pages.flat().map((m) => m.id), newestFirst, `limit ${limit}`);
      assertEquals(pages.length, Math.ceil(7 / limit), `limit ${limit}: no empty last page`);
      assertEquals(await messagePages(store, b.id, a.id, limit), pages, `limit ${limit}: the same from b's side`);
    }
    assertEquals((await store.listMessages(b.id, a.id, { limit: 7 })).items, made.toReversed(), "the records");
    assertEquals((await conversation(store, a.id, c.id)).map((m) => [m.senderId, m.content]), [[a.id, "elsewhere"]]);
    assertEquals((await conversation(store, b.id, c.id)).map((m) => [m.senderId, m.content]), [[
      c.id,
      "elsewhere too",
    ]]);
    for (const id of UNKNOWN) {
      assertEquals(await store.listMessages(a.id, id, { limit: 10 }), { items: [], next: null });
      assertEquals(await store.listMessages(id, a.id, { limit: 10 }), { items: [], next: null });
    }
  });

  test("listMessagesAfter gives a member what they missed, oldest first, strictly after a position", async (store) => {
    const [m, x, y, z] = await users(store, 4);
    const all = [
      await send(store, m, x, "0"),
      await send(store, x, m, "1"),
      await send(store, y, z, "2"), // not m's
      await send(store, m, y, "3"),
      await send(store, y, m, "4"),
      await send(store, x, m, "5"),
    ];
    const mine = [all[0], all[1], all[3], all[4], all[5]];
    assertEquals(await store.listMessagesAfter(m.id, null, 100), mine, "the records, both ways, every partner");
    assertEquals(ids(await store.listMessagesAfter(m.id, null, 2)), ids(mine.slice(0, 2)));
    assertEquals(ids(await store.listMessagesAfter(m.id, position(all[1]), 100)), ids([all[3], all[4], all[5]]));
    assertEquals(ids(await store.listMessagesAfter(m.id, position(all[1]), 1)), [all[3].id]);
    assertEquals(ids(await store.listMessagesAfter(m.id, position(all[0]), 100)), ids(mine.slice(1)));
    assertEquals(
      ids(await store.listMessagesAfter(m.id, position(all[2]), 100)),
      ids([all[3], all[4], all[5]]),
      "a position from another conversation works the same",
    );
    assertEquals(await store.listMessagesAfter(m.id, position(all[5]), 100), []);
    // Reading on page by page from the last message read gives everything once.
    const read: string[] = [];
    let after: MessagePosition | null = null;
    for (let i = 0; i < 10; i++) {
      const page = await store.listMessagesAfter(m.id, after, 2);
      read.push(...ids(page));
      if (page.length < 2) break;
      after = position(page[page.length - 1]);
    }
    assertEquals(read, ids(mine));
    assertEquals(ids(await store.listMessagesAfter(y.id, null, 100)), ids([all[2], all[3], all[4]]));
    assertEquals(ids(await store.listMessagesAfter(z.id, null, 100)), [all[2].id]);
    for (const id of UNKNOWN) assertEquals(await store.listMessagesAfter(id, null, 10), []);
  });

  test("conversations list newest first, with the newest message either way and the unread count", async (store) => {
    const [m, a, b, c, lone] = await users(store, 5);
    const m1 = await send(store, a, m, "1");
    await send(store, m, a, "2");
    await send(store, b, m, "3");
    const m4 = await send(store, b, m, "4");
    const m5 = await send(store, m, c, "5");
    const m6 = await send(store, a, m, "6");
    assertEquals(await conversations(store, m.id), [[a.id, m6.id, 2], [c.id, m5.id, 0], [b.id, m4.id, 2]]);
    assertEquals(await conversations(store, m.id, 2), [[a.id, m6.id, 2], [c.id, m5.id, 0]]);
    assertEquals(await conversations(store, m.id, 1), [[a.id, m6.id, 2]]);
    assertEquals(await conversations(store, a.id), [[m.id, m6.id, 1]]);
    assertEquals(await conversations(store, c.id), [[m.id, m5.id, 1]]);
    assertEquals(await conversations(store, lone.id), []);
    const [{ other, ...first }] = await store.listConversations(m.id, 1);
    assertEquals(first, { otherId: a.id, lastMessage: m6, unreadCount: 2 }, "the last message is the record");
    // A backend that reads the other member with the list gives the whole record.
    if (other) assertEquals(other, await store.getUser(a.id));

    // A new message moves its conversation to the top; reading it shows in both members' last message.
    const m7 = await send(store, m, b, "7");
    assertEquals(await conversations(store, m.id), [[b.id, m7.id, 2], [a.id, m6.id, 2], [c.id, m5.id, 0]]);
    assertEquals(await store.markConversationRead(m.id, a.id), true);
    assertEquals(await conversations(store, m.id), [[b.id, m7.id, 2], [a.id, m6.id, 0], [c.id, m5.id, 0]]);
    const [{ other: _, ...ofA }] = await store.listConversations(a.id, 10);
    assertEquals(ofA, { otherId: m.id, lastMessage: { ...m6, isRead: true }, unreadCount: 1 });
    assertEquals((await store.getMessage(m1.id))?.isRead, true);
    for (const id of UNKNOWN) assertEquals(await store.listConversations(id, 10), []);
  });

  test("marking a conversation read changes only the other member's messages to the member", async (store) => {
    const [m, o, p] = await users(store, 3);
    const fromO = [await send(store, o, m, "o1"), await send(store, o, m, "o2")];
    const toO = [await send(store, m, o, "m1"), await send(store, m, o, "m2")];
    fromO.push(await send(store, o, m, "o3"));
    const fromP = await send(store, p, m, "p1");

    assertEquals(await store.markConversationRead(m.id, o.id), true);
    const seen = await conversation(store, o.id, m.id); // the sender's view
    assertEquals(seen.map((x) => [x.id, x.isRead]), [
      [fromO[2].id, true],
      [toO[1].id, false],
      [toO[0].id, false],
      [fromO[1].id, true],
      [fromO[0].id, true],
    ]);
    assertEquals(seen.at(-1), { ...fromO[0], isRead: true }, "nothing else changes");
    assertEquals((await store.getMessage(fromP.id))?.isRead, false);
    assertEquals(await store.markConversationRead(m.id, o.id), false, "twice changes nothing");
    assertEquals(await store.markConversationRead(m.id, m.id), false);
    assertEquals(await conversations(store, m.id), [[p.id, fromP.id, 1], [o.id, fromO[2].id, 0]]);
    assertEquals(await conversations(store, o.id), [[m.id, fromO[2].id, 2]]);
    assertEquals((await notifications(store, m.id)).map(summary), [notice(p, fromP), notice(o, fromO[2], true)]);
    assertEquals(await store.countUnreadNotifications(m.id, 10), 1);

    assertEquals(await store.markConversationRead(o.id, m.id), true);
    assertEquals((await conversation(store, m.id, o.id)).every((x) => x.isRead), true);
    assertEquals(await conversations(store, o.id), [[m.id, fromO[2].id, 0]]);
    assertEquals(await store.countUnreadNotifications(o.id, 10), 0);
    assertEquals(await store.markConversationRead(p.id, m.id), false, "p received nothing from m");
    assertEquals((await store.getMessage(fromP.id))?.isRead, false);
    for (const id of UNKNOWN) {
      assertEquals(await store.markConversationRead(m.id, id), false);
      assertEquals(await store.markConversationRead(id, m.id), false);
    }
  });

  test("openConversation reads the other member, the connection, the unread state and a page at once", async (store) => {
    const [m, o, p] = await users(store, 3);
    const open = (otherId: string, query: { limit: number; after?: MessagePosition } = { limit: 2 }) =>
      store.openConversation(m.id, otherId, query);
    const state = (opened: Awaited<ReturnType<typeof open>>) =>
      opened && [opened.connection, opened.unreadCount, opened.notified, ids(opened.messages.items)];

    const empty = await open(o.id);
    assertEquals(empty?.other, o, "the whole record");
    assertEquals(state(empty), [null, 0, false, []]);
    assertEquals(empty?.messages.next, null);

    const invite = await store.createConnection({ senderId: o.id, receiverId: m.id, message: "" });
    assertEquals((await open(o.id))?.connection, "pending");
    await store.setConnectionStatus(invite.id, "accepted");
    const sent = [await send(store, o, m, "o1"), await send(store, m, o, "m1"), await send(store, o, m, "o2")];
    const opened = await open(o.id);
    assertEquals(state(opened), ["accepted", 2, true, [sent[2].id, sent[1].id]]);
    assertEquals(opened?.messages, await store.listMessages(m.id, o.id, { limit: 2 }), "a page as listMessages'");
    const older = await open(o.id, { limit: 2, after: opened!.messages.next! });
    assertEquals(older?.messages, await store.listMessages(m.id, o.id, { limit: 2, after: opened!.messages.next! }));
    assertEquals(ids(older!.messages.items), [sent[0].id]);
    assertEquals(state(await store.openConversation(o.id, m.id, { limit: 5 })), [
      "accepted",
      1,
      true,
      ids(sent.toReversed()),
    ], "the other side's own unread");

    // The notification can be read on its own; reading the thread reads both.
    await store.markNotificationsRead(m.id);
    assertEquals(state(await open(o.id)), ["accepted", 2, false, [sent[2].id, sent[1].id]]);
    await send(store, o, m, "o3");
    assertEquals((await open(o.id))?.notified, true);
    assertEquals(await store.markConversationRead(m.id, o.id), true);
    assertEquals((await open(o.id))?.unreadCount, 0);
    assertEquals((await open(o.id))?.notified, false);

    await store.setConnectionStatus(invite.id, "rejected");
    assertEquals((await open(o.id))?.connection, null, "a rejected connection is no connection");
    assertEquals(state(await open(p.id)), [null, 0, false, []], "a member never written to");
    assertEquals(
      (await open(o.id, { limit: 2, after: { createdAt: Date.now(), id: UNKNOWN[0] } }))?.messages,
      await store.listMessages(m.id, o.id, { limit: 2, after: { createdAt: Date.now(), id: UNKNOWN[0] } }),
      "a position that is not the store's",
    );
    assertEquals(await open(m.id), null, "not with oneself");
    for (const id of UNKNOWN) assertEquals(await open(id), null, id);
  });

  test("a sender's messages keep one unread notification, moved to the newest message", async (store) => {
    const [m, a, b] = await users(store, 3);
    const m1 = await send(store, a, m, "1");
    const [n1] = await notifications(store, m.id);
    assertEquals(summary(n1), notice(a, m1));
    assertEquals(n1.userId, m.id);
    assertEquals(await store.countUnreadNotifications(m.id, 10), 1);
    assertEquals(await notifications(store, a.id), [], "the sender is not notified");

    const m2 = await send(store, a, m, "2");
    const moved = await notifications(store, m.id);
    assertEquals(moved.map(summary), [notice(a, m2)], "still one, about the newest message");
    assertEquals(moved[0].createdAt.getTime(), m2.createdAt.getTime(), "dated like the newest message");
    assertEquals(await store.countUnreadNotifications(m.id, 10), 1);

    const m3 = await send(store, b, m, "3");
    assertEquals((await notifications(store, m.id)).map(summary), [notice(b, m3), notice(a, m2)]);
    assertEquals(await store.countUnreadNotifications(m.id, 10), 2);
    // A later millisecond, so the order does not hang on how a backend ids a moved notification (ties go by id).
    await later(2);
    const m4 = await send(store, a, m, "4");
    assertEquals((await notifications(store, m.id)).map(summary), [notice(a, m4), notice(b, m3)], "moved to the top");
    assertEquals(await store.countUnreadNotifications(m.id, 10), 2);

    await store.markConversationRead(m.id, a.id);
    assertEquals((await notifications(store, m.id)).map(summary), [notice(a, m4, true), notice(b, m3)]);
    assertEquals(await store.countUnreadNotifications(m.id, 10), 1);
    const m5 = await send(store, a, m, "5");
    assertEquals((await notifications(store, m.id)).map(summary), [
      notice(a, m5),
      notice(a, m4, true),
      notice(b, m3),
    ], "once read, the next message adds a new one");
    assertEquals(await store.countUnreadNotifications(m.id, 10), 2);

    // Read through the notification list instead: the next message adds a new one too.
    await store.markNotificationsRead(m.id);
    const m6 = await send(store, a, m, "6");
    assertEquals((await notifications(store, m.id)).map(summary), [
      notice(a, m6),
      notice(a, m5, true),
      notice(a, m4, true),
      notice(b, m3, true),
    ]);
    assertEquals(await store.countUnreadNotifications(m.id, 10), 1);
    assertEquals(await store.markConversationRead(m.id, a.id), true, "reading notifications does not read messages");
    assertEquals((await notifications(store, m.id)).map(summary)[0], notice(a, m6, true));
    assertEquals(await store.countUnreadNotifications(m.id, 10), 0);
  });

  test("WebSocket tickets are taken once, within their lifetime", async (store) => {
    const [u, v] = await users(store, 2);
    const later60 = new Date(Date.now() + 60_000);
    const s = await store.createSession({ userId: u.id, tokenHash: "s1", expiresAt: later60 });
    const t = await store.createSession({ userId: v.id, tokenHash: "t1", expiresAt: later60 });
    const grant: TicketGrant = { userId: u.id, sessionId: s.id };
    const other: TicketGrant = { userId: v.id, sessionId: t.id };
    await store.saveTicket(ticket(1), grant, 30_000);
    await store.saveTicket(ticket(2), other, 30_000);
    assertEquals(await store.takeTicket(ticket(1)), grant);
    assertEquals(await store.takeTicket(ticket(1)), null, "single use");
    assertEquals(await store.takeTicket(ticket(3)), null, "never issued");
    assertEquals(await store.takeTicket(ticket(2)), other);

    await store.saveTicket(ticket(4), grant, 50);
    await later(100);
    assertEquals(await store.takeTicket(ticket(4)), null, "expired");

    await store.saveTicket(ticket(5), grant, 30_000);
    const taken = await Promise.all(Array.from({ length: 5 }, () => store.takeTicket(ticket(5))));
    assertEquals(taken.filter((g) => g !== null), [grant], "of racing takes exactly one gets the grant");
  });

  test("a deleted member's messages, conversations and message notifications are purged, both sides", async (store) => {
    const [a, b, c] = await users(store, 3);
    const ab = await send(store, a, b, "a to b");
    await send(store, b, a, "b to a");
    await store.markConversationRead(b.id, a.id); // b's first notification from a is read…
    await send(store, a, b, "again", "client-1"); // …and this one is unread
    await send(store, a, c, "a to c");
    const bc = await send(store, b, c, "b to c");
    const cb = await send(store, c, b, "c to b");
    assertEquals((await notifications(store, b.id)).length, 3);

    assertEquals(await store.deleteUser(a.id), true);
    assertEquals(await store.purgeMemberContent(a.id), true);
    assertEquals(await store.purgeMemberContent(a.id), true, "running it again is harmless");
    assertEquals(await conversation(store, b.id, a.id), []);
    assertEquals(await conversation(store, a.id, c.id), []);
    assertEquals(await store.getMessage(ab.id), null);
    assertEquals(await conversations(store, b.id), [[c.id, cb.id, 1]]);
    assertEquals(await conversations(store, c.id), [[b.id, cb.id, 1]]);
    assertEquals(await conversations(store, a.id), []);
    assertEquals((await notifications(store, b.id)).map(summary), [notice(c, cb)], "read or not, a's are gone");
    assertEquals((await notifications(store, c.id)).map(summary), [notice(b, bc)]);
    assertEquals(await store.countUnreadNotifications(b.id, 10), 1);
    assertEquals(await store.listMessagesAfter(b.id, null, 100), [bc, cb], "others' conversations are untouched");
    assertEquals(await store.listMessagesAfter(a.id, null, 100), []);
    assertEquals(await notifications(store, a.id), []);
  });

  test("a new message commits message.created with both members, held back 15 minutes; a clientId replay none", async (store) => {
    const spy = spyOnQueue(store.queue);
    const delivered = listen(store).events;
    try {
      const [a, b] = await users(store, 2);
      const first = await send(store, a, b, "first", "client-1");
      const replay = await store.createMessage({
        senderId: a.id,
        receiverId: b.id,
        content: "first",
        clientId: "client-1",
      });
      assertEquals([replay.created, replay.message.id], [false, first.id]);
      const second = await send(store, b, a, `back ${UNICODE}`);
      const expected: [Message, string[]][] = [[first, [a.id, b.id]], [second, [b.id, a.id]]];
      for (const [m, members] of expected) {
        const { event, options } = await spy.waitFor("message.created", m.id);
        assertEquals(event.members, members);
        // Counted from the commit (the MySQL row is due then).
        const delay = options?.delay ?? 0;
        assert(delay > MESSAGE_CREATED_DELAY_MS - 60_000 && delay <= MESSAGE_CREATED_DELAY_MS, `delay ${delay}`);
      }
      await later(1_100);
      assertEquals(spy.of("message.created").map((e) => e.event.id), [first.id, second.id], "the replay added none");
      assertEquals(delivered.filter((e) => e.type === "message.created"), [], "not delivered yet");
      assert(delivered.some((e) => e.type === "user.created"), "the queue delivers undelayed events meanwhile");
    } finally {
      spy.restore();
    }
  });
}
