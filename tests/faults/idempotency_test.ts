// kill -9 of the app mid-burst, against the app as a real process: on the embedded Deno KV store and on a MariaDB of
// the test's own. Every write of the burst carries an Idempotency-Key; after a restart every request that got no 2xx
// is retried with its key, as a client following the protocol does. Every retry must end 2xx within a minute, and
// every write must exist exactly once (a claim used to stay `in-flight` for 24 h: retries got 409 for good, and a
// client that gave up on the key duplicated a write that had committed).
import { assert, assertEquals } from "../../framework/testing/assert.ts";
import { type AppProcess, type PrivateServer, requireBinaries, startApp, startPrivateMariadb } from "./servers.ts";

/** How long every unanswered request may take to get its 2xx after the restart (QUALITY.md: within a minute). */
const RETRY_BOUND_MS = 60_000;
const WRITERS = 8;
const WRITES = 160;
/** The kill lands once this many writes were answered, while WRITERS more are in flight. */
const KILL_AFTER = 40;

type Json = Record<string, unknown>;

interface Write {
  key: string;
  path: string;
  body: Json;
  /** The content that identifies the write in the listings. */
  content: string;
  answered: boolean;
}

async function api(origin: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const all: Record<string, string> = { ...headers };
  if (body !== undefined) all["content-type"] = "application/json";
  const res = await fetch(origin + path, {
    method,
    headers: all,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : {}) as Json, text };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function register(origin: string, name: string) {
  const email = `${name}.${crypto.randomUUID().slice(0, 8)}@example.com`;
  const res = await api(origin, "POST", "/api/auth/register", {
    email,
    password: "correct horse battery",
    firstName: name,
    lastName: "Crash",
  });
  assertEquals(res.status, 201, res.text);
  return { id: (res.json.user as Json).id as string, token: res.json.accessToken as string };
}

/** Every item of a keyset-paginated listing. */
async function listAll(origin: string, path: string, token: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  do {
    const res = await api(
      origin,
      "GET",
      `${path}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      undefined,
      bearer(token),
    );
    assertEquals(res.status, 200, res.text);
    items.push(...(res.json.items as Json[]));
    cursor = (res.json.nextCursor as string | null) ?? null;
  } while (cursor);
  return items;
}

/** What dies mid-burst, and how it comes back (the app as a new process, or the database under the same app). */
interface Fault {
  name: string;
  kill(app: AppProcess): Promise<void>;
  recover(app: AppProcess, env: Record<string, string>): Promise<AppProcess>;
}

const appCrash: Fault = {
  name: "app",
  kill: (app) => app.kill(),
  recover: (app, env) => startApp(env, { port: app.port }),
};

function databaseCrash(db: PrivateServer): Fault {
  return {
    name: "mariadb",
    kill: () => db.kill(),
    recover: async (app) => {
      await db.restart();
      return app;
    },
  };
}

function counts(values: string[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
  return seen;
}

async function crashMidBurst(label: string, storeEnv: Record<string, string>, fault: Fault): Promise<void> {
  const dataDir = await Deno.makeTempDir({ prefix: "prok-fault-idempotency-" });
  const env = { ...storeEnv, PROK_DATA_DIR: dataDir, PROK_RATE_LIMIT_FACTOR: "10000" };
  let app: AppProcess | null = null;
  try {
    app = await startApp(env);
    const { origin } = app;
    const [a, b] = [await register(origin, "Ada"), await register(origin, "Bo")];
    const invite = await api(origin, "POST", "/api/connections", { receiverId: b.id }, bearer(a.token));
    assertEquals(invite.status, 201, invite.text);
    const accept = await api(
      origin,
      "PUT",
      `/api/connections/${invite.json.id}`,
      { status: "accepted" },
      bearer(b.token),
    );
    assertEquals(accept.status, 200, accept.text);

    // Half posts, half messages: two kinds of write, each finishing its claim in its own commit.
    const writes: Write[] = Array.from({ length: WRITES }, (_, i) => {
      const content = `${label} write ${i} ${crypto.randomUUID()}`;
      return i % 2 === 0
        ? { key: `post-${i}`, path: "/api/posts", body: { content }, content, answered: false }
        : { key: `msg-${i}`, path: "/api/messages", body: { receiverId: b.id, content }, content, answered: false };
    });
    let next = 0;
    let answered = 0;
    let killing: Promise<void> | null = null;
    const killed = () => killing !== null;
    const writer = async () => {
      while (next < writes.length && !killed()) {
        const w = writes[next++];
        try {
          const res = await api(origin, "POST", w.path, w.body, { ...bearer(a.token), "idempotency-key": w.key });
          w.answered = res.status >= 200 && res.status < 300;
          if (w.answered && ++answered === KILL_AFTER) killing = fault.kill(app!);
        } catch {
          // The connection died with the process: this one is unanswered.
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    assert(killing !== null, `${label}: the burst ended before the kill`);
    await killing;

    app = await fault.recover(app, env);
    const restarted = Date.now();
    const unanswered = writes.filter((w) => !w.answered);
    let retries = 0;
    let conflicts = 0;
    let replays = 0;
    let longest = 0;
    const failures: string[] = [];
    await Promise.all(unanswered.map(async (w) => {
      for (;;) {
        retries++;
        // The database may still be reconnecting: a refused connection or a 5xx is retried like a 409.
        const res = await api(origin, "POST", w.path, w.body, { ...bearer(a.token), "idempotency-key": w.key })
          .catch(() => ({ status: 0, headers: new Headers(), text: "no answer" }));
        if (res.status >= 200 && res.status < 300) {
          if (res.headers.get("idempotent-replayed") === "true") replays++;
          longest = Math.max(longest, Date.now() - restarted);
          return;
        }
        const retryable = res.status === 409 || res.status === 0 || res.status >= 500;
        if (!retryable || Date.now() - restarted > RETRY_BOUND_MS) {
          failures.push(`${w.key}: ${res.status} ${res.text}`);
          return;
        }
        if (res.status === 409) conflicts++;
        const wait = Number(res.headers.get("retry-after") ?? "1");
        await new Promise((r) => setTimeout(r, Math.min(Math.max(wait, 0.2), 2) * 1000));
      }
    }));
    const figures = [
      `${WRITES} writes`,
      `${WRITES - unanswered.length} answered before the kill`,
      `${unanswered.length} retried with their keys in ${retries} requests`,
      `${conflicts} of them 409 in flight`,
      `${replays} replays of a write committed before the kill`,
      `longest wait for a 2xx after the ${fault.name} restart ${longest} ms`,
    ];
    console.log(`[faults:idempotency:${label}, kill -9 of ${fault.name}] ${figures.join(", ")}`);
    assertEquals(failures, [], `${label}: every retry ends 2xx within a minute`);

    const posts = await listAll(origin, `/api/posts?authorId=${a.id}`, a.token);
    const messages = await listAll(origin, `/api/messages?with=${b.id}`, a.token);
    const stored = counts([...posts, ...messages].map((item) => item.content as string));
    const wrong = writes.filter((w) => stored.get(w.content) !== 1).map((w) =>
      `${w.key}: ${stored.get(w.content) ?? 0}`
    );
    assertEquals(wrong, [], `${label}: every write exists exactly once`);
    assertEquals(posts.length + messages.length, WRITES);
  } finally {
    await app?.kill();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}

Deno.test({
  name: "[faults] kill -9 mid-burst on Deno KV: every unanswered write retried with its key ends 2xx, once",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () => crashMidBurst("deno-kv", {}, appCrash),
});

const bin = requireBinaries("mariadbd", "mariadb-install-db");

Deno.test({
  name: "[faults] kill -9 mid-burst on MariaDB: every unanswered write retried with its key ends 2xx, once",
  ignore: bin === null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const db = await startPrivateMariadb(bin!);
    try {
      await crashMidBurst("mysql", { DATABASE_URL: db.url }, appCrash);
    } finally {
      await db.cleanup();
    }
  },
});

Deno.test({
  name: "[faults] kill -9 of MariaDB mid-burst: every unanswered write retried with its key ends 2xx, once",
  ignore: bin === null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const db = await startPrivateMariadb(bin!);
    try {
      await crashMidBurst("mysql", { DATABASE_URL: db.url }, databaseCrash(db));
    } finally {
      await db.cleanup();
    }
  },
});
