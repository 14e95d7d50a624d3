// API.md "Connections" and "Notifications and suggestions", row by row, with failures, the race of mutual
// invitations, idempotency, the weekly cap and BOLA, through the real app with its workers listening.
import { WriteBudgets } from "../services/budgets.ts";
import { assert, assertEquals } from "../framework/testing/assert.ts";
import { eventually } from "../services/testing.ts";
import { assertProblem, call, type Json, postWithoutBody, signUp } from "./api_client.ts";
import { type TestApp, withTestApp, withWorkers } from "./testing.ts";

type Signed = Awaited<ReturnType<typeof signUp>>;

async function invite(t: TestApp, from: Signed, to: Signed, message?: string) {
  const res = await call(t, "POST", "/api/connections", { receiverId: to.user.id, message }, from.accessToken);
  assertEquals(res.status, 201, res.text);
  return res.json;
}

async function accept(t: TestApp, by: Signed, connectionId: string) {
  const res = await call(t, "PUT", `/api/connections/${connectionId}`, { status: "accepted" }, by.accessToken);
  assertEquals(res.status, 200, res.text);
  return res.json;
}

const list = async (t: TestApp, who: Signed, query = "") =>
  (await call(t, "GET", `/api/connections${query}`, undefined, who.accessToken)).json;
const ids = (page: Json) => (page.items as Json[]).map((c) => c.id);

Deno.test("[api] an invitation is 201 with both members; each side lists it in its own direction", async () => {
  await withWorkers(async (t) => {
    const [a, b] = [await signUp(t), await signUp(t)];
    const res = await call(
      t,
      "POST",
      "/api/connections",
      { receiverId: b.user.id, message: "Hi 👋\nLet's talk" },
      a.accessToken,
    );
    assertEquals(res.status, 201, res.text);
    const c = res.json;
    assertEquals(res.headers.get("location"), `/api/connections/${c.id}`);
    assertEquals(Object.keys(c).sort(), ["createdAt", "id", "message", "receiver", "sender", "status", "updatedAt"]);
    assertEquals([(c.sender as Json).id, (c.receiver as Json).id, c.status, c.message], [
      a.user.id,
      b.user.id,
      "pending",
      "Hi 👋\nLet's talk",
    ]);
    assertEquals(Object.keys(c.receiver as Json).sort(), [
      "firstName",
      "headline",
      "id",
      "lastName",
      "profilePictureUrl",
    ]);
    assertEquals(ids(await list(t, a, "?status=pending&direction=outgoing")), [c.id]);
    assertEquals(ids(await list(t, a, "?status=pending&direction=incoming")), []);
    assertEquals(ids(await list(t, b, "?status=pending&direction=incoming")), [c.id]);
    assertEquals(ids(await list(t, b, "?status=pending")), [c.id]);
    assertEquals(ids(await list(t, b)), [], "the default is accepted connections");
    const relation = (await call(t, "GET", `/api/users/${a.user.id}`, undefined, b.accessToken)).json;
    assertEquals([relation.connection, relation.degree], [{ id: c.id, status: "pending", direction: "incoming" }, 3]);
    const back = (await call(t, "GET", `/api/users/${b.user.id}`, undefined, a.accessToken)).json;
    assertEquals(back.connection, { id: c.id, status: "pending", direction: "outgoing" });
  });
});

Deno.test("[api] bad invitations: self 422, unknown 404, duplicate either way 409, bad bodies 422, no token 401", async () => {
  await withWorkers(async (t) => {
    const [a, b] = [await signUp(t), await signUp(t)];
    assertProblem(await call(t, "POST", "/api/connections", { receiverId: a.user.id }, a.accessToken), 422);
    assertProblem(await call(t, "POST", "/api/connections", { receiverId: "999999" }, a.accessToken), 404);
    assertProblem(await call(t, "POST", "/api/connections", { receiverId: "nope" }, a.accessToken), 404);
    for (
      const [body, field] of [
        [{}, "receiverId"],
        [{ receiverId: 42 }, "receiverId"],
        [{ receiverId: b.user.id, message: "x".repeat(301) }, "message"],
        [{ receiverId: b.user.id, status: "accepted" }, "status"],
        [{ receiverId: b.user.id, message: "nul\u0000" }, "message"],
      ] as const
    ) {
      const res = await call(t, "POST", "/api/connections", body, a.accessToken);
      assertProblem(res, 422);
      assertEquals((res.json.errors as Json[])[0].path, field, res.text);
    }
    assertProblem(await call(t, "POST", "/api/connections", "{", a.accessToken), 400);
    assertProblem(await call(t, "POST", "/api/connections", { receiverId: b.user.id }), 401);
    assertEquals(ids(await list(t, a, "?status=pending")), [], "nothing was stored");
    const note = "🚀".repeat(300); // 300 characters, 1,200 bytes
    const first = await invite(t, a, b, note);
    assertEquals(first.message, note);
    assertProblem(await call(t, "POST", "/api/connections", { receiverId: b.user.id }, a.accessToken), 409);
    assertProblem(await call(t, "POST", "/api/connections", { receiverId: a.user.id }, b.accessToken), 409);
    await accept(t, b, first.id as string);
    assertProblem(await call(t, "POST", "/api/connections", { receiverId: a.user.id }, b.accessToken), 409);
    for (const q of ["?status=rejected", "?direction=sideways", "?limit=0", "?limit=101", "?cursor=forged", "?x=1"]) {
      assertProblem(await call(t, "GET", `/api/connections${q}`, undefined, a.accessToken), 422);
    }
  });
});

Deno.test("[api] of two members inviting each other at the same moment, exactly one invitation is created", async () => {
  await withWorkers(async (t) => {
    for (let round = 0; round < 3; round++) {
      const [a, b] = [await signUp(t), await signUp(t)];
      const results = await Promise.all([
        call(t, "POST", "/api/connections", { receiverId: b.user.id }, a.accessToken),
        call(t, "POST", "/api/connections", { receiverId: a.user.id }, b.accessToken),
        call(t, "POST", "/api/connections", { receiverId: b.user.id }, a.accessToken),
      ]);
      assertEquals(results.map((r) => r.status).sort(), [201, 409, 409], results.map((r) => r.text).join("\n"));
      assertEquals(
        [...ids(await list(t, a, "?status=pending")), ...ids(await list(t, b, "?status=pending"))].length,
        2,
      );
    }
  });
});

Deno.test("[api] answering: the receiver accepts or ignores; the sender 403; anyone else 404", async () => {
  await withWorkers(async (t) => {
    const [a, b, stranger] = [await signUp(t), await signUp(t), await signUp(t)];
    const c = await invite(t, a, b);
    const path = `/api/connections/${c.id}`;
    assertProblem(await call(t, "PUT", path, { status: "accepted" }, a.accessToken), 403);
    assertProblem(await call(t, "PUT", path, { status: "accepted" }, stranger.accessToken), 404);
    assertProblem(await call(t, "DELETE", path, undefined, stranger.accessToken), 404);
    assertProblem(await call(t, "PUT", path, { status: "pending" }, b.accessToken), 422);
    assertProblem(await call(t, "PUT", path, { status: "accepted", message: "x" }, b.accessToken), 422);
    assertProblem(await call(t, "PUT", "/api/connections/999999", { status: "accepted" }, b.accessToken), 404);
    assertProblem(await call(t, "PUT", path, { status: "accepted" }), 401);
    const accepted = await accept(t, b, c.id as string);
    assertEquals([accepted.status, (accepted.sender as Json).id], ["accepted", a.user.id]);
    assertEquals(ids(await list(t, a)), [c.id]);
    assertEquals(ids(await list(t, b)), [c.id]);
    assertEquals(ids(await list(t, b, "?status=pending")), []);
    assertEquals((await accept(t, b, c.id as string)).status, "accepted", "accepting twice changes nothing");
    assertProblem(await call(t, "PUT", path, { status: "rejected" }, b.accessToken), 409);
    const seen = (await call(t, "GET", `/api/users/${b.user.id}`, undefined, a.accessToken)).json;
    assertEquals([seen.connection, seen.degree], [{ id: c.id, status: "accepted", direction: "outgoing" }, 1]);

    const d = await signUp(t);
    const ignored = await invite(t, d, b);
    const res = await call(t, "PUT", `/api/connections/${ignored.id}`, { status: "rejected" }, b.accessToken);
    assertEquals([res.status, res.json.status], [200, "rejected"]);
    assertEquals(ids(await list(t, d, "?status=pending")), [], "an ignored invitation leaves the lists");
    assertEquals((await call(t, "GET", `/api/users/${b.user.id}`, undefined, d.accessToken)).json.connection, null);
    await invite(t, d, b); // and may be sent again
  });
});

Deno.test("[api] either member removes; the relation is gone for both and the id is 404 afterwards", async () => {
  await withWorkers(async (t) => {
    const [a, b, c] = [await signUp(t), await signUp(t), await signUp(t)];
    const ab = await invite(t, a, b);
    await accept(t, b, ab.id as string);
    assertEquals((await call(t, "DELETE", `/api/connections/${ab.id}`, undefined, b.accessToken)).status, 204);
    assertProblem(await call(t, "DELETE", `/api/connections/${ab.id}`, undefined, a.accessToken), 404);
    assertEquals(ids(await list(t, a)), []);
    const seen = (await call(t, "GET", `/api/users/${b.user.id}`, undefined, a.accessToken)).json;
    assertEquals([seen.connection, seen.degree], [null, 3]);
    const pending = await invite(t, a, c);
    assertEquals((await call(t, "DELETE", `/api/connections/${pending.id}`, undefined, a.accessToken)).status, 204);
    assertEquals(ids(await list(t, c, "?status=pending")), [], "a withdrawn invitation is gone");
  });
});

Deno.test("[api] connection lists page newest first without repeats or gaps", async () => {
  await withWorkers(async (t) => {
    const a = await signUp(t);
    const made: unknown[] = [];
    for (let i = 0; i < 5; i++) made.push((await invite(t, a, await signUp(t))).id);
    const seen: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await list(t, a, `?status=pending&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...ids(page));
      cursor = page.nextCursor as string | null;
    } while (cursor);
    assertEquals(seen, made.toReversed());
    const page = await list(t, a, "?status=pending&limit=2");
    // A cursor of one list is refused on another.
    assertProblem(await call(t, "GET", `/api/connections?cursor=${page.nextCursor}`, undefined, a.accessToken), 422);
  });
});

Deno.test("[api] an Idempotency-Key on POST /api/connections replays the first answer", async () => {
  await withWorkers(async (t) => {
    const [a, b] = [await signUp(t), await signUp(t)];
    const key = { "idempotency-key": "invite-1" };
    const first = await call(t, "POST", "/api/connections", { receiverId: b.user.id }, a.accessToken, key);
    const again = await call(t, "POST", "/api/connections", { receiverId: b.user.id }, a.accessToken, key);
    assertEquals([first.status, again.status, again.headers.get("idempotent-replayed")], [201, 201, "true"]);
    assertEquals(again.json, first.json);
    const other = await call(t, "POST", "/api/connections", { receiverId: a.user.id }, a.accessToken, key);
    assertProblem(other, 422);
  });
});

Deno.test("[api] at most 100 invitations pending from one week; a withdrawn one frees its place", async () => {
  await withWorkers(async (t) => {
    // The weekly cap is what this test is about: the invitation rate (20 a minute) is raised past it.
    t.app.budgets = new WriteBudgets(t.app.limiter, 10);
    const a = await signUp(t);
    const receivers = [];
    for (let i = 0; i < 101; i++) {
      receivers.push(
        await t.app.store.createUser({
          email: `cap${i}@example.com`,
          passwordHash: "x",
          firstName: "Cap",
          lastName: `${i}`,
          role: "member",
        }),
      );
    }
    let last: Json = {};
    for (const r of receivers.slice(0, 100)) {
      const res = await call(t, "POST", "/api/connections", { receiverId: r.id }, a.accessToken);
      assertEquals(res.status, 201, res.text);
      last = res.json;
    }
    const over = await call(t, "POST", "/api/connections", { receiverId: receivers[100].id }, a.accessToken);
    assertProblem(over, 429);
    const retry = Number(over.headers.get("retry-after"));
    assert(retry > 6 * 24 * 3600 && retry <= 7 * 24 * 3600, `retry-after ${retry}`);
    assertEquals((await call(t, "DELETE", `/api/connections/${last.id}`, undefined, a.accessToken)).status, 204);
    const now = await call(t, "POST", "/api/connections", { receiverId: receivers[100].id }, a.accessToken);
    assertEquals(now.status, 201, now.text);
  });
});

Deno.test("[api] degrees: 1st, 2nd through a mutual connection, 3rd+ otherwise, null for oneself", async () => {
  await withWorkers(async (t) => {
    const [a, b, c, d] = [await signUp(t), await signUp(t), await signUp(t), await signUp(t)];
    await accept(t, b, (await invite(t, a, b)).id as string);
    await accept(t, b, (await invite(t, c, b)).id as string);
    await invite(t, c, d); // pending: no path through it
    const degree = async (of: Signed) =>
      (await call(t, "GET", `/api/users/${of.user.id}`, undefined, a.accessToken)).json.degree;
    assertEquals([await degree(a), await degree(b), await degree(c), await degree(d)], [null, 1, 2, 3]);
    const me = (await call(t, "GET", "/api/users/me", undefined, a.accessToken)).json;
    assertEquals([me.connection, me.degree], [null, null]);
  });
});

Deno.test("[api] suggestions rank mutual connections, then place, then headline, each with its reason", async () => {
  await withWorkers(async (t) => {
    const a = await signUp(t, {});
    await call(t, "PUT", `/api/users/${a.user.id}`, { location: "Berlin", headline: "Rust engineer" }, a.accessToken);
    const [b, c, d, e, f, g, h, i] = [
      await signUp(t),
      await signUp(t),
      await signUp(t),
      await signUp(t),
      await signUp(t),
      await signUp(t),
      await signUp(t),
      await signUp(t),
    ];
    await call(t, "PUT", `/api/users/${f.user.id}`, { location: "berlin" }, f.accessToken);
    await call(t, "PUT", `/api/users/${g.user.id}`, { headline: "Embedded RUST developer" }, g.accessToken);
    await call(t, "PUT", `/api/users/${h.user.id}`, { location: "Berlin" }, h.accessToken);
    await call(t, "PUT", `/api/users/${i.user.id}`, { location: "Berlin" }, i.accessToken);
    const join = async (x: Signed, y: Signed) => await accept(t, y, (await invite(t, x, y)).id as string);
    await join(a, b);
    await join(a, c);
    await join(b, d);
    await join(c, d);
    await join(b, e);
    await invite(t, a, h); // pending either way: left out
    await invite(t, i, a);
    const res = await call(t, "GET", "/api/connections/suggestions?limit=10", undefined, a.accessToken);
    assertEquals(res.status, 200, res.text);
    const items = res.json.items as Json[];
    assertEquals(items.map((s) => [(s.user as Json).id, s.reason, s.mutualCount]), [
      [d.user.id, "2 mutual connections", 2],
      [e.user.id, "1 mutual connection", 1],
      [f.user.id, "Also in Berlin", 0],
      [g.user.id, "Headline also mentions “rust”", 0],
    ]);
    const one = await call(t, "GET", "/api/connections/suggestions?limit=1", undefined, a.accessToken);
    assertEquals((one.json.items as Json[]).length, 1);
    assertProblem(await call(t, "GET", "/api/connections/suggestions?limit=0", undefined, a.accessToken), 422);
    assertProblem(await call(t, "GET", "/api/connections/suggestions"), 401);
  });
});

Deno.test("[api] notifications for invitations received and accepted, newest first, marked read by their owner", async () => {
  await withWorkers(async (t) => {
    const [a, b, c] = [await signUp(t), await signUp(t), await signUp(t)];
    const notes = async (who: Signed, q = "") =>
      (await call(t, "GET", `/api/notifications${q}`, undefined, who.accessToken)).json;
    const ab = await invite(t, a, b);
    const cb = await invite(t, c, b);
    let page = await notes(b);
    assertEquals(page.unreadCount, 2);
    assertEquals((page.items as Json[]).map((n) => [n.type, (n.actor as Json).id, n.subjectId, n.read]), [
      ["invitation:received", c.user.id, cb.id, false],
      ["invitation:received", a.user.id, ab.id, false],
    ]);
    await accept(t, b, ab.id as string);
    page = await notes(a);
    assertEquals((page.items as Json[]).map((n) => [n.type, (n.actor as Json).id, n.subjectId]), [
      ["invitation:accepted", b.user.id, ab.id],
    ]);
    const first = await notes(b, "?limit=1");
    assertEquals((first.items as Json[]).length, 1);
    const second = await notes(b, `?limit=1&cursor=${first.nextCursor}`);
    assertEquals((second.items as Json[])[0].subjectId, ab.id);
    assertProblem(await call(t, "GET", "/api/notifications?cursor=nope", undefined, b.accessToken), 422);

    // Marking someone else's notification changes nothing for them.
    const aNote = (page.items as Json[])[0].id as string;
    const bNote = (first.items as Json[])[0].id as string;
    const read = await call(t, "POST", "/api/notifications/read", { ids: [bNote, aNote] }, b.accessToken);
    assertEquals(read.status, 204, read.text);
    assertEquals((await notes(a)).unreadCount, 1);
    assertEquals((await notes(b)).unreadCount, 1);
    assertEquals((await postWithoutBody(t, "/api/notifications/read", b.accessToken)).status, 204, "no body: all");
    assertEquals((await notes(b)).unreadCount, 0);
    assertEquals(((await notes(b)).items as Json[]).every((n) => n.read), true);
    assertProblem(await call(t, "POST", "/api/notifications/read", { ids: "all" }, b.accessToken), 422);
    assertProblem(await call(t, "POST", "/api/notifications/read", { ids: [], extra: 1 }, b.accessToken), 422);
    assertProblem(await call(t, "POST", "/api/notifications/read", {}), 401);

    // A withdrawn invitation takes its notification with it.
    await call(t, "DELETE", `/api/connections/${cb.id}`, undefined, c.accessToken);
    assertEquals(((await notes(b)).items as Json[]).map((n) => n.subjectId), [ab.id]);
  });
});

Deno.test("[api] accepting brings both members' posts into each other's feeds; removing takes them out", async () => {
  await withWorkers(async (t) => {
    const [a, b] = [await signUp(t), await signUp(t)];
    const post = async (who: Signed, content: string) =>
      (await call(t, "POST", "/api/posts", { content }, who.accessToken)).json.id;
    const pa = await post(a, "from a");
    const pb = await post(b, "from b");
    const home = async (who: Signed) =>
      ((await call(t, "GET", "/api/posts?feed=home", undefined, who.accessToken)).json.items as Json[]).map((p) =>
        p.id
      );
    const c = await invite(t, a, b);
    await accept(t, b, c.id as string);
    await eventually(() => home(a), (items) => items.includes(pb), "b's post in a's feed");
    await eventually(() => home(b), (items) => items.includes(pa), "a's post in b's feed");
    await call(t, "DELETE", `/api/connections/${c.id}`, undefined, a.accessToken);
    await eventually(() => home(a), (items) => !items.includes(pb), "b's post gone from a's feed");
    await eventually(() => home(b), (items) => !items.includes(pa), "a's post gone from b's feed");
  });
});

Deno.test("[api] the OpenAPI document describes connections, suggestions and notifications", async () => {
  await withWorkers(async (t) => {
    const doc = (await call(t, "GET", "/api/openapi.json")).json;
    const paths = doc.paths as Record<string, Json>;
    for (
      const p of ["/api/connections", "/api/connections/{id}", "/api/connections/suggestions", "/api/notifications"]
    ) {
      assert(paths[p], `${p} is documented`);
    }
    assert((paths["/api/notifications/read"] as Json).post);
  });
});

Deno.test("[api] invitations have a per-minute budget: 429 with retry-after past it", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    const others = [];
    for (let i = 0; i < 3; i++) {
      others.push(
        await t.app.store.createUser({
          email: `rate${i}.${crypto.randomUUID()}@example.com`,
          passwordHash: "x",
          firstName: "Rate",
          lastName: `${i}`,
          role: "member",
        }),
      );
    }
    // 20 * 0.1 = 2 invitations a minute
    for (const r of others.slice(0, 2)) {
      assertEquals((await call(t, "POST", "/api/connections", { receiverId: r.id }, a.accessToken)).status, 201);
    }
    const over = await call(t, "POST", "/api/connections", { receiverId: others[2].id }, a.accessToken);
    assertProblem(over, 429);
    assert(Number(over.headers.get("retry-after")) >= 1);
    assertEquals(await t.app.store.getConnectionBetween(a.user.id, others[2].id), null);
  }, { env: { PROK_RATE_LIMIT_FACTOR: "0.1" } });
});
