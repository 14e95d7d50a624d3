// Outages of the app's backends, on servers of the test's own (tests/faults/servers.ts): a MariaDB that is killed or
// frozen answers 503 with retry-after (never 500, never a hang) and the app recovers when it is back; a Redis that is
// killed or frozen leaves the instance ready but degraded, with posts still working and sign-in refused (fail closed).
import { assert, assertEquals } from "../../framework/testing/assert.ts";
import { type PrivateServer, requireBinaries, startApp, startPrivateMariadb, startPrivateRedis } from "./servers.ts";

const bin = requireBinaries("mariadbd", "mariadb-install-db", "redis-server");

interface Answer {
  status: number;
  retryAfter: string | null;
  type: string;
  ms: number;
  body: string;
}

// Generous: the pool gives up after 5 s waiting for a connection and 5 s for a statement.
const HANG_MS = 30_000;

async function send(origin: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(origin + path, { ...init, redirect: "manual", signal: AbortSignal.timeout(HANG_MS) });
  const body = await res.text();
  return {
    status: res.status,
    retryAfter: res.headers.get("retry-after"),
    type: res.headers.get("content-type") ?? "",
    ms: Date.now() - started,
    body,
  };
}

function tally(answers: Answer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) out[a.status] = (out[a.status] ?? 0) + 1;
  return out;
}

function tallyBy(lines: string[], field: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of lines) {
    const v = String(JSON.parse(l)[field]);
    out[v] = (out[v] ?? 0) + 1;
  }
  return out;
}

async function eventually(what: string, ok: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
}

Deno.test({
  name: "[faults] a killed or frozen database answers 503 with retry-after; a Redis outage only degrades readiness",
  ignore: !bin,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const servers: PrivateServer[] = [];
    const dataDir = await Deno.makeTempDir({ prefix: "prok-fault-outage-" });
    let app: Awaited<ReturnType<typeof startApp>> | undefined;
    try {
      const db = await startPrivateMariadb(bin!);
      servers.push(db);
      const redis = await startPrivateRedis(bin!);
      servers.push(redis);
      app = await startApp({
        DATABASE_URL: db.url,
        REDIS_URL: redis.url,
        PROK_DATA_DIR: dataDir,
        PROK_RATE_LIMIT_FACTOR: "100",
      });
      const origin = app.origin;
      const json = (token?: string) => ({
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      });
      const email = `outage.${crypto.randomUUID().slice(0, 8)}@example.com`;
      const password = "correct horse battery";
      const reg = await send(origin, "/api/auth/register", {
        method: "POST",
        headers: json(),
        body: JSON.stringify({ email, password, firstName: "Ada", lastName: "Outage" }),
      });
      assertEquals(reg.status, 201, reg.body);
      const { accessToken } = JSON.parse(reg.body) as { accessToken: string };
      const post = (text: string) =>
        send(origin, "/api/posts", {
          method: "POST",
          headers: json(accessToken),
          body: JSON.stringify({ content: text }),
        });
      assertEquals((await post("before the outage")).status, 201);

      // One round of what members do: read the feed and their profile, post, open the jobs page, sign in.
      const round = () =>
        Promise.all([
          send(origin, "/api/posts", { headers: json(accessToken) }),
          send(origin, "/api/users/me", { headers: json(accessToken) }),
          post("during the outage"),
          send(origin, "/jobs"),
          send(origin, "/api/auth/login", {
            method: "POST",
            headers: json(),
            body: JSON.stringify({ email, password }),
          }),
        ]);
      const assertUnavailable = (answers: Answer[], phase: string) => {
        for (const a of answers) {
          assertEquals(a.status, 503, `${phase}: ${a.status} ${a.body.slice(0, 300)}`);
          assertEquals(a.retryAfter, "5", phase);
          assert(/problem\+json|text\/html/.test(a.type), `${phase}: ${a.type}`);
        }
      };
      const recovered = () =>
        eventually(
          "recovery",
          async () => (await send(origin, "/api/users/me", { headers: json(accessToken) })).status === 200,
        );

      // The database killed: every request is 503 with retry-after at once, and readiness takes the instance out.
      await db.kill();
      const killed: Answer[] = [];
      for (let i = 0; i < 6; i++) killed.push(...await round());
      assertUnavailable(killed, "killed");
      assertEquals((await send(origin, "/readyz")).status, 503);
      console.log(`killed MariaDB: ${JSON.stringify(tally(killed))}`);
      await db.restart();
      await recovered();
      assertEquals((await post("after the restart")).status, 201);

      // The database frozen: it accepts connections and answers nothing; requests give up within the timeouts.
      db.freeze();
      const frozen: Answer[] = [];
      for (let i = 0; i < 2; i++) frozen.push(...await round());
      db.thaw();
      assertUnavailable(frozen, "frozen");
      const slowest = Math.max(...frozen.map((a) => a.ms));
      assert(slowest < HANG_MS, `a request waited ${slowest} ms`);
      console.log(`frozen MariaDB: ${JSON.stringify(tally(frozen))}, slowest ${slowest} ms`);
      await recovered();

      // Redis killed, then frozen: still ready (degraded), posts and reads work, sign-in fails closed with 503.
      for (const how of ["killed", "frozen"] as const) {
        if (how === "killed") await redis.kill();
        else redis.freeze();
        const ready = await send(origin, "/readyz");
        assertEquals(ready.status, 200, ready.body);
        const body = JSON.parse(ready.body);
        assertEquals([body.status, body.degraded], ["degraded", ["redis"]], ready.body);
        const answers = [
          await post(`with Redis ${how}`),
          await send(origin, "/api/posts", { headers: json(accessToken) }),
        ];
        assertEquals(answers.map((a) => a.status), [201, 200], answers.map((a) => a.body.slice(0, 200)).join("\n"));
        const login = await send(origin, "/api/auth/login", {
          method: "POST",
          headers: json(),
          body: JSON.stringify({ email, password }),
        });
        assertEquals([login.status, login.retryAfter], [503, "5"], login.body);
        console.log(`${how} Redis: ${JSON.stringify(tally([ready, ...answers, login]))}`);
        if (how === "killed") await redis.restart();
        else redis.thaw();
        await eventually(`ready again after Redis ${how}`, async () => {
          const r = await send(origin, "/readyz");
          return r.status === 200 && JSON.parse(r.body).status === "ready";
        });
      }
      const lines = app.lines();
      const fiveHundreds = lines.filter((l) => l.includes('"status":500'));
      assertEquals(fiveHundreds, [], "no request was answered 500");
      // Through all of it the process wrote JSON lines only, each with its time and level.
      const plain = lines.filter((l) => {
        try {
          const r = JSON.parse(l);
          return typeof r.time !== "string" || typeof r.level !== "string";
        } catch {
          return true;
        }
      });
      assertEquals(plain, [], "every line the app printed is a JSON log line");
      console.log(`log lines: ${lines.length}, by level ${JSON.stringify(tallyBy(lines, "level"))}`);
      const notable = lines.filter((l) => /"level":"(warn|error)"/.test(l));
      console.log(`warnings and errors by msg: ${JSON.stringify(tallyBy(notable, "msg"))}`);
    } finally {
      await app?.terminate(10_000).catch(() => {});
      for (const s of servers) await s.cleanup();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});
