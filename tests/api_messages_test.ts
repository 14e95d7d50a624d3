// API.md "Messages", row by row, with failures, idempotency (clientId and Idempotency-Key) and BOLA, through the
// real app.
import { assert, assertEquals } from "../framework/testing/assert.ts";
import { assertProblem, call, connected, type Json, signUp } from "./api_client.ts";
import { type TestApp, withTestApp } from "./testing.ts";

type Signed = Awaited<ReturnType<typeof signUp>>;

const send = (t: TestApp, from: Signed, to: Signed, content: string, extra: Json = {}, headers: HeadersInit = {}) =>
  call(t, "POST", "/api/messages", { receiverId: to.user.id, content, ...extra }, from.accessToken, headers);

Deno.test("[api] a message to a connection is 201 with the Message shape; both read it back", async () => {
  await withTestApp(async (t) => {
    const [a, b] = await connected(t);
    const res = await send(t, a, b, "Hello 👋\nsecond line", { clientId: "c-1" });
    assertEquals(res.status, 201, res.text);
    const m = res.json;
    assertEquals(Object.keys(m).sort(), ["clientId", "content", "createdAt", "id", "isRead", "receiverId", "senderId"]);
    assertEquals([m.senderId, m.receiverId, m.content, m.isRead, m.clientId], [
      a.user.id,
      b.user.id,
      "Hello 👋\nsecond line",
      false,
      "c-1",
    ]);
    assertEquals(res.headers.get("location"), `/api/messages/${m.id}`);
    for (const who of [a, b]) {
      assertEquals((await call(t, "GET", `/api/messages/${m.id}`, undefined, who.accessToken)).json, m);
    }
    const stranger = await signUp(t);
    assertProblem(await call(t, "GET", `/api/messages/${m.id}`, undefined, stranger.accessToken), 404);
    assertProblem(await call(t, "GET", "/api/messages/999999", undefined, a.accessToken), 404);
    assertProblem(await call(t, "GET", `/api/messages/${m.id}`), 401);
  });
});

Deno.test("[api] the same clientId twice returns the first message with 200; an Idempotency-Key replays", async () => {
  await withTestApp(async (t) => {
    const [a, b] = await connected(t);
    const first = await send(t, a, b, "once", { clientId: "retry-1" });
    const again = await send(t, a, b, "once", { clientId: "retry-1" });
    assertEquals([first.status, again.status, again.json.id], [201, 200, first.json.id]);
    const racing = await Promise.all(Array.from({ length: 5 }, () => send(t, b, a, "race", { clientId: "r" })));
    assertEquals(new Set(racing.map((r) => r.json.id)).size, 1);
    assertEquals(racing.map((r) => r.status).sort(), [200, 200, 200, 200, 201]);
    const key = { "idempotency-key": "msg-key" };
    const k1 = await send(t, a, b, "keyed", {}, key);
    const k2 = await send(t, a, b, "keyed", {}, key);
    assertEquals([k1.status, k2.status, k2.headers.get("idempotent-replayed"), k2.json.id], [
      201,
      201,
      "true",
      k1.json.id,
    ]);
    assertProblem(await send(t, a, b, "other body", {}, key), 422);
    const thread = await call(t, "GET", `/api/messages?with=${b.user.id}&limit=100`, undefined, a.accessToken);
    assertEquals((thread.json.items as Json[]).length, 3, "once, race, keyed");
  });
});

Deno.test("[api] only connections may message: 403 otherwise; self 422; unknown 404; bad bodies 422", async () => {
  await withTestApp(async (t) => {
    const [a, b] = await connected(t);
    const stranger = await signUp(t);
    assertProblem(await send(t, a, stranger, "hi"), 403);
    assertProblem(await send(t, stranger, a, "hi"), 403);
    const pending = await call(t, "POST", "/api/connections", { receiverId: stranger.user.id }, b.accessToken);
    assertEquals(pending.status, 201);
    assertProblem(await send(t, b, stranger, "pending is not enough"), 403);
    assertProblem(await send(t, a, a, "me"), 422);
    assertProblem(await call(t, "POST", "/api/messages", { receiverId: "999999", content: "x" }, a.accessToken), 404);
    for (
      const [body, field] of [
        [{ receiverId: b.user.id, content: "" }, "content"],
        [{ receiverId: b.user.id, content: "  \n " }, "content"],
        [{ receiverId: b.user.id, content: "x".repeat(5001) }, "content"],
        [{ receiverId: b.user.id, content: "ok", clientId: "" }, "clientId"],
        [{ receiverId: b.user.id, content: "ok", clientId: "x".repeat(65) }, "clientId"],
        [{ receiverId: b.user.id, content: "ok", clientId: "has space" }, "clientId"],
        [{ receiverId: b.user.id, content: "ok", isRead: true }, "isRead"],
        [{ content: "ok" }, "receiverId"],
      ] as const
    ) {
      const res = await call(t, "POST", "/api/messages", body, a.accessToken);
      assertProblem(res, 422);
      assertEquals((res.json.errors as Json[])[0].path, field, res.text);
    }
    const ok = await send(t, a, b, "🚀".repeat(5000));
    assertEquals(ok.status, 201, "5,000 characters, whatever their bytes");
    // Removing the connection stops new messages; the history stays readable.
    const list = await call(t, "GET", "/api/connections", undefined, a.accessToken);
    await call(t, "DELETE", `/api/connections/${(list.json.items as Json[])[0].id}`, undefined, a.accessToken);
    assertProblem(await send(t, a, b, "after"), 403);
    const thread = await call(t, "GET", `/api/messages?with=${b.user.id}`, undefined, a.accessToken);
    assertEquals((thread.json.items as Json[]).length, 1);
  });
});

Deno.test("[api] conversations newest first with unread counts; a thread pages newest first; read clears it", async () => {
  await withTestApp(async (t) => {
    const [a, b] = await connected(t);
    const c = await signUp(t);
    const inv = await call(t, "POST", "/api/connections", { receiverId: a.user.id }, c.accessToken);
    await call(t, "PUT", `/api/connections/${inv.json.id}`, { status: "accepted" }, a.accessToken);
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push((await send(t, b, a, `b${i}`)).json.id);
    await send(t, a, b, "reply");
    await send(t, c, a, "from c");
    const list = await call(t, "GET", "/api/messages", undefined, a.accessToken);
    assertEquals(list.status, 200, list.text);
    const items = list.json.items as Json[];
    assertEquals(items.map((i) => [(i.user as Json).id, (i.lastMessage as Json).content, i.unreadCount]), [
      [c.user.id, "from c", 1],
      [b.user.id, "reply", 5],
    ]);
    assertEquals(Object.keys(items[0].user as Json).sort(), [
      "firstName",
      "headline",
      "id",
      "lastName",
      "profilePictureUrl",
    ]);

    const seen: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = (await call(
        t,
        "GET",
        `/api/messages?with=${b.user.id}&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        undefined,
        a.accessToken,
      )).json;
      seen.push(...(page.items as Json[]).map((m) => m.content));
      cursor = page.nextCursor as string | null;
    } while (cursor);
    assertEquals(seen, ["reply", "b4", "b3", "b2", "b1", "b0"]);
    // A cursor of one thread does not page another.
    const page = (await call(t, "GET", `/api/messages?with=${b.user.id}&limit=2`, undefined, a.accessToken)).json;
    assertProblem(
      await call(t, "GET", `/api/messages?with=${c.user.id}&cursor=${page.nextCursor}`, undefined, a.accessToken),
      422,
    );
    for (const q of ["?cursor=abc", "?limit=0", "?with=", "?other=1"]) {
      assertProblem(await call(t, "GET", `/api/messages${q}`, undefined, a.accessToken), 422);
    }
    assertProblem(await call(t, "GET", "/api/messages?with=999999", undefined, a.accessToken), 404);

    const read = await call(t, "POST", "/api/messages/read", { with: b.user.id }, a.accessToken);
    assertEquals(read.status, 204, read.text);
    const after = (await call(t, "GET", "/api/messages", undefined, a.accessToken)).json.items as Json[];
    assertEquals(after.map((i) => i.unreadCount), [1, 0]);
    const mine = (await call(t, "GET", `/api/messages/${sent[0]}`, undefined, b.accessToken)).json;
    assertEquals(mine.isRead, true, "the sender sees it read");
    // Only the receiver's side is marked: b marking a's conversation read does not touch what b sent.
    const bRead = await call(t, "POST", "/api/messages/read", { with: a.user.id }, b.accessToken);
    assertEquals(bRead.status, 204);
    assertProblem(await call(t, "POST", "/api/messages/read", { with: "999999" }, a.accessToken), 404);
    assertProblem(await call(t, "POST", "/api/messages/read", {}, a.accessToken), 422);
    assertProblem(await call(t, "POST", "/api/messages/read", { with: b.user.id }), 401);
  });
});

Deno.test("[api] a message notifies its receiver once per sender until read", async () => {
  await withTestApp(async (t) => {
    const [a, b] = await connected(t);
    const unread = async () =>
      (await call(t, "GET", "/api/notifications", undefined, b.accessToken)).json as Json & { items: Json[] };
    const before = (await unread()).unreadCount as number;
    await send(t, a, b, "one");
    const second = await send(t, a, b, "two");
    const page = await unread();
    assertEquals(page.unreadCount, before + 1);
    const note = page.items.find((n) => n.type === "message:received")!;
    assertEquals([(note.actor as Json).id, note.subjectId, note.read], [a.user.id, second.json.id, false]);
    await call(t, "POST", "/api/messages/read", { with: a.user.id }, b.accessToken);
    assertEquals((await unread()).unreadCount, before);
    await send(t, a, b, "three");
    assertEquals((await unread()).unreadCount, before + 1);
  });
});

Deno.test("[api] the OpenAPI document describes messages and WebSocket tickets", async () => {
  await withTestApp(async (t) => {
    const paths = (await call(t, "GET", "/api/openapi.json")).json.paths as Record<string, Json>;
    for (const p of ["/api/messages", "/api/messages/{id}", "/api/messages/read", "/api/ws/ticket"]) {
      assert(paths[p], `${p} is documented`);
    }
    assert((paths["/api/messages"] as Json).post && (paths["/api/messages"] as Json).get);
  });
});
