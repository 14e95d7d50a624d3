// The one contract every Store adapter passes (Hono's common.case.test.ts pattern). Each adapter's test file calls
// storeContract() with a factory that opens an empty, private store.
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { ConflictError } from "../errors.ts";
import type { DomainEvent, NewUser, Store, User } from "./types.ts";

export interface OpenedStore {
  store: Store;
  /** Drops whatever the factory created (database, key space) and closes the store. */
  cleanup(): Promise<void>;
}

const UNICODE = "Zoë 🧑🏽‍💻 Ñandú 李小龍 עברית 𝓜";

function newUser(n: number, extra: Partial<NewUser> = {}): NewUser {
  return {
    email: `member${n}@example.com`,
    passwordHash: `$2b$10$hash${n}`,
    firstName: `First${n}`,
    lastName: `Last${n}`,
    role: "member",
    ...extra,
  };
}

/** Collects the events the store delivers to its queue. */
function listen(store: Store): { events: DomainEvent[]; waitFor(type: string, id: string): Promise<DomainEvent> } {
  const events: DomainEvent[] = [];
  store.queue.listenQueue((msg) => {
    events.push(msg as DomainEvent);
  });
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

export function storeContract(name: string, open: () => Promise<OpenedStore>, options: { ignore?: boolean } = {}) {
  const test = (title: string, fn: (store: Store) => Promise<void>) =>
    Deno.test({
      name: `[store:${name}] ${title}`,
      ignore: options.ignore,
      // The KV queue listener and MySQL pool are torn down in cleanup(); Deno's op sanitizer cannot see that order.
      sanitizeOps: false,
      sanitizeResources: false,
      fn: async () => {
        const opened = await open();
        try {
          await fn(opened.store);
        } finally {
          await opened.cleanup();
        }
      },
    });

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

  test("an idempotency key is claimed once, replays when done, and frees itself on release or expiry", async (store) => {
    const u = await store.createUser(newUser(1));
    assertEquals(await store.claimIdempotency(u.id, "k1", "hash-a", 60_000), null);
    assertEquals(await store.claimIdempotency(u.id, "k1", "hash-a", 60_000), {
      state: "in-flight",
      requestHash: "hash-a",
    });
    await store.finishIdempotency(u.id, "k1", { status: 201, body: '{"id":"1"}' });
    assertEquals(await store.claimIdempotency(u.id, "k1", "hash-b", 60_000), {
      state: "done",
      requestHash: "hash-a",
      status: 201,
      body: '{"id":"1"}',
    });
    assertEquals(await store.claimIdempotency("someone-else", "k1", "hash-a", 60_000), null, "keys are per member");
    assertEquals(await store.claimIdempotency(u.id, "k2", "h", 60_000), null);
    await store.releaseIdempotency(u.id, "k2");
    assertEquals(await store.claimIdempotency(u.id, "k2", "h", 60_000), null, "released keys can be claimed again");
    assertEquals(await store.claimIdempotency(u.id, "k3", "h", 40), null);
    await new Promise((r) => setTimeout(r, 80));
    assertEquals(await store.claimIdempotency(u.id, "k3", "h2", 60_000), null, "expired keys can be claimed again");
  });

  test("of racing claims of one idempotency key exactly one proceeds", async (store) => {
    const u = await store.createUser(newUser(1));
    const results = await Promise.all(
      Array.from({ length: 8 }, () => store.claimIdempotency(u.id, "same", "h", 60_000)),
    );
    assertEquals(results.filter((r) => r === null).length, 1);
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

  test("ping answers while the store is open", async (store) => {
    await store.ping();
  });
}
