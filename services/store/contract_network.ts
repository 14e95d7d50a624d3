// The contract of the network reads (connection lists, degrees, people you may know) and notifications, part of the
// one suite storeContract() runs against every adapter. Every answer is known by hand. Ids differ between adapters
// (time-ordered text on KV, numbers on MySQL), so where an order between equals is unspecified (ties among the
// suggestion candidates) the tests compare sets. Records made one after another get increasing createdAt, or
// the same millisecond and increasing ids, on both adapters, so "newest first" is the reverse of creation order.
import { assert, assertEquals } from "../../framework/testing/assert.ts";
import { type ContractTest, later, listen, newUser, UNICODE, UNKNOWN } from "./contract.ts";
import { spyOnQueue } from "./queue_spy.ts";
import type {
  Connection,
  ConnectionsQuery,
  Notification,
  NotificationPosition,
  SuggestionQuery,
  User,
} from "./model.ts";
import type { Store } from "./store.ts";

async function users(store: Store, count: number, from = 1): Promise<User[]> {
  const made: User[] = [];
  for (let n = from; n < from + count; n++) made.push(await store.createUser(newUser(n)));
  return made;
}

function invite(store: Store, sender: User, receiver: User, message = ""): Promise<Connection> {
  return store.createConnection({ senderId: sender.id, receiverId: receiver.id, message });
}

async function connect(store: Store, sender: User, receiver: User): Promise<Connection> {
  const c = await invite(store, sender, receiver);
  const accepted = await store.setConnectionStatus(c.id, "accepted");
  assert(accepted);
  return accepted;
}

/** Every page of a connection listing, checking that only the last page has no `next`. */
async function connectionPages(
  store: Store,
  memberId: string,
  query: Omit<ConnectionsQuery, "after">,
): Promise<Connection[][]> {
  const pages: Connection[][] = [];
  let after = undefined;
  for (;;) {
    const page: Awaited<ReturnType<Store["listConnections"]>> = await store.listConnections(memberId, {
      ...query,
      after,
    });
    pages.push(page.items);
    if (!page.next) return pages;
    assertEquals(page.items.length, query.limit, "a page with a next page is full");
    assert(pages.length < 100, "the listing ends");
    after = page.next;
  }
}

async function connectionIds(store: Store, memberId: string, query: Omit<ConnectionsQuery, "limit" | "after">) {
  return (await connectionPages(store, memberId, { ...query, limit: 100 })).flat().map((c) => c.id);
}

async function notificationPages(store: Store, userId: string, limit: number): Promise<Notification[][]> {
  const pages: Notification[][] = [];
  let after: NotificationPosition | undefined = undefined;
  for (;;) {
    const page = await store.listNotifications(userId, { limit, after });
    pages.push(page.items);
    if (!page.next) return pages;
    assertEquals(page.items.length, limit, "a page with a next page is full");
    assert(pages.length < 100, "the listing ends");
    after = page.next;
  }
}

async function notifications(store: Store, userId: string): Promise<Notification[]> {
  return (await notificationPages(store, userId, 100)).flat();
}

/** What a test knows of a notification in advance (its id and time are the store's). */
function summary(n: Notification) {
  return { userId: n.userId, type: n.type, actorId: n.actorId, subjectId: n.subjectId, read: n.read };
}

/** Ranked results cut into runs of equal rank, each run as a sorted set of ids. */
function runs<T>(items: T[], id: (item: T) => string, rank: (item: T) => number): [number, string[]][] {
  const out: [number, string[]][] = [];
  for (const item of items) {
    const last = out.at(-1);
    if (last && last[0] === rank(item)) last[1].push(id(item));
    else out.push([rank(item), [id(item)]]);
  }
  for (const run of out) run[1].sort();
  return out;
}

const sorted = (ids: string[]) => ids.toSorted();

/** One source of suggestion candidates, the others asked for none. */
const NO_SOURCE: SuggestionQuery = { secondDegree: 0, location: "", nearby: 0, headline: "", similar: 0 };

async function secondDegree(store: Store, memberId: string, limit: number) {
  const { secondDegree } = await store.listSuggestionCandidates(memberId, { ...NO_SOURCE, secondDegree: limit });
  for (const { id, user } of secondDegree) assertEquals(user, await store.getUser(id), "the member's record");
  return secondDegree.map(({ id, mutualCount }) => ({ id, mutualCount }));
}

async function nearby(store: Store, memberId: string, location: string, limit = 10): Promise<User[]> {
  return (await store.listSuggestionCandidates(memberId, { ...NO_SOURCE, location, nearby: limit })).nearby;
}

async function similar(store: Store, memberId: string, headline: string, limit = 20): Promise<User[]> {
  return (await store.listSuggestionCandidates(memberId, { ...NO_SOURCE, headline, similar: limit })).similar;
}

export function networkContract(test: ContractTest) {
  test("a member's connections list by status and direction, newest first, and follow every change", async (store) => {
    const [m, o1, o2, o3, o4, o5, o6, o7] = await users(store, 8);
    const c1 = await invite(store, m, o1, `Hello ${UNICODE}`);
    const c2 = await invite(store, o2, m);
    const c3 = await connect(store, m, o3);
    const c4 = await connect(store, o4, m);
    const c5 = await invite(store, m, o5);
    await store.setConnectionStatus(c5.id, "rejected");
    const c6 = await invite(store, o6, m);
    await store.setConnectionStatus(c6.id, "rejected");
    const c7 = await invite(store, o1, o2);
    const c8 = await invite(store, o7, m);

    assertEquals(await connectionIds(store, m.id, { status: "pending" }), [c8.id, c2.id, c1.id]);
    assertEquals(await connectionIds(store, m.id, { status: "pending", direction: "incoming" }), [c8.id, c2.id]);
    assertEquals(await connectionIds(store, m.id, { status: "pending", direction: "outgoing" }), [c1.id]);
    assertEquals(await connectionIds(store, m.id, { status: "accepted" }), [c4.id, c3.id]);
    assertEquals(await connectionIds(store, m.id, { status: "accepted", direction: "incoming" }), [c4.id]);
    assertEquals(await connectionIds(store, m.id, { status: "accepted", direction: "outgoing" }), [c3.id]);
    assertEquals(await connectionIds(store, o1.id, { status: "pending" }), [c7.id, c1.id]);
    assertEquals(await connectionIds(store, o1.id, { status: "pending", direction: "outgoing" }), [c7.id]);
    assertEquals(await connectionIds(store, o5.id, { status: "pending" }), [], "rejected ones are never listed");
    assertEquals(await connectionIds(store, o6.id, { status: "accepted" }), []);

    const page = await store.listConnections(m.id, { status: "pending", direction: "outgoing", limit: 10 });
    assertEquals(page, { items: [c1], next: null }, "the items are the records, exactly");
    assertEquals((await store.listConnections(m.id, { status: "accepted", limit: 10 })).items, [c4, c3]);

    // Accepting moves the invitation to the accepted list, where its place is its creation time.
    const accepted = await store.setConnectionStatus(c1.id, "accepted");
    assertEquals(await connectionIds(store, m.id, { status: "pending", direction: "outgoing" }), []);
    assertEquals(await connectionIds(store, m.id, { status: "accepted" }), [c4.id, c3.id, c1.id]);
    assertEquals(await connectionIds(store, m.id, { status: "accepted", direction: "outgoing" }), [c3.id, c1.id]);
    assertEquals(await connectionIds(store, o1.id, { status: "accepted", direction: "incoming" }), [c1.id]);
    assertEquals((await store.listConnections(o1.id, { status: "accepted", limit: 1 })).items, [accepted!]);

    await store.setConnectionStatus(c8.id, "rejected");
    assertEquals(await connectionIds(store, m.id, { status: "pending" }), [c2.id]);
    assertEquals(await connectionIds(store, o7.id, { status: "pending" }), []);
    assertEquals(await store.deleteConnection(c4.id), true);
    assertEquals(await store.deleteConnection(c2.id), true);
    assertEquals(await connectionIds(store, m.id, { status: "accepted" }), [c3.id, c1.id]);
    assertEquals(await connectionIds(store, m.id, { status: "pending" }), []);
    assertEquals(await connectionIds(store, o4.id, { status: "accepted" }), []);

    for (const id of UNKNOWN) {
      assertEquals(await store.listConnections(id, { status: "accepted", limit: 10 }), { items: [], next: null });
    }
  });

  test("connection lists page without gaps or repeats, and the last page says so", async (store) => {
    const [m, ...others] = await users(store, 7);
    const made: Connection[] = [];
    for (const [i, other] of others.entries()) {
      made.push(await (i % 2 ? connect(store, other, m) : connect(store, m, other)));
    }
    const newestFirst = made.map((c) => c.id).reverse();
    for (const limit of [1, 2, 3, 4, 5, 6, 7]) {
      const pages = await connectionPages(store, m.id, { status: "accepted", limit });
      assertEquals(pages.flat().map((c) => c.id), newestFirst, `limit ${limit}`);
      assertEquals(pages.length, Math.ceil(6 / limit), `limit ${limit}: no empty last page`);
    }
    const outgoing = await connectionPages(store, m.id, { status: "accepted", direction: "outgoing", limit: 2 });
    assertEquals(outgoing.map((p) => p.map((c) => c.id)), [[made[4].id, made[2].id], [made[0].id]]);
    const incoming = await connectionPages(store, m.id, { status: "accepted", direction: "incoming", limit: 3 });
    assertEquals(incoming.map((p) => p.map((c) => c.id)), [[made[5].id, made[3].id, made[1].id]]);
  });

  test("the network listing gives each of the three lists as listConnections does, in one call", async (store) => {
    const [m, ...others] = await users(store, 8);
    // Received and sent invitations, and connections in both directions, more of each than one page holds.
    await invite(store, others[0], m);
    await invite(store, others[1], m);
    await invite(store, others[2], m);
    await invite(store, m, others[3]);
    await connect(store, m, others[4]);
    await connect(store, others[5], m);
    await connect(store, m, others[6]);
    await invite(store, others[6], others[5]); // not the member's
    for (const limit of [2, 10]) {
      const { members, ...lists } = await store.listNetwork(m.id, limit);
      const list = (status: "pending" | "accepted", direction?: "incoming" | "outgoing") =>
        store.listConnections(m.id, { status, direction, limit });
      assertEquals(lists, {
        received: await list("pending", "incoming"),
        sent: await list("pending", "outgoing"),
        connections: await list("accepted"),
      }, `limit ${limit}`);
      assertEquals(lists.received.items.length, Math.min(limit, 3));
      assert(limit > 2 || lists.connections.next !== null, "a longer list says there is more");
      // A backend that reads the members with the lists gives the other member of each, whole.
      if (members) {
        const listed = [lists.received, lists.sent, lists.connections].flatMap((page) => page.items);
        const otherIds = new Set(listed.map((c) => c.senderId === m.id ? c.receiverId : c.senderId));
        assertEquals(new Set(members.map((u) => u.id)), otherIds);
        for (const member of members) assertEquals(member, await store.getUser(member.id));
      }
    }
    for (const id of UNKNOWN) {
      const { received, sent, connections } = await store.listNetwork(id, 10);
      assertEquals([received, sent, connections], Array(3).fill({ items: [], next: null }));
    }
  });

  test("imported connections list by their own dates", async (store) => {
    const [m, a, b, c, d] = await users(store, 5);
    const base = Date.UTC(2024, 2, 10, 8, 0, 0, 250);
    await store.importConnections([
      { senderId: m.id, receiverId: b.id, createdAt: new Date(base + 2_000) },
      { senderId: c.id, receiverId: m.id, createdAt: new Date(base) },
      { senderId: m.id, receiverId: a.id, createdAt: new Date(base + 1_000) },
    ]);
    const live = await connect(store, d, m);
    const page = await store.listConnections(m.id, { status: "accepted", limit: 10 });
    assertEquals(page.items.map((x) => [x.senderId, x.receiverId]), [
      [d.id, m.id],
      [m.id, b.id],
      [m.id, a.id],
      [c.id, m.id],
    ]);
    assertEquals(page.items[0], live);
    assertEquals(page.items.slice(1).map((x) => x.createdAt.getTime()), [base + 2_000, base + 1_000, base]);
    const first = await store.listConnections(m.id, { status: "accepted", limit: 2 });
    const rest = await store.listConnections(m.id, { status: "accepted", limit: 2, after: first.next! });
    assertEquals([...first.items, ...rest.items], page.items);
    assertEquals(rest.next, null);
    assertEquals(
      (await store.listConnections(m.id, { status: "accepted", direction: "incoming", limit: 10 })).items.map((x) =>
        x.senderId
      ),
      [d.id, c.id],
    );
  });

  test("the connection between two members is found from either side while pending or accepted", async (store) => {
    const [a, b, c] = await users(store, 3);
    assertEquals(await store.getConnectionBetween(a.id, b.id), null);
    const ab = await invite(store, a, b, "hi");
    assertEquals(await store.getConnectionBetween(a.id, b.id), ab);
    assertEquals(await store.getConnectionBetween(b.id, a.id), ab);
    const accepted = await store.setConnectionStatus(ab.id, "accepted");
    assertEquals(await store.getConnectionBetween(b.id, a.id), accepted);
    await store.deleteConnection(ab.id);
    assertEquals(await store.getConnectionBetween(a.id, b.id), null);

    const ca = await invite(store, c, a);
    await store.setConnectionStatus(ca.id, "rejected");
    assertEquals(await store.getConnectionBetween(a.id, c.id), null, "a rejected invitation joins no one");
    const again = await invite(store, a, c);
    assertEquals(await store.getConnectionBetween(c.id, a.id), again);
    assertEquals(await store.getConnectionBetween(b.id, c.id), null);
    assertEquals(await store.getConnectionBetween(a.id, a.id), null);
    for (const id of UNKNOWN) {
      assertEquals(await store.getConnectionBetween(a.id, id), null);
      assertEquals(await store.getConnectionBetween(id, a.id), null);
    }
  });

  test("suggestion candidates leave out the member and anyone a live connection joins them to, either way", async (store) => {
    const [m, p, q, r, s, t, u, v] = await users(store, 8);
    for (const x of [m, p, q, r, s, t, u, v]) {
      await store.updateUser(x.id, { location: "Lyon", headline: "Lyon baker" });
    }
    await invite(store, m, p);
    await invite(store, q, m);
    const mr = await connect(store, m, r);
    await connect(store, s, m);
    await store.setConnectionStatus((await invite(store, m, t)).id, "rejected"); // rejected: a candidate again
    await connect(store, u, v); // others' connections are not the member's
    const both = async (member: User) => {
      const found = await store.listSuggestionCandidates(member.id, {
        ...NO_SOURCE,
        location: "lyon",
        nearby: 10,
        headline: "baker",
        similar: 10,
      });
      assertEquals(found.similar.map((x) => x.id), found.nearby.map((x) => x.id), "the same members, newest first");
      return found.nearby.map((x) => x.id);
    };
    assertEquals(await both(m), [v.id, u.id, t.id]);
    assertEquals(await both(u), [t.id, s.id, r.id, q.id, p.id, m.id]);
    await store.deleteConnection(mr.id);
    assertEquals(await both(m), [v.id, u.id, t.id, r.id]);
    // Nobody is two steps from an unknown member; place and headline find whom they find, or no one.
    for (const id of UNKNOWN) {
      const query = { secondDegree: 10, location: "Lyon", nearby: 10, headline: "baker", similar: 10 };
      const found = await store.listSuggestionCandidates(id, query);
      assertEquals(found.secondDegree, []);
      assert(found.nearby.every((x) => x.location === "Lyon"), JSON.stringify(found.nearby));
    }
  });

  test("countPendingSent counts the member's still-pending invitations from a given time on", async (store) => {
    const [m, a, b, c, d, e, f, g, h] = await users(store, 9);
    await invite(store, m, a);
    await later(5);
    const second = await invite(store, m, b);
    const third = await invite(store, m, c);
    await invite(store, m, d);
    await invite(store, e, m); // received, not sent
    await connect(store, m, f);
    await store.setConnectionStatus((await invite(store, m, g)).id, "rejected");
    await store.deleteConnection((await invite(store, m, h)).id); // withdrawn
    const epoch = new Date(0);
    assertEquals(await store.countPendingSent(m.id, epoch), 4);
    assertEquals(await store.countPendingSent(m.id, second.createdAt), 3, "an invitation sent at `since` counts");
    assertEquals(await store.countPendingSent(m.id, new Date(Date.now() + 60_000)), 0);
    await store.setConnectionStatus(third.id, "accepted");
    assertEquals(await store.countPendingSent(m.id, epoch), 3);
    await store.setConnectionStatus(second.id, "rejected");
    assertEquals(await store.countPendingSent(m.id, epoch), 2);
    assertEquals(await store.countPendingSent(a.id, epoch), 0, "receiving is not sending");
    assertEquals(await store.countPendingSent(e.id, epoch), 1);
    for (const id of UNKNOWN) assertEquals(await store.countPendingSent(id, epoch), 0);
  });

  test("mutual connections are counted on a known graph; pending ones do not count", async (store) => {
    const [a, b, c, d, x, y, z] = await users(store, 7);
    await connect(store, a, b);
    await connect(store, c, a);
    await connect(store, a, d);
    await connect(store, x, b);
    await connect(store, c, x);
    const xd = await invite(store, x, d);
    await connect(store, y, b);
    // a: b c d · x: b c (d pending) · y: b · b: a x y · c: a x · d: a
    assertEquals(await store.countMutualConnections(a.id, x.id), 2);
    assertEquals(await store.countMutualConnections(x.id, a.id), 2);
    assertEquals(await store.countMutualConnections(a.id, y.id), 1);
    assertEquals(await store.countMutualConnections(b.id, c.id), 2);
    assertEquals(await store.countMutualConnections(a.id, b.id), 0, "directly connected, nothing in common");
    assertEquals(await store.countMutualConnections(a.id, z.id), 0);
    await store.setConnectionStatus(xd.id, "accepted");
    assertEquals(await store.countMutualConnections(a.id, x.id), 3);
    for (const id of UNKNOWN) assertEquals(await store.countMutualConnections(a.id, id), 0);
  });

  test("second-degree members rank by mutual connections, leaving out anyone already joined", async (store) => {
    const [m, a, b, c, x, y, z, w, p, q, r, s, lone] = await users(store, 13);
    await connect(store, m, a);
    await connect(store, b, m);
    await connect(store, m, c);
    await connect(store, a, b); // first-degree members reach each other: still left out
    for (const [one, other] of [[a, x], [x, b], [c, x], [a, y], [y, b], [z, a], [c, w], [a, p], [q, b], [a, r]]) {
      await connect(store, one, other);
    }
    await invite(store, m, p); // pending either way: left out
    await invite(store, q, m);
    await store.setConnectionStatus((await invite(store, m, r)).id, "rejected"); // rejected: still suggested
    await invite(store, a, s); // reached only by a pending invitation: not second degree
    const named = new Map([x, y, z, w, r].map((u) => [u.id, u]));
    const all = await secondDegree(store, m.id, 10);
    assert(all.every((e) => named.has(e.id)), JSON.stringify(all));
    assertEquals(runs(all, (e) => e.id, (e) => e.mutualCount), [
      [3, [x.id]],
      [2, [y.id]],
      [1, sorted([z.id, w.id, r.id])],
    ]);
    assertEquals(await secondDegree(store, m.id, 2), [{ id: x.id, mutualCount: 3 }, { id: y.id, mutualCount: 2 }]);
    assertEquals(await secondDegree(store, m.id, 1), [{ id: x.id, mutualCount: 3 }]);
    assertEquals((await secondDegree(store, m.id, 4)).length, 4);
    assertEquals(await secondDegree(store, lone.id, 10), []);
    for (const id of UNKNOWN) assertEquals(await secondDegree(store, id, 10), []);

    // Connecting to a suggestion takes it out; the others' counts are unchanged.
    await connect(store, x, m);
    assertEquals(runs(await secondDegree(store, m.id, 10), (e) => e.id, (e) => e.mutualCount), [
      [2, [y.id]],
      [1, sorted([z.id, w.id, r.id])],
    ]);
  });

  test("members are found by location, in any letter case and spacing, newest first", async (store) => {
    const [u1, u2, u3, u4, u5, u6] = [
      await store.createUser(newUser(1, { location: "Berlin" })),
      await store.createUser(newUser(2, { location: "berlin" })),
      await store.createUser(newUser(3, { location: " BERLIN " })),
      await store.createUser(newUser(4, { location: "Berlin, Germany" })),
      await store.createUser(newUser(5, { location: "Paris" })),
      await store.createUser(newUser(6, { location: "São Paulo" })),
    ];
    const asker = await store.createUser(newUser(7)); // in no place: never among what is found
    const ids = async (location: string, limit = 10) =>
      (await nearby(store, asker.id, location, limit)).map((u) => u.id);
    assertEquals(await ids("berlin "), [u3.id, u2.id, u1.id]);
    assertEquals(await ids("Berlin", 2), [u3.id, u2.id]);
    assertEquals(await nearby(store, asker.id, "BERLIN, germany"), [u4], "the items are the records");
    assertEquals(await ids("SÃO PAULO"), [u6.id]);
    assertEquals(await ids("Rome"), []);
    assertEquals(await ids(""), [], "no location matches no one");
    assertEquals(await ids("   "), []);

    await store.updateUser(u1.id, { location: "Paris" });
    assertEquals(await ids("berlin"), [u3.id, u2.id]);
    assertEquals(await ids("paris"), [u5.id, u1.id]);
    await store.updateUser(u5.id, { headline: "unrelated change" });
    assertEquals(await ids("paris"), [u5.id, u1.id]);
    await store.deleteUser(u2.id);
    assertEquals(await ids("berlin"), [u3.id]);
    await store.updateUser(u3.id, { location: "" });
    assertEquals(await ids("berlin"), []);
  });

  test("members are found by headline words, those sharing more words first", async (store) => {
    const headlines = [
      "Rust compiler, gardening",
      "Kotlin GARDENING",
      "Rust kotlin gardening enthusiast",
      "Pottery",
      "Rusty gardener", // shares no whole word
      "",
      "Accountant",
      "Baker",
      "Surgeon",
      "Violinist",
      "Orchestra conductor",
    ];
    const made: User[] = [];
    for (const [i, headline] of headlines.entries()) made.push(await store.createUser(newUser(i + 1, { headline })));
    const [h1, h2, h3, h4] = made;
    const asker = made[5]; // no headline: never among what is found
    const ranked = async (headline: string, limit = 20) => {
      const found = await similar(store, asker.id, headline, limit);
      const mine = new Set(headline.toLowerCase().split(/[^a-z]+/));
      return runs(
        found,
        (u) => u.id,
        (u) => new Set(u.headline.toLowerCase().split(/[^a-z]+/).filter((w) => mine.has(w))).size,
      );
    };
    assertEquals(await ranked("rust, KOTLIN & gardening!"), [[3, [h3.id]], [2, sorted([h1.id, h2.id])]]);
    assertEquals(await similar(store, asker.id, "rust kotlin gardening", 1), [h3], "the items are the records");
    assertEquals((await similar(store, asker.id, "rust kotlin gardening", 2)).length, 2);
    assertEquals(await ranked("Gardening"), [[1, sorted([h1.id, h2.id, h3.id])]]);
    assertEquals(await ranked("POTTERY"), [[1, [h4.id]]]);
    assertEquals(await ranked("compiler pottery"), [[1, sorted([h1.id, h4.id])]]);
    assertEquals(await ranked(""), []);
    assertEquals(await ranked("a an to"), [], "short words match nothing");
    assertEquals(await ranked("Botany"), []);

    await store.updateUser(h4.id, { headline: "Gardening and pottery" });
    assertEquals(await ranked("gardening"), [[1, sorted([h1.id, h2.id, h3.id, h4.id])]]);
    await store.updateUser(h4.id, { headline: "Gardening" });
    assertEquals(await ranked("pottery"), []);
    await store.deleteUser(h2.id);
    assertEquals(await ranked("kotlin"), [[1, [h3.id]]]);
    assertEquals(await ranked("kotlin gardening"), [[2, [h3.id]], [1, sorted([h1.id, h4.id])]]);
  });

  test("inviting notifies the receiver and accepting the sender; rejecting notifies no one", async (store) => {
    const [a, b, c] = await users(store, 3);
    const ab = await invite(store, a, b);
    const received = await notifications(store, b.id);
    assertEquals(received.map(summary), [
      { userId: b.id, type: "invitation:received", actorId: a.id, subjectId: ab.id, read: false },
    ]);
    assert(received[0].createdAt instanceof Date && typeof received[0].id === "string");
    assertEquals(await notifications(store, a.id), []);

    await store.setConnectionStatus(ab.id, "accepted");
    assertEquals((await notifications(store, a.id)).map(summary), [
      { userId: a.id, type: "invitation:accepted", actorId: b.id, subjectId: ab.id, read: false },
    ]);
    assertEquals(await notifications(store, b.id), received, "the receiver's notification stays as it was");

    const cb = await invite(store, c, b);
    await store.setConnectionStatus(cb.id, "rejected");
    assertEquals(await notifications(store, c.id), []);
    assertEquals((await notifications(store, b.id)).map(summary), [
      { userId: b.id, type: "invitation:received", actorId: c.id, subjectId: cb.id, read: false },
      summary(received[0]),
    ]);
    for (const id of UNKNOWN) assertEquals(await store.listNotifications(id, { limit: 10 }), { items: [], next: null });
  });

  test("notifications list newest first, page by page without gaps or repeats", async (store) => {
    const [m, ...inviters] = await users(store, 6);
    for (const inviter of inviters) await invite(store, inviter, m);
    const newestFirst = inviters.map((u) => u.id).reverse();
    for (const limit of [1, 2, 3, 5, 6]) {
      const pages = await notificationPages(store, m.id, limit);
      assertEquals(pages.flat().map((n) => n.actorId), newestFirst, `limit ${limit}`);
      assertEquals(pages.length, Math.ceil(5 / limit), `limit ${limit}: no empty last page`);
    }
    // An acceptance is dated when it happens, so it comes before the invitations received earlier.
    const [mine] = await users(store, 1, 10);
    const sent = await invite(store, m, mine);
    await store.setConnectionStatus(sent.id, "accepted");
    const all = await notifications(store, m.id);
    assertEquals(all.map((n) => n.type), ["invitation:accepted", ...inviters.map(() => "invitation:received")]);
    for (let i = 1; i < all.length; i++) assert(all[i - 1].createdAt >= all[i].createdAt, "newest first");
  });

  test("unread notifications are counted up to a cap, and marked read only for their member", async (store) => {
    const [m, other, a1, a2, a3] = await users(store, 5);
    await invite(store, a1, m);
    await invite(store, a2, m);
    await invite(store, a3, m);
    await invite(store, a1, other);
    assertEquals(await store.countUnreadNotifications(m.id, 2), 2);
    assertEquals(await store.countUnreadNotifications(m.id, 3), 3);
    assertEquals(await store.countUnreadNotifications(m.id, 99), 3);
    const [fromA3, fromA2, fromA1] = await notifications(store, m.id);
    const [others] = await notifications(store, other.id);
    assertEquals(fromA2.actorId, a2.id);

    await store.markNotificationsRead(m.id, [fromA2.id, others.id, ...UNKNOWN]);
    assertEquals((await notifications(store, m.id)).map((n) => [n.actorId, n.read]), [
      [a3.id, false],
      [a2.id, true],
      [a1.id, false],
    ]);
    assertEquals(await notifications(store, other.id), [others], "another member's notification is untouched");
    assertEquals(await store.countUnreadNotifications(m.id, 99), 2);
    await store.markNotificationsRead(m.id, [fromA2.id]); // again: harmless
    await store.markNotificationsRead(m.id, []);
    assertEquals(await store.countUnreadNotifications(m.id, 99), 2, "an empty list marks nothing");

    await store.markNotificationsRead(m.id);
    assertEquals(await store.countUnreadNotifications(m.id, 99), 0);
    assertEquals((await notifications(store, m.id)).map((n) => [n.id, n.read]), [
      [fromA3.id, true],
      [fromA2.id, true],
      [fromA1.id, true],
    ]);
    assertEquals(await store.countUnreadNotifications(other.id, 99), 1);
    await invite(store, a2, other);
    const [n1, n2] = await users(store, 2, 10);
    await store.setConnectionStatus((await invite(store, m, n1)).id, "rejected");
    const fresh = await connect(store, n2, m);
    assertEquals(await store.countUnreadNotifications(m.id, 99), 1, "new ones arrive unread");
    assertEquals((await notifications(store, m.id))[0].subjectId, fresh.id);
    for (const id of UNKNOWN) {
      assertEquals(await store.countUnreadNotifications(id, 10), 0);
      await store.markNotificationsRead(id);
      await store.markNotificationsRead(id, [others.id]);
    }
    assertEquals(await store.countUnreadNotifications(other.id, 99), 2);
  });

  test("withdrawing or ending a connection takes its notifications with it", async (store) => {
    const [a, b, c, d] = await users(store, 4);
    const kept = await invite(store, d, b);
    const ab = await invite(store, a, b);
    assertEquals((await notifications(store, b.id)).length, 2);
    await store.deleteConnection(ab.id);
    assertEquals((await notifications(store, b.id)).map((n) => n.subjectId), [kept.id]);
    assertEquals(await store.countUnreadNotifications(b.id, 10), 1);

    const ac = await connect(store, a, c);
    await store.markNotificationsRead(c.id);
    assertEquals([(await notifications(store, a.id)).length, (await notifications(store, c.id)).length], [1, 1]);
    await store.deleteConnection(ac.id);
    assertEquals(await notifications(store, a.id), []);
    assertEquals(await notifications(store, c.id), []);
    assertEquals(await store.countUnreadNotifications(a.id, 10), 0);
    assertEquals((await notifications(store, d.id)).length, 0);
    assertEquals((await notifications(store, b.id)).map((n) => n.subjectId), [kept.id]);
  });

  test("a deleted member's notifications outlive them as actor, and are purged as recipient", async (store) => {
    const [x, y, z, w] = await users(store, 4);
    await invite(store, y, x);
    const xz = await connect(store, x, z);
    const wy = await invite(store, w, y);
    assertEquals(await store.deleteUser(x.id), true);
    assertEquals((await notifications(store, z.id)).map((n) => [n.actorId, n.subjectId]), [[x.id, xz.id]]);
    assertEquals(await store.purgeMemberContent(x.id), true);
    assertEquals(await notifications(store, x.id), []);
    assertEquals(await store.countUnreadNotifications(x.id, 10), 0);
    assertEquals(await notifications(store, z.id), []);
    assertEquals((await notifications(store, y.id)).map((n) => n.subjectId), [wy.id]);
  });

  test("an invitation commits connection.invited with both members, delivered at once; imports and conflicts none", async (store) => {
    const spy = spyOnQueue(store.queue);
    const delivered = listen(store).events;
    try {
      const [a, b, c, d] = await users(store, 4);
      const ab = await invite(store, a, b, `Hello ${UNICODE}`);
      const { event, options } = await spy.waitFor("connection.invited", ab.id);
      assertEquals([event.id, event.members], [ab.id, [a.id, b.id]]);
      assertEquals(options?.delay, undefined, "no delay");
      const deadline = Date.now() + 10_000;
      while (!delivered.some((e) => e.eventId === event.eventId)) {
        assert(Date.now() < deadline, "the queue delivers connection.invited");
        await later(20);
      }
      const refused = await Promise.allSettled([invite(store, b, a), invite(store, a, b)]);
      assertEquals(refused.map((r) => r.status), ["rejected", "rejected"]);
      await store.setConnectionStatus(ab.id, "accepted");
      await store.importConnections([{ senderId: c.id, receiverId: d.id, createdAt: new Date() }]);
      // The MySQL queue polls at least once a second, so a stray outbox row would have been delivered by now.
      await later(1_100);
      assertEquals(spy.of("connection.invited").map((e) => e.event.id), [ab.id]);
    } finally {
      spy.restore();
    }
  });
}
