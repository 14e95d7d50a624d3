// The one contract every Store adapter passes (Hono's common.case.test.ts pattern). Each adapter's test file calls
// storeContract() with a factory that opens an empty, private store.
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { ConflictError } from "../errors.ts";
import { fixtureTest } from "../testing.ts";
import { idempotencyContract } from "./contract_idempotency.ts";
import { jobsContract } from "./contract_jobs.ts";
import { mediaContract } from "./contract_media.ts";
import { messagesContract } from "./contract_messages.ts";
import { rulesContract } from "./contract_rules.ts";
import { queueContract } from "./contract_queue.ts";
import { reactionsContract } from "./contract_reactions.ts";
import { networkContract } from "./contract_network.ts";
import { searchContract } from "./contract_search.ts";
import { type DomainEvent, type NewUser, type User, USER_SCAN_BUDGET } from "./model.ts";
import { type Store } from "./store.ts";

export interface OpenedStore {
  store: Store;
  /** Drops whatever the factory created (database, key space) and closes the store. */
  cleanup(): Promise<void>;
}

export const UNICODE = "Zoë 🧑🏽‍💻 Ñandú 李小龍 עברית 𝓜";

/** Ids that name nothing: one no adapter could have made, and one of the right shape for MySQL. */
export const UNKNOWN = ["missing", "999999999"];

export function newUser(n: number, extra: Partial<NewUser> = {}): NewUser {
  return {
    email: `member${n}@example.com`,
    passwordHash: `$2b$10$hash${n}`,
    firstName: `First${n}`,
    lastName: `Last${n}`,
    role: "member",
    ...extra,
  };
}

/** Collects the events the store's queue delivers (each done at once). */
export function listen(
  store: Store,
): { events: DomainEvent[]; waitFor(type: string, id: string): Promise<DomainEvent> } {
  const events: DomainEvent[] = [];
  store.queue.listen((event) => {
    events.push(event);
    return Promise.resolve({ kind: "done" });
  }, () => {});
  return {
    events,
    async waitFor(type, id) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const hit = events.find((e) => e.type === type && e.id === id);
        if (hit) return hit;
        assert(Date.now() < deadline, `no ${type} event for ${id}; saw ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

export const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Registers one contract test; it gets an empty, private store. */
export type ContractTest = (title: string, fn: (store: Store) => Promise<void>) => void;

export function storeContract(name: string, open: () => Promise<OpenedStore>, options: { ignore?: boolean } = {}) {
  const test: ContractTest = (title, fn) =>
    fixtureTest(`[store:${name}] ${title}`, open, (opened) => fn(opened.store), options);

  test("a member round-trips exactly, Unicode and 4-byte emoji included", async (store) => {
    const created = await store.createUser(newUser(1, { firstName: UNICODE, headline: "🚀 Builder", bio: "a\nb\tc" }));
    assertEquals(typeof created.id, "string");
    assert(created.createdAt instanceof Date && created.updatedAt instanceof Date);
    const got = await store.getUser(created.id);
    assertEquals(got, created);
    assertEquals(got!.firstName, UNICODE);
    assertEquals([got!.headline, got!.bio, got!.location, got!.profilePictureUrl], ["🚀 Builder", "a\nb\tc", "", null]);
    assertEquals(await store.getUser("does-not-exist"), null);
    assertEquals(await store.getUser("999999999"), null);
  });

  test("emails are unique in any letter case and found in any letter case", async (store) => {
    const a = await store.createUser(newUser(1, { email: "Ada.Lovelace@Example.com" }));
    assertEquals((await store.getUserByEmail("ada.lovelace@example.COM"))?.id, a.id);
    assertEquals((await store.getUserByEmail("ada.lovelace@example.COM"))?.email, "Ada.Lovelace@Example.com");
    const err = await assertRejects(() => store.createUser(newUser(2, { email: "ADA.LOVELACE@example.com" })));
    assert(err instanceof ConflictError && err.field === "email", String(err));
    assertEquals(await store.getUserByEmail("nobody@example.com"), null);
  });

  test("of ten racing registrations with one email exactly one wins", async (store) => {
    const results = await Promise.allSettled(
      Array.from(
        { length: 10 },
        (_, i) => store.createUser(newUser(i, { email: i % 2 ? "RACE@example.com" : "race@Example.com" })),
      ),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    assertEquals(won.length, 1);
    for (const r of results) if (r.status === "rejected") assert(r.reason instanceof ConflictError, String(r.reason));
  });

  test("an update changes only the patched fields and moves updatedAt", async (store) => {
    const u = await store.createUser(newUser(1));
    await new Promise((r) => setTimeout(r, 5));
    const updated = await store.updateUser(u.id, { headline: `Lead ${UNICODE}`, location: "Berlin" });
    assert(updated);
    assertEquals([updated.headline, updated.location, updated.firstName, updated.email], [
      `Lead ${UNICODE}`,
      "Berlin",
      "First1",
      u.email,
    ]);
    assert(updated.updatedAt.getTime() > u.updatedAt.getTime(), "updatedAt moves");
    assertEquals(updated.createdAt, u.createdAt);
    assertEquals(await store.getUser(u.id), updated);
    assertEquals(await store.updateUser("missing", { headline: "x" }), null);
    const cleared = await store.updateUser(u.id, { profilePictureUrl: "https://img.example/a.png" });
    assertEquals(cleared?.profilePictureUrl, "https://img.example/a.png");
    assertEquals((await store.updateUser(u.id, { profilePictureUrl: null }))?.profilePictureUrl, null);
  });

  test("deleting a member removes them, their sessions and their email claim", async (store) => {
    const u = await store.createUser(newUser(1));
    const s = await store.createSession({ userId: u.id, tokenHash: "h1", expiresAt: new Date(Date.now() + 60_000) });
    assertEquals(await store.deleteUser(u.id), true);
    assertEquals(await store.getUser(u.id), null);
    assertEquals(await store.getUserByEmail(u.email), null);
    const session = await store.getSession(s.id);
    assert(session === null || session.revokedAt !== null, "no live session survives");
    const found = await store.findSessionByToken("h1");
    assert(found === null || found.session.revokedAt !== null);
    assertEquals(await store.deleteUser(u.id), false);
    const again = await store.createUser(newUser(2, { email: u.email }));
    assert(again.id !== u.id, "a new member, with a new id");
  });

  test("members list newest first, page by page without gaps or repeats", async (store) => {
    const made: User[] = [];
    for (let i = 0; i < 25; i++) made.push(await store.createUser(newUser(i)));
    const seen: string[] = [];
    let after = undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page: Awaited<ReturnType<Store["listUsers"]>> = await store.listUsers({ limit: 10, after });
      seen.push(...page.items.map((u) => u.id));
      if (!page.next) break;
      after = page.next;
    }
    assertEquals(seen, made.map((u) => u.id).reverse());
  });

  test("the member list filters by name or headline, in any letter case", async (store) => {
    await store.createUser(newUser(1, { firstName: "Grace", lastName: "Hopper", headline: "Rear admiral" }));
    await store.createUser(newUser(2, { firstName: "Alan", lastName: "Turing", headline: "Codebreaker" }));
    await store.createUser(newUser(3, { firstName: "Zoë", lastName: "Grace-Smith", headline: "Designer" }));
    await store.createUser(newUser(4, { firstName: "Ken", lastName: "T", headline: "ADMIRAL of 100%_ things" }));
    const names = async (q: string) => {
      const out: string[] = [];
      let after = undefined;
      do {
        const page: Awaited<ReturnType<Store["listUsers"]>> = await store.listUsers({ q, limit: 1, after });
        out.push(...page.items.map((u) => u.firstName));
        after = page.next ?? undefined;
      } while (after);
      return out;
    };
    assertEquals(await names("grace"), ["Zoë", "Grace"]);
    assertEquals(await names("ADMIRAL"), ["Ken", "Grace"]);
    assertEquals(await names("zoë"), ["Zoë"]);
    assertEquals(await names("100%_"), ["Ken"], "LIKE wildcards are literal");
    assertEquals(await names("nobody"), []);
  });

  test("a filtered member list looks at a bounded number of members a page; walking the pages finds them all", async (store) => {
    const at = Date.parse("2025-01-01T00:00:00Z");
    await store.importUsers(Array.from({ length: USER_SCAN_BUDGET + 5 }, (_, i) => ({
      ...newUser(i, i === 0 ? { headline: "Needle finder" } : {}),
      createdAt: new Date(at + i * 1000),
    })));
    // The only match is the oldest member, past the first page's budget.
    const first = await store.listUsers({ q: "needle", limit: 10 });
    assertEquals(first.items, []);
    assert(first.next !== null, "a page stopped by the budget says where to go on");
    const second = await store.listUsers({ q: "NEEDLE", limit: 10, after: first.next });
    assertEquals([second.items.map((u) => u.headline), second.next], [["Needle finder"], null]);
    // Unfiltered pages are not bounded that way: a page holds `limit` members.
    assertEquals((await store.listUsers({ limit: 100 })).items.length, 100);
  });

  test("a refresh family rotates once per token; the rotated token is recognised as reuse", async (store) => {
    const u = await store.createUser(newUser(1));
    const s = await store.createSession({ userId: u.id, tokenHash: "t1", expiresAt: new Date(Date.now() + 60_000) });
    assertEquals((await store.findSessionByToken("t1"))?.current, true);
    assertEquals(await store.rotateSession(s.id, "t1", "t2"), true);
    assertEquals(await store.rotateSession(s.id, "t1", "t3"), false, "the old token cannot rotate again");
    const old = await store.findSessionByToken("t1");
    assertEquals([old?.session.id, old?.current], [s.id, false]);
    const live = await store.findSessionByToken("t2");
    assertEquals([live?.current, live?.session.tokenHash], [true, "t2"]);
    assertEquals(await store.findSessionByToken("never-issued"), null);
    assertEquals((await store.getSession(s.id))?.expiresAt, s.expiresAt, "rotation keeps the absolute expiry");
  });

  test("a rotation records when it happened, for the reuse grace of its predecessor", async (store) => {
    const u = await store.createUser(newUser(1));
    const s = await store.createSession({ userId: u.id, tokenHash: "r1", expiresAt: new Date(Date.now() + 60_000) });
    assertEquals(s.rotatedAt, null);
    assertEquals((await store.getSession(s.id))?.rotatedAt, null);
    const at = new Date(Date.now() - 1234);
    assertEquals(await store.rotateSession(s.id, "r1", "r2", at), true);
    assertEquals((await store.findSessionByToken("r1"))?.session.rotatedAt?.getTime(), at.getTime());
    assertEquals((await store.getSessionWithUser(s.id))?.session.rotatedAt?.getTime(), at.getTime());
  });

  test("a session comes with its member in one read, and not at all once the member is gone", async (store) => {
    const u = await store.createUser(newUser(1, { firstName: UNICODE }));
    const s = await store.createSession({ userId: u.id, tokenHash: "w1", expiresAt: new Date(Date.now() + 60_000) });
    assertEquals(await store.getSessionWithUser(s.id), { session: s, user: u, unreadNotifications: 0 });
    assertEquals(await store.getSessionWithUser("missing"), null);
    // The header's unread count comes with it when asked for, capped.
    for (let i = 2; i <= 4; i++) {
      const other = await store.createUser(newUser(i));
      await store.createConnection({ senderId: other.id, receiverId: u.id, message: "" });
    }
    assertEquals((await store.getSessionWithUser(s.id, 100))?.unreadNotifications, 3);
    assertEquals((await store.getSessionWithUser(s.id, 2))?.unreadNotifications, 2);
    assertEquals((await store.getSessionWithUser(s.id))?.unreadNotifications, 0, "not counted unless asked");
    await store.deleteUser(u.id);
    assertEquals(await store.getSessionWithUser(s.id), null);
  });

  test("of two racing rotations exactly one wins", async (store) => {
    const u = await store.createUser(newUser(1));
    const s = await store.createSession({ userId: u.id, tokenHash: "a", expiresAt: new Date(Date.now() + 60_000) });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.rotateSession(s.id, "a", `b${i}`)),
    );
    assertEquals(results.filter(Boolean).length, 1);
  });

  test("revoking stops a family; revoking a member's sessions stops all of theirs only", async (store) => {
    const u = await store.createUser(newUser(1));
    const other = await store.createUser(newUser(2));
    const later = new Date(Date.now() + 60_000);
    const a = await store.createSession({ userId: u.id, tokenHash: "a", expiresAt: later });
    const b = await store.createSession({ userId: u.id, tokenHash: "b", expiresAt: later });
    const c = await store.createSession({ userId: other.id, tokenHash: "c", expiresAt: later });
    await store.revokeSession(a.id);
    assert((await store.getSession(a.id))?.revokedAt instanceof Date);
    assertEquals(await store.rotateSession(a.id, "a", "a2"), false, "a revoked family does not rotate");
    await store.revokeUserSessions(u.id);
    assert((await store.getSession(b.id))?.revokedAt instanceof Date);
    assertEquals((await store.getSession(c.id))?.revokedAt, null);
  });

  test("every member write commits its event for the workers", async (store) => {
    const queue = listen(store);
    const u = await store.createUser(newUser(1));
    await store.updateUser(u.id, { headline: "x" });
    await store.deleteUser(u.id);
    const created = await queue.waitFor("user.created", u.id);
    await queue.waitFor("user.updated", u.id);
    await queue.waitFor("user.deleted", u.id);
    assert(created.eventId && !Number.isNaN(Date.parse(created.at)));
    assertEquals(new Set(queue.events.map((e) => e.eventId)).size, queue.events.length, "event ids are unique");
  });

  test("a post round-trips exactly and lists newest first, by author or for everyone, page by page", async (store) => {
    const a = await store.createUser(newUser(1));
    const b = await store.createUser(newUser(2));
    const made = [];
    for (let i = 0; i < 7; i++) {
      made.push(await store.createPost({ authorId: i % 2 ? b.id : a.id, content: `post ${i} ${UNICODE}\nline 2` }));
    }
    const first = made[0];
    assertEquals(typeof first.id, "string");
    assertEquals(await store.getPost(first.id), first);
    assertEquals([first.authorId, first.content, first.mediaUrl], [a.id, `post 0 ${UNICODE}\nline 2`, null]);
    assertEquals(await store.getPost("missing"), null);
    const all: string[] = [];
    let after = undefined;
    do {
      const page: Awaited<ReturnType<Store["listPosts"]>> = await store.listPosts({ limit: 3, after });
      all.push(...page.items.map((p) => p.id));
      after = page.next ?? undefined;
    } while (after);
    assertEquals(all, made.map((p) => p.id).reverse());
    const byB = await store.listPosts({ authorId: b.id, limit: 10 });
    assertEquals(byB.items.map((p) => p.id), [made[5].id, made[3].id, made[1].id]);
    assertEquals(byB.next, null);
    assertEquals((await store.getPosts([made[2].id, "missing", made[0].id])).map((p) => p.id), [
      made[2].id,
      made[0].id,
    ]);
    assertEquals((await store.getUsers([b.id, "missing", a.id])).map((u) => u.id), [b.id, a.id]);
    assertEquals(await store.getPosts([]), []);
    await assertRejects(() => store.createPost({ authorId: "missing", content: "x" }));
  });

  test("a post edit changes content or media and moves updatedAt; deleting removes it", async (store) => {
    const a = await store.createUser(newUser(1));
    const p = await store.createPost({ authorId: a.id, content: "draft", mediaUrl: "https://img.example/1.png" });
    await later(5);
    const edited = await store.updatePost(p.id, { content: "final 🚀" });
    assertEquals([edited?.content, edited?.mediaUrl, edited?.createdAt], [
      "final 🚀",
      "https://img.example/1.png",
      p.createdAt,
    ]);
    assert(edited!.updatedAt > p.updatedAt);
    assertEquals((await store.updatePost(p.id, { mediaUrl: null }))?.mediaUrl, null);
    assertEquals(await store.updatePost("missing", { content: "x" }), null);
    assertEquals(await store.deletePost(p.id), true);
    assertEquals(await store.getPost(p.id), null);
    assertEquals(await store.deletePost(p.id), false);
    assertEquals((await store.listPosts({ authorId: a.id, limit: 5 })).items, []);
  });

  test("timelines hold entries newest first, ignore repeats, and lose removed posts and authors", async (store) => {
    const [m, a, b] = [
      await store.createUser(newUser(1)),
      await store.createUser(newUser(2)),
      await store.createUser(newUser(3)),
    ];
    const posts = [];
    for (let i = 0; i < 6; i++) {
      const post = await store.createPost({ authorId: i % 2 ? b.id : a.id, content: `p${i}` });
      posts.push(post);
      const entry = { postId: post.id, authorId: post.authorId, createdAt: post.createdAt };
      await store.addToTimelines([m.id, post.authorId], entry);
      await store.addToTimelines([m.id], entry); // a retried fan-out
    }
    const read = async (member: string) => {
      const out: string[] = [];
      let after = undefined;
      do {
        const page: Awaited<ReturnType<Store["listTimeline"]>> = await store.listTimeline(member, { limit: 4, after });
        out.push(...page.items.map((e) => e.postId));
        after = page.next ?? undefined;
      } while (after);
      return out;
    };
    assertEquals(await read(m.id), posts.map((p) => p.id).reverse());
    assertEquals(await read(a.id), [posts[4].id, posts[2].id, posts[0].id]);
    const page = await store.listTimeline(m.id, { limit: 1 });
    assertEquals(page.items[0], { postId: posts[5].id, authorId: b.id, createdAt: posts[5].createdAt });

    await store.removePostFromTimelines(posts[4].id);
    assertEquals(await read(a.id), [posts[2].id, posts[0].id]);
    assertEquals((await read(m.id)).includes(posts[4].id), false);
    await store.removeAuthorFromTimeline(m.id, b.id);
    assertEquals(await read(m.id), [posts[2].id, posts[0].id]);
    assertEquals(await read(b.id), [posts[5].id, posts[3].id, posts[1].id], "only that member's timeline changed");
    await store.trimTimeline(b.id, 2);
    assertEquals(await read(b.id), [posts[5].id, posts[3].id]);
    await store.removePostFromTimelines("never-was");
  });

  test("a timeline page can come with its posts; posts deleted meanwhile are skipped", async (store) => {
    const m = await store.createUser(newUser(1));
    const posts = [];
    for (let i = 0; i < 5; i++) {
      const post = await store.createPost({ authorId: m.id, content: `t${i}` });
      posts.push(post);
      await store.addToTimelines([m.id], { postId: post.id, authorId: m.id, createdAt: post.createdAt });
    }
    await store.deletePost(posts[3].id); // its timeline entry stays until the worker removes it
    const first = await store.listTimelinePosts(m.id, { limit: 2 });
    assertEquals(first.items, [posts[4]], "the deleted post is skipped, the page stays a timeline page");
    // A backend that reads the authors with the page must give exactly the items' authors, as a card names them.
    const { id, firstName, lastName, headline, profilePictureUrl } = m;
    if (first.authors) assertEquals(first.authors, [{ id, firstName, lastName, headline, profilePictureUrl }]);
    assert(first.next);
    const rest = await store.listTimelinePosts(m.id, { limit: 10, after: first.next });
    assertEquals(rest.items.map((p) => p.id), [posts[2].id, posts[1].id, posts[0].id]);
    assertEquals(rest.next, null);
    assertEquals((await store.listTimelinePosts("missing", { limit: 5 })).items, []);
  });

  test("a timeline remembers when it was last built", async (store) => {
    const m = await store.createUser(newUser(1));
    assertEquals(await store.getTimelineBuiltAt(m.id), null);
    const at = new Date(Date.now() - 1000);
    await store.setTimelineBuiltAt(m.id, at);
    assertEquals(await store.getTimelineBuiltAt(m.id), at);
  });

  test("one pending or accepted connection per pair, in either direction, even when invitations race", async (store) => {
    const [a, b, c] = [
      await store.createUser(newUser(1)),
      await store.createUser(newUser(2)),
      await store.createUser(newUser(3)),
    ];
    const invite = await store.createConnection({ senderId: a.id, receiverId: b.id, message: `Hi ${UNICODE}` });
    assertEquals([invite.status, invite.senderId, invite.receiverId, invite.message], [
      "pending",
      a.id,
      b.id,
      `Hi ${UNICODE}`,
    ]);
    assertEquals(await store.getConnection(invite.id), invite);
    const dup = await assertRejects(() => store.createConnection({ senderId: b.id, receiverId: a.id, message: "" }));
    assert(dup instanceof ConflictError, String(dup));
    const race = await Promise.allSettled([
      store.createConnection({ senderId: a.id, receiverId: c.id, message: "" }),
      store.createConnection({ senderId: c.id, receiverId: a.id, message: "" }),
      store.createConnection({ senderId: a.id, receiverId: c.id, message: "" }),
    ]);
    assertEquals(race.filter((r) => r.status === "fulfilled").length, 1);
    await assertRejects(() => store.createConnection({ senderId: a.id, receiverId: "missing", message: "" }));
    assertEquals(await store.getConnection("missing"), null);
  });

  test("accepting connects both ways; rejecting or deleting frees the pair", async (store) => {
    const queue = listen(store);
    const [a, b, c] = [
      await store.createUser(newUser(1)),
      await store.createUser(newUser(2)),
      await store.createUser(newUser(3)),
    ];
    const ab = await store.createConnection({ senderId: a.id, receiverId: b.id, message: "" });
    const ac = await store.createConnection({ senderId: a.id, receiverId: c.id, message: "" });
    assertEquals(await store.listConnectedIds(a.id), [], "pending is not connected");
    await later(5);
    const accepted = await store.setConnectionStatus(ab.id, "accepted");
    assertEquals(accepted?.status, "accepted");
    assert(accepted!.updatedAt > ab.updatedAt);
    assertEquals(await store.listConnectedIds(a.id), [b.id]);
    assertEquals(await store.listConnectedIds(b.id), [a.id]);
    const acceptedEvent = await queue.waitFor("connection.accepted", ab.id);
    assertEquals([...acceptedEvent.members!].sort(), [a.id, b.id].sort());

    assertEquals((await store.setConnectionStatus(ac.id, "rejected"))?.status, "rejected");
    const again = await store.createConnection({ senderId: c.id, receiverId: a.id, message: "" });
    assertEquals(again.status, "pending", "a rejected invitation does not block a new one");

    assertEquals(await store.deleteConnection(ab.id), true);
    assertEquals(await store.listConnectedIds(a.id), []);
    const removed = await queue.waitFor("connection.removed", ab.id);
    assertEquals([...removed.members!].sort(), [a.id, b.id].sort());
    assertEquals(await store.deleteConnection(ab.id), false);
    assertEquals(await store.setConnectionStatus("missing", "accepted"), null);
    await store.createConnection({ senderId: b.id, receiverId: a.id, message: "" });
  });

  test("post writes commit their events", async (store) => {
    const queue = listen(store);
    const a = await store.createUser(newUser(1));
    const p = await store.createPost({ authorId: a.id, content: "hello" });
    await store.updatePost(p.id, { content: "hello again" });
    await store.deletePost(p.id);
    await queue.waitFor("post.created", p.id);
    await queue.waitFor("post.updated", p.id);
    const deleted = await queue.waitFor("post.deleted", p.id);
    assertEquals(deleted.members, [a.id]);
  });

  test("a deleted member's posts, connections and timeline are purged, and others' timelines follow", async (store) => {
    const [a, b] = [await store.createUser(newUser(1)), await store.createUser(newUser(2))];
    const ab = await store.createConnection({ senderId: a.id, receiverId: b.id, message: "" });
    await store.setConnectionStatus(ab.id, "accepted");
    const mine = [];
    for (let i = 0; i < 5; i++) {
      const post = await store.createPost({ authorId: a.id, content: `p${i}` });
      mine.push(post);
      await store.addToTimelines([a.id, b.id], { postId: post.id, authorId: a.id, createdAt: post.createdAt });
    }
    const theirs = await store.createPost({ authorId: b.id, content: "b's post" });
    await store.addToTimelines([a.id, b.id], { postId: theirs.id, authorId: b.id, createdAt: theirs.createdAt });
    const queue = listen(store);
    assertEquals(await store.deleteUser(a.id), true);
    assertEquals(await store.purgeMemberContent(a.id), true);
    assertEquals(await store.purgeMemberContent(a.id), true, "running it again is harmless");
    assertEquals(await store.getPosts(mine.map((p) => p.id)), []);
    assertEquals(await store.getConnection(ab.id), null);
    assertEquals(await store.listConnectedIds(b.id), []);
    assertEquals((await store.listTimeline(b.id, { limit: 10 })).items.map((e) => e.postId), [theirs.id]);
    assertEquals((await store.listTimeline(a.id, { limit: 10 })).items, []);
    assertEquals(await store.getPost(theirs.id) !== null, true, "other members' posts stay");
    await queue.waitFor("post.deleted", mine[0].id);
  });

  test("bulk imports read back exactly through the normal methods, and commit no events", async (store) => {
    const queue = listen(store);
    const base = Date.UTC(2024, 0, 15, 9, 30, 0, 123);
    const at = (minutes: number) => new Date(base + minutes * 60_000);
    const people = [0, 1, 2, 3].map((i) => ({
      ...newUser(i, { headline: `Engineer ${i} ${UNICODE}`, location: "Lagos", bio: i ? "" : "a\nb" }),
      createdAt: at(i),
    }));
    // Given out of time order: listings sort by createdAt, whatever the import order.
    const order = [2, 0, 3, 1];
    const imported = await store.importUsers(order.map((i) => people[i]));
    assertEquals(imported.length, 4);
    assertEquals(new Set(imported).size, 4);
    const idOf = (i: number) => imported[order.indexOf(i)];
    for (const [i, input] of people.entries()) {
      const expected: User = {
        id: idOf(i),
        email: input.email,
        passwordHash: input.passwordHash,
        firstName: input.firstName,
        lastName: input.lastName,
        headline: input.headline!,
        bio: input.bio ?? "",
        location: "Lagos",
        profilePictureUrl: null,
        role: "member",
        createdAt: input.createdAt,
        updatedAt: input.createdAt,
      };
      assertEquals(await store.getUser(idOf(i)), expected);
      assertEquals(await store.getUserByEmail(input.email.toUpperCase()), expected);
    }
    assertEquals((await store.listUsers({ limit: 10 })).items.map((u) => u.id), [3, 2, 1, 0].map(idOf));
    const [a, b, c, d] = [0, 1, 2, 3].map(idOf);

    const taken = await assertRejects(() =>
      store.importUsers([{ ...newUser(9, { email: "MEMBER2@example.com" }), createdAt: at(9) }])
    );
    assert(taken instanceof ConflictError && taken.field === "email", String(taken));
    const twice = await assertRejects(() =>
      store.importUsers([
        { ...newUser(7, { email: "twice@example.com" }), createdAt: at(7) },
        { ...newUser(8, { email: "TWICE@example.com" }), createdAt: at(8) },
      ])
    );
    assert(twice instanceof ConflictError && twice.field === "email", String(twice));
    assertEquals(await store.getUserByEmail("twice@example.com"), null, "a failed batch writes nothing");

    const postInputs = [
      { authorId: b, content: `first ${UNICODE}\nline 2`, createdAt: at(10) },
      { authorId: a, content: "second", mediaUrl: "https://img.example/2.png", createdAt: at(11) },
      { authorId: b, content: "third", createdAt: at(12) },
      { authorId: c, content: "fourth", createdAt: at(13) },
    ];
    const postIds = await store.importPosts(postInputs);
    assertEquals(postIds.length, 4);
    for (const [i, input] of postInputs.entries()) {
      assertEquals(await store.getPost(postIds[i]), {
        id: postIds[i],
        authorId: input.authorId,
        content: input.content,
        mediaUrl: input.mediaUrl ?? null,
        mediaIds: [],
        createdAt: input.createdAt,
        updatedAt: input.createdAt,
      });
    }
    assertEquals((await store.listPosts({ authorId: b, limit: 10 })).items.map((p) => p.id), [postIds[2], postIds[0]]);
    assertEquals((await store.listPosts({ limit: 10 })).items.map((p) => p.id), [...postIds].reverse());

    const joins = [
      { senderId: a, receiverId: b, createdAt: at(20) },
      { senderId: c, receiverId: a, createdAt: at(21) },
      { senderId: b, receiverId: a, createdAt: at(22) }, // the a–b pair again, the other way round
    ];
    await store.importConnections(joins);
    await store.importConnections(joins); // twice is harmless
    const connected = async (id: string) => (await store.listConnectedIds(id)).toSorted();
    assertEquals(await connected(a), [b, c].toSorted());
    assertEquals([await connected(b), await connected(c), await connected(d)], [[a], [a], []]);

    const entry = (memberId: string, i: number) => ({
      memberId,
      postId: postIds[i],
      authorId: postInputs[i].authorId,
      createdAt: postInputs[i].createdAt,
    });
    const timeline = [entry(a, 0), entry(a, 1), entry(a, 2), entry(a, 3), entry(b, 0), entry(b, 1)];
    await store.importTimeline(timeline);
    await store.importTimeline([entry(a, 2)]); // a repeat changes nothing
    const feed: string[] = [];
    let after = undefined;
    do {
      const page: Awaited<ReturnType<Store["listTimeline"]>> = await store.listTimeline(a, { limit: 3, after });
      feed.push(...page.items.map((e) => e.postId));
      after = page.next ?? undefined;
    } while (after);
    assertEquals(feed, [...postIds].reverse());
    assertEquals((await store.listTimeline(b, { limit: 10 })).items, [
      { postId: postIds[1], authorId: a, createdAt: at(11) },
      { postId: postIds[0], authorId: b, createdAt: at(10) },
    ]);

    // The MySQL queue polls at least once a second, so a stray outbox row would have been delivered by now.
    await later(1_100);
    assertEquals(queue.events, [], "imports commit no events");

    // Imported records behave like written ones: the pair is taken, the email too, and the posts can be edited.
    const dup = await assertRejects(() => store.createConnection({ senderId: b, receiverId: a, message: "" }));
    assert(dup instanceof ConflictError, String(dup));
    const email = await assertRejects(() => store.createUser(newUser(5, { email: "member1@EXAMPLE.com" })));
    assert(email instanceof ConflictError, String(email));
    assertEquals((await store.updatePost(postIds[1], { content: "edited" }))?.content, "edited");
    // A pair with a pending invitation is already joined: importing it is skipped, the invitation stays pending.
    const pending = await store.createConnection({ senderId: c, receiverId: d, message: "hi" });
    await store.importConnections([{ senderId: d, receiverId: c, createdAt: at(30) }]);
    assertEquals((await store.getConnection(pending.id))?.status, "pending");
    assertEquals(await connected(d), []);
  });

  test("imports bigger than one commit or batch arrive whole, long Unicode texts included", async (store) => {
    const base = Date.UTC(2024, 5, 1);
    const users = await store.importUsers(
      Array.from(
        { length: 260 },
        (_, i) => ({ ...newUser(i, { bio: UNICODE.repeat(40) }), createdAt: new Date(base + i) }),
      ),
    );
    const emoji = "🧑🏽‍💻";
    const long = emoji.repeat(Math.floor(3_000 / emoji.length)).padEnd(3_000, "x"); // 3,000 UTF-16 units
    const posts = await store.importPosts(
      Array.from({ length: 120 }, (_, i) => ({ authorId: users[i % 3], content: long, createdAt: new Date(base + i) })),
    );
    assertEquals((await store.getPost(posts[119]))?.content, long);
    const pairs = [];
    for (let i = 1; i < 260; i++) pairs.push({ senderId: users[0], receiverId: users[i], createdAt: new Date(base) });
    await store.importConnections(pairs);
    assertEquals((await store.listConnectedIds(users[0])).length, 259);
    const entries = [];
    for (const memberId of users.slice(0, 40)) {
      for (const [i, postId] of posts.entries()) {
        entries.push({ memberId, postId, authorId: users[i % 3], createdAt: new Date(base + i) });
      }
    }
    await store.importTimeline(entries); // 4,800 entries
    const page = await store.listTimeline(users[39], { limit: 120 });
    assertEquals(page.items.map((e) => e.postId), [...posts].reverse());
    assertEquals((await store.listUsers({ limit: 1 })).items[0].id, users[259]);
  });

  test("ping answers while the store is open", async (store) => {
    await store.ping();
  });

  idempotencyContract(test);
  networkContract(test);
  messagesContract(test);
  jobsContract(test);
  mediaContract(test);
  reactionsContract(test);
  searchContract(test);
  rulesContract(test);
  queueContract(test);
}
