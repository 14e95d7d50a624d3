// The WebSocket of API.md over a real loopback connection: who may open one, every event both ways, the limits, a
// reconnect that syncs, sign-out closing sockets, shutdown with 1001, and two instances joined by Redis.
import { assert, assertEquals } from "../framework/testing/assert.ts";
import { eventually, requireServer } from "../services/testing.ts";
import { LIMITS, SESSION_ENDED } from "../services/realtime/hub.ts";
import { assertProblem, call, connected, type Json, signUp } from "./api_client.ts";
import { serveHandler } from "./serve.ts";
import { asMember, type Client, open } from "./socket_client.ts";
import { createTestApp, type TestApp } from "./testing.ts";

async function withServed(fn: (t: TestApp, url: string) => Promise<void>, env: Record<string, string> = {}) {
  const t = await createTestApp(env);
  const served = await serveHandler(t.handler);
  try {
    await fn(t, served.url);
  } finally {
    t.app.hub.closeAll();
    await served.close();
    await t.close();
  }
}

/** An upgrade that must be refused: its HTTP status. */
async function refusedStatus(url: string, headers: Record<string, string>, query = ""): Promise<number> {
  const res = await fetch(`${url}/api/ws${query}`, {
    headers: {
      connection: "upgrade",
      upgrade: "websocket",
      "sec-websocket-version": "13",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      ...headers,
    },
  });
  await res.body?.cancel();
  return res.status;
}

Deno.test({
  name: "[ws] only members from the site's own pages open sockets; tickets are single use",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServed(async (t, url) => {
      const a = await signUp(t);
      assertEquals(await refusedStatus(url, { origin: url }), 401);
      assertEquals(
        await refusedStatus(url, { origin: "https://evil.example", cookie: `prok_at=${a.accessToken}` }),
        403,
      );
      assertEquals(await refusedStatus(url, { cookie: `prok_at=${a.accessToken}` }), 403, "a cookie needs an Origin");
      assertEquals(await refusedStatus(url, { origin: url, authorization: `Bearer ${a.accessToken}` }), 401);
      const plain = await fetch(`${url}/api/ws`, { headers: { cookie: `prok_at=${a.accessToken}`, origin: url } });
      assertEquals(plain.status, 400);
      await plain.body?.cancel();

      const ticket = await call(t, "POST", "/api/ws/ticket", undefined, a.accessToken);
      assertEquals(ticket.status, 201, ticket.text);
      const socket = await open(url, { ticket: ticket.json.ticket as string });
      assertEquals(await refusedStatus(url, {}, `?ticket=${ticket.json.ticket}`), 401, "used once");
      assertEquals(await refusedStatus(url, {}, "?ticket=forged"), 401);
      assertEquals(await refusedStatus(url, { origin: "https://evil.example" }, `?ticket=${ticket.json.ticket}`), 403);
      assertProblem(await call(t, "POST", "/api/ws/ticket"), 401);
      await socket.close();
    });
  },
});

Deno.test({
  name: "[ws] a message is stored, acked to its socket, and delivered to every other socket of both members",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServed(async (t, url) => {
      const [a, b] = await connected(t);
      const [a1, a2, b1, b2] = [
        await asMember(url, a),
        await asMember(url, a),
        await asMember(url, b),
        await asMember(url, b),
      ];
      a1.send("message:send", { receiverId: b.user.id, content: "Hi B 👋", clientId: "m1" });
      const ack = await a1.next("message:ack");
      assertEquals(ack.clientId, "m1");
      const message = ack.message as Json;
      const stored = await call(t, "GET", `/api/messages/${message.id}`, undefined, b.accessToken);
      assertEquals(stored.json, message, "acknowledged only once stored");
      for (const c of [a2, b1, b2]) assertEquals((await c.next("message:receive")).message, message);
      assertEquals(a1.of("message:receive"), [], "the sending socket gets the ack instead");
      await a1.next("message:delivered", (d) => d.id === message.id);

      // The same clientId again: acked with the first message, delivered to nobody again.
      a1.send("message:send", { receiverId: b.user.id, content: "Hi B 👋", clientId: "m1" });
      await a1.next("message:ack", () => true, a1.frames.length);
      assertEquals((a1.of("message:ack")[1].message as Json).id, message.id);

      // REST sends arrive live too, in order.
      for (let i = 0; i < 5; i++) {
        assertEquals(
          (await call(t, "POST", "/api/messages", { receiverId: a.user.id, content: `r${i}` }, b.accessToken)).status,
          201,
        );
      }
      await a1.next("message:receive", (d) => (d.message as Json).content === "r4");
      assertEquals(a1.of("message:receive").map((d) => (d.message as Json).content), ["r0", "r1", "r2", "r3", "r4"]);
      const notes = a1.of("notification").map((d) => (d.notification as Json).type);
      assert(notes.includes("message:received"), JSON.stringify(notes));

      // Reading tells the sender.
      await call(t, "POST", "/api/messages/read", { with: b.user.id }, a.accessToken);
      assertEquals((await b1.next("message:read")).by, a.user.id);

      // The member's first socket goes; the one left still hears everything.
      await a1.close();
      await eventually(() => Promise.resolve(t.app.hub.size), (n) => n === 3, "the hub letting a1 go");
      await call(t, "POST", "/api/messages", { receiverId: a.user.id, content: "after" }, b.accessToken);
      await a2.next("message:receive", (d) => (d.message as Json).content === "after");
      for (const c of [a2, b1, b2]) await c.close();
    });
  },
});

Deno.test({
  name: "[ws] bad frames get error events; a non-connection is refused; an oversized frame closes 1009, abuse 1008",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServed(async (t, url) => {
      const [a] = await connected(t);
      const stranger = await signUp(t);
      let s = await asMember(url, a);
      s.send("message:send", { receiverId: stranger.user.id, content: "hi", clientId: "x1" });
      const refused = await s.next("error", (d) => d.clientId === "x1");
      assertEquals(refused.code, "forbidden");
      s.ws.send(
        JSON.stringify({
          type: "message:send",
          data: { receiverId: a.user.id, content: "x".repeat(LIMITS.frameBytes), clientId: "big" },
        }),
      );
      assertEquals((await s.next("error", (d) => d.code === "frame-too-large")).clientId, undefined);
      const tooBig = await s.closed;
      assertEquals([tooBig.code, tooBig.reason], [1009, "frames are at most 16 KiB"]);
      s = await asMember(url, a);
      s.send("message:send", { receiverId: stranger.user.id, content: "", clientId: "x2" });
      assertEquals((await s.next("error", (d) => d.clientId === "x2")).code, "bad-frame");
      s.send("teleport", {});
      await s.next("error", (d) => d.code === "unknown-type");
      s.send("sync", { since: "999999" });
      await s.next("error", (d) => d.code === "not-found");
      const before = await call(t, "GET", `/api/messages`, undefined, stranger.accessToken);
      assertEquals(before.json.items, [], "nothing was stored");
      await s.close();
      // A fresh socket: each bad frame is answered until the last one closes it.
      const abuser = await asMember(url, a);
      for (let i = 1; i < LIMITS.strikes; i++) {
        abuser.ws.send("not json");
        await abuser.next("error", () => abuser.of("error").length === i);
      }
      abuser.ws.send("not json");
      assertEquals((await abuser.closed).code, 1008);
    });
  },
});

Deno.test({
  name: "[ws] typing reaches the other member and stops by itself after 5 s",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServed(async (t, url) => {
      const [a, b] = await connected(t);
      const [sa, sb] = [await asMember(url, a), await asMember(url, b)];
      sa.send("typing:start", { to: b.user.id });
      assertEquals((await sb.next("typing:start")).from, a.user.id);
      const started = Date.now();
      await sb.next("typing:stop", () => true, 0, LIMITS.typingMs + 3_000);
      const waited = Date.now() - started;
      assert(waited >= LIMITS.typingMs - 500, `stopped after ${waited} ms`);
      sa.send("typing:start", { to: b.user.id });
      await sb.next("typing:start", () => true, sb.frames.length);
      sa.send("typing:stop", { to: b.user.id });
      await sb.next("typing:stop", () => true, sb.frames.length - 1);
      await sa.close();
      await sb.close();
    });
  },
});

Deno.test({
  name: "[ws] a message sent the moment a socket opens reaches it live, however slowly its channel subscribes",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServed(async (t, url) => {
      const [a, b] = await connected(t);
      // Redis takes a round trip to subscribe; here it takes 300 ms, so a window before it would lose the message.
      const pubsub = t.app.pubsub;
      const subscribe = pubsub.subscribe.bind(pubsub);
      pubsub.subscribe = async (channel, onMessage) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return await subscribe(channel, onMessage);
      };
      const sa = await asMember(url, a);
      const sent = await call(
        t,
        "POST",
        "/api/messages",
        { receiverId: a.user.id, content: "right away" },
        b.accessToken,
      );
      assertEquals(sent.status, 201, sent.text);
      assertEquals(((await sa.next("message:receive")).message as Json).id, sent.json.id);
      await sa.close();
    });
  },
});

Deno.test({
  name: "[ws] after a reconnect, sync brings exactly what was missed, in order",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServed(async (t, url) => {
      const [a, b] = await connected(t);
      const sa = await asMember(url, a);
      const sb = await asMember(url, b);
      sb.send("message:send", { receiverId: a.user.id, content: "before", clientId: "b0" });
      const last = (await sa.next("message:receive")).message as Json;
      await sa.close(); // a goes offline
      for (let i = 1; i <= 3; i++) {
        sb.send("message:send", { receiverId: a.user.id, content: `missed ${i}`, clientId: `b${i}` });
        await sb.next("message:ack", (d) => d.clientId === `b${i}`);
      }
      const back = await asMember(url, a);
      back.send("sync", { since: last.id });
      const done = await back.next("sync");
      assertEquals(done.complete, true);
      const got = back.of("message:receive").map((d) => (d.message as Json).content);
      // The catch-up reaches a little before `since`; the client drops what it has by id.
      const fresh = got.filter((c) => c !== "before");
      assertEquals(fresh, ["missed 1", "missed 2", "missed 3"]);
      await back.close();
      await sb.close();
    });
  },
});

Deno.test({
  name: "[ws] message:send validates with the schema of POST /api/messages: control characters are refused",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServed(async (t, url) => {
      const [a, b] = await connected(t);
      const s = await asMember(url, a);
      for (const [clientId, content] of [["nul", "a\u0000b"], ["esc", "\u001b[31mred"]]) {
        const rest = await call(t, "POST", "/api/messages", { receiverId: b.user.id, content }, a.accessToken);
        assertProblem(rest, 422);
        s.send("message:send", { receiverId: b.user.id, content, clientId });
        const refused = await s.next("error", (d) => d.clientId === clientId);
        assertEquals(refused.code, "bad-frame");
        assert(
          String(refused.message).includes("content must not contain control characters"),
          String(refused.message),
        );
      }
      s.send("message:send", { receiverId: b.user.id, content: "fine\nafter all", clientId: "ok" });
      await s.next("message:ack", (d) => d.clientId === "ok");
      const thread = await call(t, "GET", `/api/messages?with=${a.user.id}`, undefined, b.accessToken);
      assertEquals((thread.json.items as Json[]).map((m) => m.content), ["fine\nafter all"]);
      await s.close();
    });
  },
});

Deno.test({
  name: "[ws] the socket and POST /api/messages spend one message budget: 429 with retry-after once it is spent",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServed(async (t, url) => {
      const [a, b] = await connected(t);
      const s = await asMember(url, a);
      const budget = 12; // 120 * 0.1
      for (let i = 0; i < budget - 1; i++) {
        s.send("message:send", { receiverId: b.user.id, content: `m${i}`, clientId: `m${i}` });
        await s.next("message:ack", (d) => d.clientId === `m${i}`);
      }
      const rest = await call(t, "POST", "/api/messages", { receiverId: b.user.id, content: "by REST" }, a.accessToken);
      assertEquals(rest.status, 201);
      s.send("message:send", { receiverId: b.user.id, content: "one too many", clientId: "over" });
      assertEquals((await s.next("error", (d) => d.clientId === "over")).code, "rate-limited");
      const flood = await call(t, "POST", "/api/messages", { receiverId: b.user.id, content: "flood" }, a.accessToken);
      assertProblem(flood, 429);
      assert(Number(flood.headers.get("retry-after")) >= 1);
      const thread = await call(t, "GET", `/api/messages?with=${a.user.id}&limit=100`, undefined, b.accessToken);
      assertEquals((thread.json.items as Json[]).length, budget);
      // The budget is the member's, not the socket's: a ticket is limited too.
      const tickets = 3; // 30 * 0.1
      for (let i = 0; i < tickets; i++) {
        assertEquals((await call(t, "POST", "/api/ws/ticket", {}, a.accessToken)).status, 201);
      }
      assertProblem(await call(t, "POST", "/api/ws/ticket", {}, a.accessToken), 429);
      await s.close();
    }, { PROK_RATE_LIMIT_FACTOR: "0.1" }); // two registrations from one address, 12 messages, 3 tickets
  },
});

Deno.test({
  name: "[ws] typing:start is relayed at most once per 2 s per conversation; extra ones are dropped silently",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServed(async (t, url) => {
      const [a, b] = await connected(t);
      const [sa, sb] = [await asMember(url, a), await asMember(url, b)];
      for (let i = 0; i < 20; i++) sa.send("typing:start", { to: b.user.id });
      // Frames are handled in order: once this message arrives, every typing frame before it was handled.
      sa.send("message:send", { receiverId: b.user.id, content: "done typing", clientId: "t1" });
      await sb.next("message:receive");
      assertEquals(sb.of("typing:start").length, 1);
      assertEquals(sa.of("error"), [], "dropped silently");
      await sa.close();
      await sb.close();
    });
  },
});

Deno.test({
  name: "[ws] sync answers pages of at most 200 messages, and a socket may ask a bounded number of times",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServed(async (t, url) => {
      const [a, b] = await connected(t);
      for (let i = 0; i < 230; i++) {
        await t.app.store.createMessage({
          senderId: b.user.id,
          receiverId: a.user.id,
          content: `n${i}`,
          clientId: null,
        });
      }
      const s = await asMember(url, a);
      s.send("sync", { since: null });
      const first = await s.next("sync");
      assertEquals([first.complete, first.count, s.of("message:receive").length], [false, 200, 200]);
      const last = (s.of("message:receive").at(-1)!.message as Json).id;
      s.send("sync", { since: last });
      const second = await s.next("sync", () => true, s.frames.length);
      assertEquals(second.complete, true);
      const contents = new Set(s.of("message:receive").map((d) => (d.message as Json).content));
      assertEquals(contents.size, 230, "every message came, in two pages");
      for (let i = 2; i < LIMITS.syncsPerMinute; i++) s.send("sync", { since: last });
      s.send("sync", { since: last });
      assertEquals((await s.next("error", (d) => d.code === "rate-limited")).code, "rate-limited");
      assertEquals(s.of("sync").length, LIMITS.syncsPerMinute);
      await s.close();
    });
  },
});

Deno.test({
  name: "[ws] signing out closes that session's sockets, not the member's others; shutdown closes all with 1001",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServed(async (t, url) => {
      const a = await signUp(t);
      const other = await signUp(t);
      const s = await asMember(url, a);
      const keep = await asMember(url, other);
      const again = await call(t, "POST", "/api/auth/login", { email: a.email, password: a.password });
      assertEquals(again.status, 200);
      const elsewhere = await asMember(url, { ...a, accessToken: again.json.accessToken as string });
      assertEquals((await call(t, "POST", "/api/auth/logout", {}, a.accessToken)).status, 204);
      assertEquals((await s.closed).code, SESSION_ENDED);
      assertEquals(await refusedStatus(url, { origin: url, cookie: `prok_at=${a.accessToken}` }), 401);

      const many = [];
      for (let i = 1; i < LIMITS.socketsPerMember; i++) many.push(await asMember(url, other)); // `keep` is one
      const over = await asMember(url, other);
      assertEquals((await over.closed).code, 1008, "one socket too many");
      t.app.hub.closeAll();
      for (const c of [keep, elsewhere, ...many]) assertEquals((await c.closed).code, 1001, "still open until then");
    });
  },
});

const redisUrl = requireServer("REDIS_URL");
Deno.test({
  name: "[ws] two instances on one Redis: a socket on one delivers to a socket on the other",
  ignore: !redisUrl,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "prok-two-instances-" });
    // Redis keeps the sign-up limit per address between runs: this test is about delivery, so it is set out of reach.
    const env = {
      REDIS_URL: redisUrl!,
      PROK_SECRET: "s".repeat(48),
      PROK_DATA_DIR: dir,
      PROK_RATE_LIMIT_FACTOR: "1000",
    };
    // One store shared by both (one KV file), as instances share MySQL; one Redis between their hubs.
    const one = await createTestApp(env, [], { kvPath: `${dir}/prok.kv` });
    const two = await createTestApp(env, [], { kvPath: `${dir}/prok.kv` });
    const [s1, s2] = [await serveHandler(one.handler), await serveHandler(two.handler)];
    try {
      const [a, b] = await connected(one);
      const onOne = await asMember(s1.url, a);
      const onTwo = await asMember(s2.url, b);
      const otherTabOfA = await asMember(s2.url, a);
      onOne.send("message:send", { receiverId: b.user.id, content: "across instances", clientId: "x" });
      const message = (await onOne.next("message:ack")).message as Json;
      assertEquals((await onTwo.next("message:receive")).message, message);
      assertEquals((await otherTabOfA.next("message:receive")).message, message);
      await onOne.next("message:delivered");
      // A sign-out on one instance closes the session's sockets on the other.
      await call(one, "POST", "/api/auth/logout", {}, b.accessToken);
      assertEquals((await onTwo.closed).code, SESSION_ENDED);
      await onOne.close();
      await otherTabOfA.close();
    } finally {
      one.app.hub.closeAll();
      two.app.hub.closeAll();
      await s1.close();
      await s2.close();
      await one.close();
      await two.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Two app instances sharing one store (a KV file), as instances share MySQL; `env` chooses what else they share. */
async function withTwo(env: Record<string, string>, fn: (one: TestApp, two: TestApp, urls: string[]) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "prok-two-instances-" });
  const shared = { PROK_SECRET: "s".repeat(48), PROK_DATA_DIR: dir, PROK_RATE_LIMIT_FACTOR: "1000", ...env };
  const one = await createTestApp(shared, [], { kvPath: `${dir}/prok.kv` });
  const two = await createTestApp(shared, [], { kvPath: `${dir}/prok.kv` });
  const served = [await serveHandler(one.handler), await serveHandler(two.handler)];
  try {
    await fn(one, two, served.map((s) => s.url));
  } finally {
    for (const t of [one, two]) t.app.hub.closeAll();
    for (const s of served) await s.close();
    await one.close();
    await two.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "[ws] the cap on a member's sockets holds across instances; a closed socket frees its place",
  ignore: !redisUrl,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withTwo({ REDIS_URL: redisUrl! }, async (one, two, [u1, u2]) => {
      const a = await signUp(one);
      const key = `ws:sockets:${a.user.id}`;
      const half = LIMITS.socketsPerMember / 2;
      const open: Client[] = [];
      for (let i = 0; i < LIMITS.socketsPerMember; i++) open.push(await asMember(i < half ? u1 : u2, a));
      await eventually(() => one.app.limiter.countLeases(key), (n) => n === LIMITS.socketsPerMember, "every lease");
      const over = await asMember(u2, a);
      const refused = await over.closed;
      assertEquals([refused.code, refused.reason], [
        1008,
        `at most ${LIMITS.socketsPerMember} open sockets per member`,
      ]);
      const held = () => Promise.resolve(one.app.hub.size + two.app.hub.size);
      await eventually(held, (n) => n === LIMITS.socketsPerMember, "the refused socket gone, the others kept");
      await open.shift()!.close(); // one on the first instance goes: its place is free on the second
      await eventually(() => one.app.limiter.countLeases(key), (n) => n === LIMITS.socketsPerMember - 1, "a release");
      const next = await asMember(u2, a);
      await eventually(() => two.app.limiter.countLeases(key), (n) => n === LIMITS.socketsPerMember, "its lease");
      next.send("sync", { since: null }); // answered: the socket is in
      await next.next("sync");
      assertEquals(next.ws.readyState, WebSocket.OPEN);
      for (const c of [...open, next]) await c.close();
      await eventually(() => one.app.limiter.countLeases(key), (n) => n === 0, "every lease released");
    });
  },
});

Deno.test({
  name: "[ws] with the shared limiter away, sockets still open and each instance holds a member to the cap alone",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    // The first instance is whole (in-process limiter); the second's Redis does not answer (nothing listens there).
    await withTwo({}, async (one, _, [u1]) => {
      const a = await signUp(one);
      const dir = one.app.config.dataDir;
      const away = await createTestApp(
        { PROK_SECRET: "s".repeat(48), PROK_DATA_DIR: dir, REDIS_URL: "redis://127.0.0.1:1", PROK_PUBSUB: "memory" },
        [],
        { kvPath: `${dir}/prok.kv` },
      );
      const served = await serveHandler(away.handler);
      try {
        const held: Client[] = [];
        for (let i = 0; i < LIMITS.socketsPerMember; i++) held.push(await asMember(served.url, a));
        const over = await asMember(served.url, a);
        assertEquals((await over.closed).code, 1008, "this instance's own cap");
        const last = held.at(-1)!;
        last.send("sync", { since: null });
        await last.next("sync");
        assertEquals(held.map((c) => c.ws.readyState), held.map(() => WebSocket.OPEN), "none was refused");
        assertEquals(away.app.hub.size, LIMITS.socketsPerMember);
        const elsewhere = await asMember(u1, a); // the other instance cannot know them: its own cap only
        elsewhere.send("sync", { since: null });
        await elsewhere.next("sync");
        for (const c of [...held, elsewhere]) await c.close();
      } finally {
        away.app.hub.closeAll();
        await served.close();
        await away.close();
      }
    });
  },
});

Deno.test({
  name: "[ws] an open socket's lease is renewed while it stays open, and given back when it closes",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const saved = { ...LIMITS };
    // Shortened so the test sees lapses and renewals; a renewal comes 20 times within a lease.
    Object.assign(LIMITS, { socketLeaseMs: 2_000, socketRenewMs: 100 });
    try {
      await withServed(async (t, url) => {
        const a = await signUp(t);
        const key = `ws:sockets:${a.user.id}`;
        const s = await asMember(url, a);
        await eventually(() => t.app.limiter.countLeases(key), (n) => n === 1, "the lease");
        await new Promise((r) => setTimeout(r, 3 * LIMITS.socketLeaseMs / 2));
        assertEquals(await t.app.limiter.countLeases(key), 1, "still held past its first lease");
        await s.close();
        await eventually(() => t.app.limiter.countLeases(key), (n) => n === 0, "the release");
      });
    } finally {
      Object.assign(LIMITS, saved);
    }
  },
});

Deno.test({
  name: "[ws] a message with an unpaired surrogate or a non-character is a bad frame and is not stored",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServed(async (t, url) => {
      const [a, b] = await connected(t);
      const s = await asMember(url, a);
      // JSON.stringify writes the lone surrogate as \ud800, which the server's JSON.parse turns back into one.
      s.send("message:send", { receiverId: b.user.id, content: "hi \ud800", clientId: "s1" });
      assertEquals((await s.next("error", (d) => d.clientId === "s1")).code, "bad-frame");
      s.send("message:send", { receiverId: b.user.id, content: "hi \uffff", clientId: "s2" });
      assertEquals((await s.next("error", (d) => d.clientId === "s2")).code, "bad-frame");
      const stored = await call(t, "GET", `/api/messages?with=${b.user.id}`, undefined, a.accessToken);
      assertEquals(stored.json.items, []);
      await s.close();
    });
  },
});
