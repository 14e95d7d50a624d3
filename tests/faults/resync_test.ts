// QUALITY.md: "A pub/sub outage never leaves a socket silently deaf." Two app processes share one store (a KV file)
// and a private Redis; member A's socket is on the first, member B writes through the second while Redis is down
// (killed, then started again). Every message stored meanwhile must reach A's open socket once Redis is back: the hub
// says `resync` and A's `sync` brings them.
import { assert, assertEquals } from "../../framework/testing/assert.ts";
import { call, connected, type Json } from "../api_client.ts";
import type { TestApp } from "../testing.ts";
import { freePort } from "../../tasks/bench/processes.ts";
import { type AppProcess, requireBinaries, startApp, startPrivateRedis } from "./servers.ts";

const bin = requireBinaries("redis-server");

/** What the API client needs of an app: its fetch, here over the network to a real process. */
const remote = (app: AppProcess) =>
  ({ fetch: (path: string, init?: RequestInit) => fetch(app.origin + path, init) }) as unknown as TestApp;

interface Frame {
  type: string;
  data: Json;
}

/** A's socket: every frame kept, and a wait for one that matches. */
async function openSocket(app: AppProcess, accessToken: string) {
  const ticket = await call(remote(app), "POST", "/api/ws/ticket", {}, accessToken);
  assertEquals(ticket.status, 201, ticket.text);
  const ws = new WebSocket(`ws://127.0.0.1:${app.port}/api/ws?ticket=${ticket.json.ticket}`);
  const frames: Frame[] = [];
  ws.onmessage = (e) => frames.push(JSON.parse(e.data));
  const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener("close", (e) => resolve(e)));
  await new Promise((resolve, reject) => (ws.onopen = resolve, ws.onerror = reject));
  const until = async (what: string, ok: () => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    while (!ok()) {
      assert(Date.now() < deadline, `${what} within ${ms / 1000} s; got ${JSON.stringify(frames.map((f) => f.type))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { ws, frames, closed, until };
}

Deno.test({
  name: "[faults] a Redis restart: messages stored while it was down reach the other instance's open socket after",
  ignore: !bin,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const redis = await startPrivateRedis(bin!);
    const dir = await Deno.makeTempDir({ prefix: "prok-fault-resync-" });
    // One site behind a balancer: both instances share the origin (tokens name it as their issuer).
    const port = freePort();
    const env = {
      REDIS_URL: redis.url,
      PROK_DATA_DIR: dir,
      PROK_RATE_LIMIT_FACTOR: "1000",
      PROK_ORIGIN: `http://127.0.0.1:${port}`,
    };
    const apps: AppProcess[] = [];
    try {
      apps.push(await startApp(env, { port }), await startApp(env));
      const [one, two] = apps;
      const logTail = () => apps.flatMap((app) => app.lines()).slice(-20).join("\n");
      const [a, b] = await connected(remote(one));
      const socket = await openSocket(one, a.accessToken);
      const send = (content: string) =>
        call(remote(two), "POST", "/api/messages", { receiverId: a.user.id, content }, b.accessToken);

      // Live across instances first, so what follows is about the outage.
      const first = await send("before the outage");
      assertEquals(first.status, 201, `${first.text}\n${logTail()}`);
      const live = (id: unknown) =>
        socket.frames.some((f) => f.type === "message:receive" && (f.data.message as Json).id === id);
      await socket.until("the first message live", () => live(first.json.id), 10_000);

      await redis.kill();
      const n = 20;
      const stored: string[] = [];
      for (let i = 0; i < n; i++) {
        const res = await send(`during the outage ${i}`);
        assertEquals(res.status, 201, `message ${i} stored with Redis down: ${res.text}\n${logTail()}`);
        stored.push(res.json.id as string);
      }
      const liveDuring = stored.filter(live).length;
      assertEquals(socket.frames.filter((f) => f.type === "resync").length, 0, "no resync while Redis is down");

      await redis.restart();
      // The subscriber's reconnect backoff is at most 5 s.
      await socket.until("a resync event", () => socket.frames.some((f) => f.type === "resync"), 30_000);
      const from = socket.frames.length;
      socket.ws.send(JSON.stringify({ type: "sync", data: { since: first.json.id } }));
      await socket.until("the sync's end", () => socket.frames.slice(from).some((f) => f.type === "sync"), 10_000);
      const synced = new Set(
        socket.frames.slice(from).filter((f) => f.type === "message:receive").map((f) => (f.data.message as Json).id),
      );
      const reached = stored.filter((id) => synced.has(id) || live(id));
      console.log(
        `[faults] resync: ${n} messages stored during the outage, ${liveDuring} live meanwhile, ` +
          `${reached.length}/${n} on the socket after the resync`,
      );
      assertEquals(reached, stored);
      assert(socket.ws.readyState === WebSocket.OPEN, "the socket stayed open throughout");
      socket.ws.close();
      await socket.closed;
    } finally {
      for (const app of apps) await app.terminate(10_000).catch(() => {});
      await redis.cleanup();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
