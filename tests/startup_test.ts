// main.ts as a process: what an operator sees at start-up, and a clean stop on SIGTERM. Children get a cleared
// environment (clearEnv) so that backends CI configures do not leak into "no environment at all".
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../framework/testing/assert.ts";
import { parseIssuedUrl } from "../services/media/urls.ts";
import { captureLogs } from "../services/testing.ts";
import { freePort } from "../tasks/bench/processes.ts";
import { createTestApp } from "./testing.ts";

const root = new URL("..", import.meta.url).pathname;
const CLEAN_ENV = ["DATABASE_URL", "REDIS_URL", "MEILI_URL", "MEILI_API_KEY", "SMTP_URL", "PROK_SECRET", "PROK_ORIGIN"];

function baseEnv(extra: Record<string, string>): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of CLEAN_ENV) delete env[name];
  return { ...env, NO_COLOR: "1", PROK_DRAIN_MS: "0", ...extra };
}

Deno.test("[startup] a bad environment value stops start-up with one line naming it", async () => {
  for (
    const [env, expected] of [
      [{ PORT: "http" }, "Invalid environment variable PORT: must be a number"],
      [{ PROK_ENV: "production" }, "Invalid environment variable PROK_SECRET: production needs a secret"],
      [
        { PROK_ENV: "production", PROK_SECRET: "s".repeat(40) },
        "Invalid environment variable PROK_ORIGIN: production needs the public origin",
      ],
      // Any environment: a secret generated per instance would part the accounts of instances sharing the database.
      [
        { PROK_ENV: "development", DATABASE_URL: "mysql://root@127.0.0.1:3306/prok" },
        "Invalid environment variable PROK_SECRET: DATABASE_URL needs a secret that every instance shares",
      ],
    ] as const
  ) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "main.ts"],
      cwd: root,
      env: baseEnv(env),
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr).trim();
    assertEquals(out.code, 1);
    assertEquals(stderr.split("\n").length, 1, stderr);
    assertStringIncludes(stderr, expected);
  }
});

Deno.test("[startup] logs the adapter of every port, serves the landing page, and stops cleanly on SIGTERM", async () => {
  const port = freePort();
  const dataDir = await Deno.makeTempDir({ prefix: "prok-start-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: root,
    env: baseEnv({
      PORT: String(port),
      PROK_DATA_DIR: dataDir,
      PROK_ENV: "production",
      PROK_SECRET: "s".repeat(40),
      PROK_ORIGIN: `http://127.0.0.1:${port}`,
    }),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += value;
      const parts = buffered.split("\n");
      buffered = parts.pop()!;
      lines.push(...parts);
    }
  })();
  try {
    const deadline = Date.now() + 30_000;
    while (!lines.some((l) => l.includes('"msg":"listening"'))) {
      assert(Date.now() < deadline, `server did not start: ${lines.join("\n")}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const listening = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "listening");
    assertEquals(listening.url, `http://0.0.0.0:${port}/`, "production listens on every interface");
    const adapters = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "port adapter");
    assertEquals(adapters.map((a) => `${a.port}=${a.adapter}`), [
      "store=deno-kv",
      "queue=deno-kv",
      "rate-limit=memory",
      "pubsub=memory",
      "search=builtin",
      "mail=outbox",
      "media=disk",
      "sweeps=timers",
    ]);
    const res = await fetch(`http://127.0.0.1:${port}/`);
    assertMatch(res.headers.get("content-security-policy")!, /'nonce-/);
    assert(!(await res.text()).includes("<script"));
    child.kill("SIGTERM");
    const status = await child.status;
    assertEquals(status.code, 0);
    assert(lines.some((l) => l.includes('"msg":"shutting down"')));
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await pump.catch(() => {});
    await child.stderr.cancel().catch(() => {});
    await Deno.remove(dataDir, { recursive: true });
  }
});

async function runMain(env: Record<string, string>, untilLine: RegExp): Promise<string[]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: root,
    env: baseEnv(env),
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines: string[] = [];
  let buffered = "";
  const decoder = new TextDecoder();
  try {
    for await (const chunk of child.stdout) {
      buffered += decoder.decode(chunk, { stream: true });
      const parts = buffered.split("\n");
      buffered = parts.pop()!;
      lines.push(...parts);
      if (lines.some((l) => untilLine.test(l))) break;
    }
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
  return lines;
}

Deno.test("[startup] a fresh development store gets a demo network with its password printed once", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "prok-demo-" });
  try {
    const env = { PORT: String(freePort()), PROK_DATA_DIR: dataDir, PROK_ENV: "development" };
    const first = await runMain(env, /^Prok answers this machine only/);
    const listening = first.find((l) => l.includes('"msg":"listening"'))!;
    assertEquals(JSON.parse(listening).url, `http://127.0.0.1:${env.PORT}/`, "development answers this machine only");
    assert(first.some((l) => l.startsWith("Prok answers this machine only, at http://127.0.0.1:")), first.join("\n"));
    assert(first.some((l) => /Their shared password, shown once: demo-/.test(l)), first.join("\n"));
    assert(first.some((l) => l.includes("amara.demo@prok.test")));
    await assertDemoPictures(dataDir);
    const second = await runMain({ ...env, PORT: String(freePort()) }, /"msg":"listening"/);
    assert(!second.some((l) => l.includes("shown once")), "only an empty store is seeded");

    const off = await Deno.makeTempDir({ prefix: "prok-nodemo-" });
    const none = await runMain({ ...env, PORT: String(freePort()), PROK_DATA_DIR: off, PROK_DEMO: "0" }, /listening/);
    assert(!none.some((l) => l.includes("demo network")), "PROK_DEMO=0 turns it off");
    await Deno.remove(off, { recursive: true });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

/** Every demo member shows a picture main.ts put through the pipeline, served by GET /media/… (in-process, same KV). */
async function assertDemoPictures(dataDir: string): Promise<void> {
  const t = await createTestApp({ PROK_ENV: "development", PROK_DATA_DIR: dataDir }, [], {
    kvPath: `${dataDir}/prok.kv`,
  });
  try {
    const { items } = await t.app.store.listUsers({ limit: 100 });
    assertEquals(items.length, 6);
    for (const member of items) {
      const url = member.profilePictureUrl ?? "";
      assert(parseIssuedUrl(url), `${member.email}: an issued picture URL, not ${JSON.stringify(url)}`);
      const res = await captureLogs(() => t.fetch(url));
      assertEquals([res.result.status, res.result.headers.get("content-type")], [200, "image/jpeg"], url);
      await res.result.body?.cancel();
    }
  } finally {
    await t.close();
  }
}

Deno.test("[startup] admin:create promotes an existing member or creates an admin with a one-time password", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "prok-admin-" });
  const task = (email: string) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "tasks/admin_create.ts", email],
      cwd: root,
      env: baseEnv({ PROK_DATA_DIR: dataDir, PROK_ENV: "development" }),
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
  try {
    const created = await task("root@prok.test");
    const out = new TextDecoder().decode(created.stdout);
    assertEquals(created.code, 0, new TextDecoder().decode(created.stderr));
    assertMatch(out, /Created admin root@prok\.test \(member \S+\)\. Password, shown once: \S{20,}/);
    const again = await task("ROOT@prok.test");
    assertStringIncludes(new TextDecoder().decode(again.stdout), "is now an admin");
    const bad = await task("not-an-email");
    assertEquals(bad.code, 2);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
