import { assert, assertEquals } from "../../../framework/testing/assert.ts";
import { ConflictError } from "../../errors.ts";
import { storeContract } from "../contract.ts";
import type { Notification } from "../model.ts";
import { isId, newId } from "./ids.ts";
import { writeNotification } from "./notifications.ts";
import { kvStoreTest, openKvStore } from "./testing.ts";

storeContract("deno-kv", openKvStore);

// What only the KV adapter promises: its id order, its bounded scans and commits, and that cleanups leave no key
// behind.
const kvTest = kvStoreTest("[store:deno-kv]");

async function allKeys(kv: Deno.Kv): Promise<Deno.KvKey[]> {
  const out: Deno.KvKey[] = [];
  for await (const { key } of kv.list({ prefix: [] })) out.push(key);
  // No queue listener runs here, so the ledger of waiting events (queue.ts) keeps what the writes enqueued.
  return out.filter((key) => key[0] !== "queue_pending");
}

const member = (n: number, extra: Record<string, string> = {}) => ({
  email: `m${n}@example.com`,
  passwordHash: "x",
  firstName: `F${n}`,
  lastName: `L${n}`,
  role: "member" as const,
  ...extra,
});

Deno.test("[store:deno-kv] ids increase within one millisecond and when the clock steps back", () => {
  // Ahead of any id this process made so far (the generator's state is per process).
  const t = Date.now() + 60_000;
  const ids = [newId(t), newId(t), newId(t), newId(t - 1), newId(t + 1)];
  for (const { id } of ids) assert(isId(id), id);
  const sorted = ids.map((x) => x.id).toSorted();
  assertEquals(ids.map((x) => x.id), sorted);
  assertEquals(new Set(sorted).size, ids.length);
  assertEquals(ids.map((x) => x.ms), [t, t, t, t, t + 1]);
  assert(!isId("does-not-exist") && !isId("999999999"));
});

kvTest("a filtered page scans a bounded range and says where it stopped", async (store) => {
  await store.createUser(member(0, { headline: "Needle" }));
  for (let i = 1; i <= 1_000; i++) await store.createUser(member(i));
  const first = await store.listUsers({ q: "needle", limit: 10 });
  assertEquals(first.items, []);
  assert(first.next, "a page that ran out of budget points past what it scanned");
  const second = await store.listUsers({ q: "needle", limit: 10, after: first.next });
  assertEquals([second.items.map((u) => u.headline), second.next], [["Needle"], null]);
});

kvTest("deleting a member leaves no key behind, rotated tokens included", async (store, kv) => {
  const u = await store.createUser(member(1));
  const keep = await store.createUser(member(2));
  const later = new Date(Date.now() + 60_000);
  await store.createSession({ userId: keep.id, tokenHash: "keep", expiresAt: later });
  const before = await allKeys(kv);
  for (let f = 0; f < 3; f++) {
    const s = await store.createSession({ userId: u.id, tokenHash: `f${f}t0`, expiresAt: later });
    // Enough rotations that the cleanup spans several commits.
    for (let t = 1; t <= 200; t++) assert(await store.rotateSession(s.id, `f${f}t${t - 1}`, `f${f}t${t}`));
  }
  assertEquals(await store.deleteUser(u.id), true);
  const userKeys = (await allKeys(kv)).filter((k) => !before.some((b) => JSON.stringify(b) === JSON.stringify(k)));
  assertEquals(userKeys, []);
  assertEquals(await store.findSessionByToken("f1t0"), null);
  assertEquals((await store.findSessionByToken("keep"))?.current, true);
});

kvTest("a session cannot be started for a member who does not exist", async (store) => {
  const u = await store.createUser(member(1));
  await store.deleteUser(u.id);
  const later = new Date(Date.now() + 60_000);
  let failed = false;
  await store.createSession({ userId: u.id, tokenHash: "t", expiresAt: later }).catch(() => failed = true);
  assert(failed);
  assertEquals(await store.findSessionByToken("t"), null);
});

kvTest("an idempotency claim's KV key lives for its lease, a finished answer for its keep time", async (store, kv) => {
  const claim = { userId: "u", key: "k", token: "t" };
  const before = Date.now();
  assertEquals(await store.claimIdempotency("u", "k", { requestHash: "h", token: "t", leaseMs: 10_000 }), null);
  const leased = (await kv.get<{ expiresAt: number }>(["idempotency", "u", "k"])).value!.expiresAt;
  assert(leased >= before + 10_000 && leased < before + 3_600_000);
  assertEquals(await store.finishIdempotency(claim, { status: 201, body: "{}" }, 24 * 3_600_000), true);
  const kept = (await kv.get<{ expiresAt: number }>(["idempotency", "u", "k"])).value!.expiresAt;
  assert(kept >= before + 24 * 3_600_000);
});

kvTest("a claim taken before leases (no token, 24 h) does not hold its key", async (store, kv) => {
  const legacy = { state: "in-flight", requestHash: "h", expiresAt: Date.now() + 24 * 3_600_000 };
  await kv.set(["idempotency", "u", "k"], legacy);
  assertEquals(await store.claimIdempotency("u", "k", { requestHash: "h", token: "t", leaseMs: 10_000 }), null);
});

kvTest("getPosts and getUsers read any number of ids in their order, 10 keys per getMany", async (store) => {
  const a = await store.createUser(member(1));
  const posts = [];
  for (let i = 0; i < 25; i++) posts.push(await store.createPost({ authorId: a.id, content: `p${i}` }));
  const ids = posts.map((p) => p.id).toReversed();
  ids.splice(7, 0, newId().id);
  assertEquals((await store.getPosts(ids)).map((p) => p.id), posts.map((p) => p.id).toReversed());
  const members = [a];
  for (let i = 2; i <= 12; i++) members.push(await store.createUser(member(i)));
  const memberIds = members.map((m) => m.id).toReversed();
  assertEquals((await store.getUsers(memberIds)).map((m) => m.id), memberIds);
});

kvTest(
  "a fan-out wider than one commit is added and removed exactly; a deleted post is not added",
  async (store, kv) => {
    const a = await store.createUser(member(1));
    const before = await allKeys(kv);
    const p = await store.createPost({ authorId: a.id, content: "wide" });
    const members = Array.from({ length: 400 }, () => newId().id);
    await store.addToTimelines([...members, members[0]], { postId: p.id, authorId: a.id, createdAt: p.createdAt });
    assertEquals((await store.listTimeline(members[399], { limit: 5 })).items.map((e) => e.postId), [p.id]);
    await store.removePostFromTimelines(p.id);
    await store.deletePost(p.id);
    assertEquals(await allKeys(kv), before);
    await store.addToTimelines([a.id], { postId: p.id, authorId: a.id, createdAt: p.createdAt });
    assertEquals((await store.listTimeline(a.id, { limit: 5 })).items, []);
  },
);

kvTest("re-opening a rejected invitation fails while a newer one holds the pair", async (store) => {
  const [a, b] = [await store.createUser(member(1)), await store.createUser(member(2))];
  const first = await store.createConnection({ senderId: a.id, receiverId: b.id, message: "" });
  await store.setConnectionStatus(first.id, "rejected");
  const second = await store.createConnection({ senderId: b.id, receiverId: a.id, message: "" });
  let conflict = false;
  await store.setConnectionStatus(first.id, "accepted").catch((e) => conflict = e instanceof ConflictError);
  assert(conflict);
  assertEquals((await store.setConnectionStatus(second.id, "accepted"))?.status, "accepted");
  assertEquals(await store.listConnectedIds(a.id), [b.id]);
});

kvTest("purging a deleted member leaves no key of theirs behind", async (store, kv) => {
  const [b, c] = [await store.createUser(member(2)), await store.createUser(member(3))];
  const theirs = await store.createPost({ authorId: b.id, content: "b" });
  const entry = { postId: theirs.id, authorId: b.id, createdAt: theirs.createdAt };
  await store.addToTimelines([b.id], entry);
  const before = await allKeys(kv);
  const a = await store.createUser(member(1));
  const ab = await store.createConnection({ senderId: a.id, receiverId: b.id, message: "" });
  await store.setConnectionStatus(ab.id, "accepted");
  const ac = await store.createConnection({ senderId: a.id, receiverId: c.id, message: "" });
  await store.setConnectionStatus(ac.id, "rejected");
  await store.createConnection({ senderId: c.id, receiverId: a.id, message: "" });
  for (let i = 0; i < 120; i++) {
    const p = await store.createPost({ authorId: a.id, content: `a${i}` });
    await store.addToTimelines([a.id, b.id], { postId: p.id, authorId: a.id, createdAt: p.createdAt });
  }
  await store.addToTimelines([a.id], entry);
  await store.setTimelineBuiltAt(a.id, new Date());
  await store.deleteUser(a.id);
  assertEquals(await store.purgeMemberContent(a.id), true);
  assertEquals(await allKeys(kv), before);
  assertEquals(await store.purgeMemberContent(a.id), true);
});

kvTest("a purge bigger than one call's budget answers false until it is done", async (store, kv) => {
  const a = await store.createUser(member(1));
  const before = await allKeys(kv);
  const doomed = await store.createUser(member(2));
  const p = await store.createPost({ authorId: doomed.id, content: "everywhere" });
  const reach = Array.from({ length: 5_100 }, () => newId().id);
  await store.addToTimelines(reach, { postId: p.id, authorId: doomed.id, createdAt: p.createdAt });
  await store.deleteUser(doomed.id);
  assertEquals(await store.purgeMemberContent(doomed.id), false);
  assertEquals(await store.purgeMemberContent(doomed.id), true);
  assertEquals(await allKeys(kv), before);
  assertEquals((await store.getUser(a.id))?.id, a.id);
});

kvTest("a member's search keys move with their location and headline, and go with them", async (store, kv) => {
  const before = await allKeys(kv);
  const u = await store.createUser(member(1, { location: " Berlin ", headline: "Rust and Kotlin, rust" }));
  const ms = u.createdAt.getTime();
  const searchKeys = async () =>
    (await allKeys(kv)).filter((k) => k[0] === "users_by_location" || k[0] === "users_by_headline_word");
  assertEquals(await searchKeys(), [
    ["users_by_headline_word", "and", ms, u.id],
    ["users_by_headline_word", "kotlin", ms, u.id],
    ["users_by_headline_word", "rust", ms, u.id],
    ["users_by_location", "berlin", ms, u.id],
  ]);
  await store.updateUser(u.id, { location: "", headline: "Kotlin gardening" });
  assertEquals(await searchKeys(), [
    ["users_by_headline_word", "gardening", ms, u.id],
    ["users_by_headline_word", "kotlin", ms, u.id],
  ]);
  await store.deleteUser(u.id);
  assertEquals(await allKeys(kv), before);
});

kvTest("imports of members with long headlines and locations fit KV's commit limits", async (store, kv) => {
  const headline = Array.from({ length: 60 }, (_, i) => `wörd${i}`).join(" ").slice(0, 255);
  const location = "Ñ".repeat(255);
  const ids = await store.importUsers(
    Array.from({ length: 300 }, (_, i) => ({ ...member(i, { headline, location }), createdAt: new Date(1e12 + i) })),
  );
  let wordKeys = 0;
  for await (const _ of kv.list({ prefix: ["users_by_headline_word"] })) wordKeys++;
  assertEquals(wordKeys, 300 * 32, "32 words a member");
  const found = await store.listSuggestionCandidates(ids[0], {
    secondDegree: 0,
    location: location.toLowerCase(),
    nearby: 2,
    headline: "WÖRD3",
    similar: 1,
  });
  assertEquals(found.nearby.map((u) => u.id), [ids[299], ids[298]]);
  assertEquals(found.similar.map((u) => u.id), [ids[299]]);
});

kvTest("purging a member with notifications and search keys leaves no key of theirs behind", async (store, kv) => {
  const others = [];
  for (let i = 2; i <= 61; i++) others.push(await store.createUser(member(i, { location: "Lagos" })));
  const keep = await store.createConnection({ senderId: others[0].id, receiverId: others[1].id, message: "" });
  const before = await allKeys(kv);
  const a = await store.createUser(member(1, { location: "Lagos", headline: "Pottery teacher" }));
  for (const [i, other] of others.entries()) {
    const c = i % 3 === 0
      ? await store.createConnection({ senderId: other.id, receiverId: a.id, message: "hello" })
      : await store.createConnection({ senderId: a.id, receiverId: other.id, message: "hello" });
    if (i % 2 === 0) await store.setConnectionStatus(c.id, "accepted");
  }
  await store.markNotificationsRead(a.id, (await store.listNotifications(a.id, { limit: 5 })).items.map((n) => n.id));
  // A notification about something other than a connection, as messages will write.
  const message: Notification = {
    id: newId().id,
    userId: a.id,
    type: "message:received",
    actorId: others[0].id,
    subjectId: newId().id,
    read: false,
    createdAt: new Date(),
  };
  await writeNotification(kv.atomic(), null, message).commit();
  // 20 invitations received, 20 acceptances of a's invitations, 5 of them read, and the message.
  assertEquals(await store.countUnreadNotifications(a.id, 100), 20 + 20 - 5 + 1);
  await store.deleteUser(a.id);
  assertEquals(await store.purgeMemberContent(a.id), true);
  assertEquals(await allKeys(kv), before);
  assertEquals((await store.listNotifications(others[1].id, { limit: 5 })).items.map((n) => n.subjectId), [keep.id]);
});

kvTest("second-degree suggestions leave out connections beyond the walked ones", async (store) => {
  const [m, hub] = [await store.createUser(member(1)), await store.createUser(member(2))];
  const friends = Array.from({ length: 120 }, () => newId().id);
  const stranger = (await store.createUser(member(3))).id;
  const base = Date.UTC(2024, 0, 1);
  // m's oldest connection, beyond the newest 100 that are walked, is also connected to the hub, one of m's newest:
  // it is first degree all the same, never suggested.
  await store.importConnections([
    ...friends.map((id, i) => ({ senderId: m.id, receiverId: id, createdAt: new Date(base + i) })),
    { senderId: m.id, receiverId: hub.id, createdAt: new Date(base + 1_000) },
    { senderId: hub.id, receiverId: friends[0], createdAt: new Date(base + 2_000) },
    { senderId: hub.id, receiverId: stranger, createdAt: new Date(base) },
  ]);
  const { secondDegree } = await store.listSuggestionCandidates(m.id, {
    secondDegree: 10,
    location: "",
    nearby: 0,
    headline: "",
    similar: 0,
  });
  assertEquals(secondDegree.map(({ id, mutualCount }) => ({ id, mutualCount })), [{ id: stranger, mutualCount: 1 }]);
  assertEquals(await store.countMutualConnections(m.id, hub.id), 1);
});

kvTest("a message writes exactly its keys, and reading it moves only its unread key", async (store, kv) => {
  const [a, b] = [await store.createUser(member(1)), await store.createUser(member(2))];
  const before = await allKeys(kv);
  const { message: m } = await store.createMessage({ senderId: a.id, receiverId: b.id, content: "hi", clientId: "c1" });
  const ms = m.createdAt.getTime();
  const [lo, hi] = [a.id, b.id].toSorted();
  const added = async () =>
    (await allKeys(kv)).filter((k) => !before.some((x) => JSON.stringify(x) === JSON.stringify(k)));
  assertEquals(await added(), [
    ["conversation_messages", lo, hi, ms, m.id],
    ["conversations", a.id, b.id],
    ["conversations", b.id, a.id],
    ["conversations_by_time", a.id, ms, m.id],
    ["conversations_by_time", b.id, ms, m.id],
    ["member_messages", a.id, ms, m.id],
    ["member_messages", b.id, ms, m.id],
    ["message_client_ids", a.id, "c1"],
    ["messages", m.id],
    ["messages_unread", b.id, a.id, ms, m.id],
    ["notifications", b.id, m.id],
    ["notifications_by_subject", m.id, b.id, m.id],
    ["notifications_unread", b.id, m.id],
  ]);
  assertEquals((await kv.get(["conversations", b.id, a.id])).value, {
    otherId: a.id,
    lastMessageId: m.id,
    lastAtMs: ms,
    unreadCount: 1,
    noticeId: m.id,
  });
  assertEquals(await store.markConversationRead(b.id, a.id), true);
  const after = await added();
  assertEquals(after.filter((k) => k[0] === "messages_unread" || k[0] === "notifications_unread"), []);
  assertEquals(after.length, 11);
  assertEquals((await kv.get<{ unreadCount: number }>(["conversations", b.id, a.id])).value?.unreadCount, 0);
});

kvTest("unread counts stay exact while sends and mark-reads race", async (store, kv) => {
  const [a, b, c] = [
    await store.createUser(member(1)),
    await store.createUser(member(2)),
    await store.createUser(member(3)),
  ];
  const work: Promise<unknown>[] = [];
  for (let i = 0; i < 30; i++) {
    const from = i % 3 === 0 ? c : a;
    work.push(store.createMessage({ senderId: from.id, receiverId: b.id, content: `m${i}` }));
    if (i % 5 === 0) work.push(store.markConversationRead(b.id, a.id));
  }
  await Promise.all(work);
  const notices = (await store.listNotifications(b.id, { limit: 100 })).items;
  for (const other of [a, c]) {
    const unread: Deno.KvKey[] = [];
    for await (const { key } of kv.list({ prefix: ["messages_unread", b.id, other.id] })) unread.push(key);
    const stored = (await kv.get<{ unreadCount: number }>(["conversations", b.id, other.id])).value;
    assertEquals(stored?.unreadCount, unread.length);
    const messages = (await store.listMessages(b.id, other.id, { limit: 100 })).items;
    assertEquals(messages.filter((m) => !m.isRead).length, unread.length);
    // Whichever came last, a send or a mark-read: an unread notification from them exactly while a message is.
    const unreadNotices = notices.filter((n) => n.actorId === other.id && !n.read);
    assertEquals(unreadNotices.length, unread.length > 0 ? 1 : 0);
    if (unread.length > 0) assertEquals(unreadNotices[0].subjectId, messages[0].id, "about the newest message");
  }
  assertEquals(await store.markConversationRead(b.id, c.id), true);
  await store.markConversationRead(b.id, a.id); // whatever the races left unread
  assertEquals(await store.countUnreadNotifications(b.id, 10), 0);
});

kvTest("marking many long messages read, and purging them, fit KV's commit limits", async (store, kv) => {
  const b = await store.createUser(member(2));
  const before = await allKeys(kv);
  const a = await store.createUser(member(1));
  const long = "李".repeat(5_000); // 15,000 bytes of UTF-8 each
  for (let i = 0; i < 70; i++) await store.createMessage({ senderId: a.id, receiverId: b.id, content: long });
  assertEquals(await store.markConversationRead(b.id, a.id), true);
  assertEquals((await store.listConversations(b.id, 1))[0].unreadCount, 0);
  assertEquals((await store.listMessages(a.id, b.id, { limit: 100 })).items.every((m) => m.isRead), true);
  await store.deleteUser(a.id);
  assertEquals(await store.purgeMemberContent(a.id), true);
  assertEquals(await allKeys(kv), before);
});

kvTest("purging a member with messages and conversations leaves no key of theirs behind", async (store, kv) => {
  const [b, c, d] = [
    await store.createUser(member(2)),
    await store.createUser(member(3)),
    await store.createUser(member(4)),
  ];
  await store.createMessage({ senderId: b.id, receiverId: c.id, content: "kept" });
  await store.createMessage({ senderId: c.id, receiverId: b.id, content: "kept too" });
  await store.saveTicket("t".repeat(64), { userId: b.id, sessionId: "s" }, 60_000);
  const before = await allKeys(kv);
  const a = await store.createUser(member(1));
  // More than one purge batch, both ways, with three partners, clientIds, read and unread, and a note to self.
  for (let i = 0; i < 130; i++) {
    const other = [b, c, d][i % 3];
    const [senderId, receiverId] = i % 2 ? [a.id, other.id] : [other.id, a.id];
    await store.createMessage({ senderId, receiverId, content: `m${i} ${"🧑🏽‍💻".repeat(i)}`, clientId: `c${i}` });
    if (i % 7 === 0) await store.markConversationRead(receiverId, senderId);
  }
  await store.createMessage({ senderId: a.id, receiverId: a.id, content: "to self" });
  await store.saveTicket("a".repeat(64), { userId: a.id, sessionId: "s" }, 60_000);
  assertEquals(await store.takeTicket("a".repeat(64)), { userId: a.id, sessionId: "s" });
  assertEquals((await store.listConversations(a.id, 10)).length, 4);
  await store.deleteUser(a.id);
  assertEquals(await store.purgeMemberContent(a.id), true);
  assertEquals(await allKeys(kv), before);
  assertEquals(await store.purgeMemberContent(a.id), true);
  assertEquals((await store.listConversations(b.id, 10)).map((x) => x.otherId), [c.id]);
});

kvTest("a ticket taken or expired is refused; a malformed hash is unknown", async (store, kv) => {
  await store.saveTicket("h", { userId: "u", sessionId: "s" }, 20);
  const stored = (await kv.get<{ expiresAt: number }>(["ws_tickets", "h"])).value;
  assert(stored && stored.expiresAt <= Date.now() + 20);
  await new Promise((r) => setTimeout(r, 40));
  assertEquals(await store.takeTicket("h"), null);
  assertEquals((await kv.get(["ws_tickets", "h"])).value, null, "an expired ticket taken is gone");
  assertEquals(await store.takeTicket("x".repeat(1_000)), null);
});

kvTest("a deleted post's reactions go in bounded commits over two calls, leaving no key", async (store, kv) => {
  const author = await store.createUser(member(0));
  const readers = [];
  for (let i = 1; i <= 1_050; i++) readers.push(await store.createUser(member(i)));
  const before = await allKeys(kv);
  const post = await store.createPost({ authorId: author.id, content: "popular" });
  for (let i = 0; i < readers.length; i += 50) {
    await Promise.all(
      readers.slice(i, i + 50).map((r, j) => store.setPostReaction(post.id, r.id, j % 2 ? "like" : "funny")),
    );
  }
  await store.removePostReaction(post.id, readers[0].id);
  assertEquals((await store.getPostReactions([post.id]))[0].counts.like, 525);
  await store.deletePost(post.id);
  assertEquals(await store.purgePostReactions(post.id), false, "more than one call's budget");
  assertEquals(await store.purgePostReactions(post.id), true);
  assertEquals(await allKeys(kv), before);
});

kvTest("a deleted member's reactions leave only their posts' counters, moved", async (store, kv) => {
  const author = await store.createUser(member(0));
  const post = await store.createPost({ authorId: author.id, content: "hello" });
  const before = await allKeys(kv);
  const doomed = await store.createUser(member(1));
  await store.setPostReaction(post.id, doomed.id, "support");
  await store.deleteUser(doomed.id);
  assertEquals(await store.purgeMemberContent(doomed.id), true);
  const left = await allKeys(kv);
  assertEquals(left.filter((key) => key[0] !== "post_reaction_counts"), before);
  const counter = await kv.get<Deno.KvU64>(["post_reaction_counts", post.id, "support"]);
  assertEquals(counter.value?.value, 0n);
});
