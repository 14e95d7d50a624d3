// API.md "Posts", row by row, with failures, idempotency and BOLA, through the real app. The fan-out worker runs as
// it does in production (started on the app's queue), so the home feed is the real one.
import { assert, assertEquals } from "../framework/testing/assert.ts";
import { sha256Hex } from "../services/crypto.ts";
import { eventually } from "../services/testing.ts";
import { assertProblem, call, type Json, signUp } from "./api_client.ts";
import { type TestApp, withTestApp, withWorkers } from "./testing.ts";

type Signed = Awaited<ReturnType<typeof signUp>>;

async function connect(t: TestApp, a: Signed, b: Signed) {
  const c = await t.app.store.createConnection({ senderId: a.user.id, receiverId: b.user.id, message: "" });
  await t.app.store.setConnectionStatus(c.id, "accepted");
  return c;
}

const ids = (res: { json: Json }) => (res.json.items as Json[]).map((p) => p.id as string);

Deno.test("[api] posting answers 201 with the post and a location; reading it back is the same", async () => {
  await withWorkers(async (t) => {
    const a = await signUp(t);
    const res = await call(t, "POST", "/api/posts", { content: "Hello 🌍\nsecond line" }, a.accessToken);
    assertEquals(res.status, 201, res.text);
    assertEquals(res.headers.get("location"), `/api/posts/${res.json.id}`);
    assertEquals([res.json.content, res.json.mediaUrl, (res.json.author as Json).id], [
      "Hello 🌍\nsecond line",
      null,
      a.user.id,
    ]);
    assertEquals(Object.keys(res.json.author as Json).sort(), [
      "firstName",
      "headline",
      "id",
      "lastName",
      "profilePictureUrl",
    ]);
    const got = await call(t, "GET", `/api/posts/${res.json.id}`, undefined, a.accessToken);
    assertEquals(got.json, res.json);
    assertProblem(await call(t, "GET", "/api/posts/999999", undefined, a.accessToken), 404);
    assertProblem(await call(t, "GET", `/api/posts/${res.json.id}`), 401);
    assertProblem(await call(t, "POST", "/api/posts", { content: "x" }), 401);
  });
});

Deno.test("[api] bad posts are 422 with the field named; nothing is stored", async () => {
  await withWorkers(async (t) => {
    const a = await signUp(t);
    for (
      const [body, field] of [
        [{ content: "" }, "content"],
        [{ content: " \n\t " }, "content"],
        [{ content: "x".repeat(3001) }, "content"],
        [{ content: 42 }, "content"],
        [{}, "content"],
        [{ content: "ok", authorId: "1" }, "authorId"],
        [{ content: "ok", mediaUrl: "javascript:alert(1)" }, "mediaUrl"],
        [{ content: "nul\u0000" }, "content"],
      ] as const
    ) {
      const res = await call(t, "POST", "/api/posts", body, a.accessToken);
      assertProblem(res, 422);
      assertEquals((res.json.errors as { path: string }[])[0].path, field);
    }
    assertEquals((await t.app.store.listPosts({ limit: 5 })).items, []);
    assertEquals((await call(t, "POST", "/api/posts", { content: "x".repeat(3000) }, a.accessToken)).status, 201);
  });
});

Deno.test("[api] an Idempotency-Key replays the first answer, refuses another body, and is per member", async () => {
  await withWorkers(async (t) => {
    const a = await signUp(t);
    const b = await signUp(t);
    const key = { "idempotency-key": "retry-123" };
    const first = await call(t, "POST", "/api/posts", { content: "once" }, a.accessToken, key);
    const again = await call(t, "POST", "/api/posts", { content: "once" }, a.accessToken, key);
    assertEquals([first.status, again.status], [201, 201]);
    assertEquals(again.json, first.json);
    assertEquals(again.headers.get("idempotent-replayed"), "true");
    assertEquals(again.headers.get("location"), first.headers.get("location"));
    assertProblem(await call(t, "POST", "/api/posts", { content: "twice?" }, a.accessToken, key), 422);
    const other = await call(t, "POST", "/api/posts", { content: "once" }, b.accessToken, key);
    assert(other.json.id !== first.json.id, "another member's key is theirs");
    assertEquals((await t.app.store.listPosts({ authorId: a.user.id, limit: 10 })).items.length, 1);
    assertProblem(await call(t, "POST", "/api/posts", { content: "x" }, a.accessToken, { "idempotency-key": "" }), 422);
    assertProblem(
      await call(t, "POST", "/api/posts", { content: "x" }, a.accessToken, { "idempotency-key": "k".repeat(65) }),
      422,
    );
  });
});

Deno.test("[api] concurrent duplicates with one Idempotency-Key create one post", async () => {
  await withWorkers(async (t) => {
    const a = await signUp(t);
    const key = { "idempotency-key": "burst-1" };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => call(t, "POST", "/api/posts", { content: "burst" }, a.accessToken, key)),
    );
    for (const r of results) assert([201, 409].includes(r.status), `${r.status} ${r.text}`);
    assertEquals((await t.app.store.listPosts({ authorId: a.user.id, limit: 10 })).items.length, 1);
  });
});

Deno.test("[api] a claim left by a crashed request is a 409 with retry-after until its lease lapses", async () => {
  await withWorkers(async (t) => {
    const a = await signUp(t);
    const body = { content: "after a crash" };
    // What a request killed mid-way leaves behind: its claim, with a lease no one renews.
    const requestHash = await sha256Hex(JSON.stringify(["POST", "/api/posts", body]));
    assertEquals(
      await t.app.store.claimIdempotency(a.user.id, "crashed-1", { requestHash, token: "dead", leaseMs: 300 }),
      null,
    );
    const key = { "idempotency-key": "crashed-1" };
    const busy = await call(t, "POST", "/api/posts", body, a.accessToken, key);
    assertProblem(busy, 409);
    assert(Number(busy.headers.get("retry-after")) >= 1);
    const retried = await eventually(
      () => call(t, "POST", "/api/posts", body, a.accessToken, key),
      (r) => r.status === 201,
      "the retry to run once the lease lapsed",
    );
    const again = await call(t, "POST", "/api/posts", body, a.accessToken, key);
    assertEquals([again.status, again.headers.get("idempotent-replayed"), again.json.id], [
      201,
      "true",
      retried.json.id,
    ]);
    assertEquals((await t.app.store.listPosts({ authorId: a.user.id, limit: 10 })).items.length, 1);
  });
});

Deno.test("[api] the home feed holds my posts and my connections', newest first; all and authorId filter", async () => {
  await withWorkers(async (t) => {
    const [a, b, c] = [await signUp(t), await signUp(t), await signUp(t)];
    await connect(t, a, b);
    const post = async (who: Signed, content: string) =>
      (await call(t, "POST", "/api/posts", { content }, who.accessToken)).json.id as string;
    const a1 = await post(a, "a1");
    const b1 = await post(b, "b1");
    const c1 = await post(c, "c1");
    const a2 = await post(a, "a2");
    const home = await eventually(
      () => call(t, "GET", "/api/posts", undefined, a.accessToken),
      (r) => ids(r).length === 3,
      "the fan-out",
    );
    assertEquals(ids(home), [a2, b1, a1]);
    assertEquals(ids(await call(t, "GET", "/api/posts?feed=home", undefined, a.accessToken)), [a2, b1, a1]);
    assertEquals(ids(await call(t, "GET", "/api/posts?feed=all", undefined, c.accessToken)), [a2, c1, b1, a1]);
    assertEquals(ids(await call(t, "GET", `/api/posts?authorId=${a.user.id}`, undefined, c.accessToken)), [a2, a1]);
    const cHome = await eventually(
      () => call(t, "GET", "/api/posts", undefined, c.accessToken),
      (r) => ids(r).length === 1,
      "c's feed",
    );
    assertEquals(ids(cHome), [c1], "not connected: only my own");
  });
});

Deno.test("[api] feed pages follow the cursor without gaps; bad cursors and limits are 422", async () => {
  await withWorkers(async (t) => {
    const a = await signUp(t);
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      made.push((await call(t, "POST", "/api/posts", { content: `p${i}` }, a.accessToken)).json.id as string);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const page = await eventually(
        () => call(t, "GET", `/api/posts?feed=all&limit=3${q}`, undefined, a.accessToken),
        (r) => r.status === 200,
        "a page",
      );
      seen.push(...ids(page));
      cursor = page.json.nextCursor as string | null;
    } while (cursor);
    assertEquals(seen, made.toReversed());
    const firstHome = await call(t, "GET", "/api/posts?limit=3", undefined, a.accessToken);
    const allCursor = (await call(t, "GET", "/api/posts?feed=all&limit=3", undefined, a.accessToken)).json.nextCursor;
    assertProblem(await call(t, "GET", `/api/posts?cursor=${allCursor}`, undefined, a.accessToken), 422);
    assert(firstHome.status === 200);
    for (const q of ["limit=0", "limit=101", "feed=mine", "cursor=abc", "extra=1"]) {
      assertProblem(await call(t, "GET", `/api/posts?${q}`, undefined, a.accessToken), 422);
    }
  });
});

Deno.test("[api] only the author edits; the author or an admin deletes; others get 403", async () => {
  await withWorkers(async (t) => {
    const [a, b, admin] = [await signUp(t), await signUp(t), await signUp(t)];
    await t.app.store.updateUser(admin.user.id, { role: "admin" });
    const id = (await call(t, "POST", "/api/posts", { content: "mine" }, a.accessToken)).json.id;
    const edited = await call(t, "PUT", `/api/posts/${id}`, { content: "mine, edited" }, a.accessToken);
    assertEquals([edited.status, edited.json.content], [200, "mine, edited"]);
    assert(edited.json.updatedAt !== edited.json.createdAt);
    assertProblem(await call(t, "PUT", `/api/posts/${id}`, { content: "pwned" }, b.accessToken), 403);
    assertProblem(await call(t, "PUT", `/api/posts/${id}`, { content: "admin edit" }, admin.accessToken), 403);
    assertProblem(await call(t, "PUT", `/api/posts/${id}`, { authorId: b.user.id }, a.accessToken), 422);
    assertProblem(await call(t, "PUT", "/api/posts/999999", { content: "x" }, a.accessToken), 404);
    assertProblem(await call(t, "DELETE", `/api/posts/${id}`, undefined, b.accessToken), 403);
    assertEquals((await call(t, "DELETE", `/api/posts/${id}`, undefined, a.accessToken)).status, 204);
    assertProblem(await call(t, "GET", `/api/posts/${id}`, undefined, a.accessToken), 404);
    assertProblem(await call(t, "DELETE", `/api/posts/${id}`, undefined, a.accessToken), 404);
    const other = (await call(t, "POST", "/api/posts", { content: "spam" }, b.accessToken)).json.id;
    assertEquals((await call(t, "DELETE", `/api/posts/${other}`, undefined, admin.accessToken)).status, 204);
  });
});

Deno.test("[api] a deleted post leaves the feeds; a deleted member's posts go with them", async () => {
  await withWorkers(async (t) => {
    const [a, b] = [await signUp(t), await signUp(t)];
    await connect(t, a, b);
    const keep = (await call(t, "POST", "/api/posts", { content: "keep" }, b.accessToken)).json.id;
    const gone = (await call(t, "POST", "/api/posts", { content: "gone" }, a.accessToken)).json.id;
    await eventually(
      () => call(t, "GET", "/api/posts", undefined, b.accessToken),
      (r) => ids(r).length === 2,
      "fan-out",
    );
    await call(t, "DELETE", `/api/posts/${gone}`, undefined, a.accessToken);
    await eventually(
      () => call(t, "GET", "/api/posts", undefined, b.accessToken),
      (r) => ids(r).join() === keep,
      "removal",
    );
    await call(t, "POST", "/api/posts", { content: "last words" }, a.accessToken);
    await call(t, "DELETE", `/api/users/${a.user.id}`, undefined, a.accessToken);
    await eventually(
      () => call(t, "GET", "/api/posts?feed=all", undefined, b.accessToken),
      (r) => ids(r).join() === keep,
      "the purge",
    );
  });
});

Deno.test("[api] posting has a burst budget: 429 with retry-after past it, through the form page too", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    // 10 * 0.05 = 1 post a minute
    assertEquals((await call(t, "POST", "/api/posts", { content: "first" }, a.accessToken)).status, 201);
    const over = await call(t, "POST", "/api/posts", { content: "second" }, a.accessToken);
    assertProblem(over, 429);
    assert(Number(over.headers.get("retry-after")) >= 1);
    assertEquals(over.json.detail, "You are posting too fast; wait a moment.");
    const mine = await call(t, "GET", `/api/posts?authorId=${a.user.id}`, undefined, a.accessToken);
    assertEquals((mine.json.items as Json[]).map((p) => p.content), ["first"]);
  }, { env: { PROK_RATE_LIMIT_FACTOR: "0.05" } });
});
