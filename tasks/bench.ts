// `deno task bench`: requests per second and latency of the real app under wrk, next to a bare Deno.serve hello
// measured in the same run, checked against the performance budgets in QUALITY.md. Exits 1 if a budget fails.
//
//   deno task bench [--duration 10s] [--warmup 2s] [--connections 32] [--threads 1] [--tool wrk|autocannon] [--json]
//                   [--feed [--feed-database-url mysql://…]]
//                   [--realtime [--realtime-database-url mysql://…] [--soak-minutes 10] [--soak-rate N]]
//                   [--replica] [--media]
//
// --realtime adds WebSocket deliveries across two instances joined by Redis (REDIS_URL, else redis://127.0.0.1:6379),
// the memory of 10,000 idle sockets, and a soak that checks nothing is lost or duplicated (tasks/bench/realtime.ts).
// --replica compares the feed API reading a MariaDB replica with it reading the primary (tasks/bench/replica.ts).
// --media puts a 12 MP photo through the image pipeline: time per photo and peak memory (tasks/bench/media.ts), then
// measures a light route alone and during a burst of uploads of that photo (tasks/bench/upload_burst.ts).
//
// With --json the human-readable report goes to stderr and one JSON document to stdout.
import { type LoadResult, runLoad, type Tool, WRK_MISSING, wrkVersion } from "./bench/load.ts";
import { type ColdLoad, coldLoad, SLOW_3G, SLOW_4G } from "./bench/cold_load.ts";
import { feedFixture, feedTargets, secondDegreeMember } from "./bench/feed.ts";
import { logOffset, type ServerTime, serverTimeSince } from "./bench/server_time.ts";
import { type BurstResult, loginBurst } from "./bench/login_burst.ts";
import { measurePage, type PageWeight } from "./bench/page.ts";
import {
  appCommand,
  freePort,
  removeTemporary,
  type Server,
  type ServerOptions,
  startServer,
  stop,
  stopAll,
  temporaryDir,
} from "./bench/processes.ts";
import { realtimeBench, type RealtimeResult } from "./bench/realtime.ts";
import { realtimeChecks, realtimeReport } from "./bench/realtime_report.ts";
import { replicaBench, type ReplicaResult } from "./bench/replica.ts";
import { makePhoto, mediaBench, type MediaResult } from "./bench/media.ts";
import { uploadBurst, type UploadBurstResult } from "./bench/upload_burst.ts";
import { type Check, fmt, table } from "./bench/report.ts";

/** What the bench loads, one line each; `page: true` applies the server-rendered page budgets. */
interface Target {
  name: string;
  path: string;
  page?: boolean;
}

const TARGETS: Target[] = [
  { name: "landing page", path: "/", page: true },
  { name: "healthz", path: "/healthz" },
];

/** QUALITY.md "Performance budgets" as they apply to a server-rendered page. */
const BUDGET = {
  minRatioOfHello: 0.01,
  maxP99Ms: 100,
  maxFirstScreenGzipBytes: 14_000,
  maxScriptTags: 0,
  maxExternalStylesheets: 0,
  maxLoginBurstP99RiseMs: 10,
  maxUploadBurstP99RiseMs: 10,
  maxFeedP99Ms: 10,
  minRenderRatioOfHello: 0.05,
  maxSlow4gFcpMs: 1_800,
  maxSlow3gFcpMs: 3_000,
  maxIslandsLiveMs: 3_500,
  maxDeepPageFactor: 1.2,
  maxFeedGzipBytes: 30_000,
};

/** Backend variables left out of the app's environment so it runs on the embedded defaults. */
const UNSET = ["DATABASE_URL", "REDIS_URL", "MEILI_URL", "MEILI_API_KEY", "SMTP_URL"];

const ROOT = new URL("..", import.meta.url).pathname;

interface Options {
  durationS: number;
  warmupS: number;
  connections: number;
  threads: number;
  tool?: Tool;
  json: boolean;
  /** Also measure the home feed on a seeded network. */
  feed: boolean;
  /** The seeded MySQL database for the feed (else a Deno KV network is seeded for the run). */
  feedDatabaseUrl?: string;
  /** Also measure WebSocket deliveries, idle sockets and a soak. */
  realtime: boolean;
  /** The MySQL database the real-time instances share (else one Deno KV file). */
  realtimeDatabaseUrl?: string;
  /** Minutes of soak (0: none). */
  soakMinutes: number;
  /** Deliveries per second during the soak (default: half the highest sustained rate). */
  soakRate?: number;
  /** Also compare the feed API reading a replica with it reading the primary. */
  replica: boolean;
  /** Also put 12 MP photos through the image pipeline. */
  media: boolean;
}

const USAGE =
  "usage: deno task bench [--duration 10s] [--warmup 2s] [--connections 32] [--threads 1] [--tool wrk|autocannon] [--json]\n" +
  "                       [--feed [--feed-database-url mysql://…/seeded_db]]\n" +
  "                       [--realtime [--realtime-database-url mysql://…/db] [--soak-minutes 10] [--soak-rate N]]\n" +
  "                       [--replica] [--media]";

function fail(message: string): never {
  console.error(message);
  Deno.exit(2);
}

function seconds(flag: string, value: string, min: number): number {
  const match = /^(\d+)(s|m)?$/.exec(value);
  const s = match ? Number(match[1]) * (match[2] === "m" ? 60 : 1) : NaN;
  if (!(s >= min && s <= 600)) fail(`--${flag} must be between ${min}s and 600s, like 10s (got ${value})\n${USAGE}`);
  return s;
}

function count(flag: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) fail(`--${flag} must be a whole number from 1 to ${max}\n${USAGE}`);
  return n;
}

function parseOptions(args: string[]): Options {
  const options: Options = {
    durationS: 10,
    warmupS: 2,
    connections: 32,
    threads: 1,
    json: false,
    feed: false,
    realtime: false,
    soakMinutes: 10,
    replica: false,
    media: false,
  };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    if (["--json", "--feed", "--realtime", "--replica", "--media"].includes(flag)) {
      options[flag.slice(2) as "json" | "feed" | "realtime" | "replica" | "media"] = true;
      continue;
    }
    if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    }
    const valued = ["--duration", "--warmup", "--connections", "--threads", "--tool", "--feed-database-url"];
    if (![...valued, "--realtime-database-url", "--soak-minutes", "--soak-rate"].includes(flag)) {
      fail(`unknown option ${args[i]}\n${USAGE}`);
    }
    const value = inline ?? args[++i];
    if (value === undefined) fail(`${flag} needs a value\n${USAGE}`);
    if (flag === "--duration") options.durationS = seconds("duration", value, 1);
    else if (flag === "--warmup") options.warmupS = seconds("warmup", value, 0);
    else if (flag === "--connections") options.connections = count("connections", value, 10_000);
    else if (flag === "--threads") options.threads = count("threads", value, 64);
    else if (flag === "--feed-database-url") {
      if (!/^(mysql|mariadb):\/\//.test(value)) fail(`--feed-database-url must be a mysql:// URL\n${USAGE}`);
      options.feedDatabaseUrl = value;
      options.feed = true;
    } else if (flag === "--realtime-database-url") {
      if (!/^(mysql|mariadb):\/\//.test(value)) fail(`--realtime-database-url must be a mysql:// URL\n${USAGE}`);
      options.realtimeDatabaseUrl = value;
      options.realtime = true;
    } else if (flag === "--soak-minutes") {
      options.soakMinutes = Number(value);
      if (!/^\d+$/.test(value) || options.soakMinutes > 120) {
        fail(`--soak-minutes must be a whole number from 0 (no soak) to 120\n${USAGE}`);
      }
      options.realtime = true;
    } else if (flag === "--soak-rate") {
      options.soakRate = count("soak-rate", value, 100_000);
      options.realtime = true;
    } else if (flag === "--tool" && (value === "wrk" || value === "autocannon")) options.tool = value;
    else fail(`--tool must be wrk or autocannon (got ${value})\n${USAGE}`);
  }
  return options;
}

interface Measured {
  name: string;
  path: string;
  result: LoadResult;
  /** Requests per second as a share of the hello baseline. */
  ratio: number;
}

function randomSecret(): string {
  // 36 random bytes are 48 base64 characters.
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(36))));
}

function childEnv(extra: Record<string, string>): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of Object.keys(env)) {
    if (UNSET.includes(name) || name.startsWith("PROK_") || name === "PORT") delete env[name];
  }
  // No load balancer drains a bench app: it stops at once.
  return { ...env, PROK_DRAIN_MS: "0", ...extra };
}

/**
 * Starts the app as operators run it (production, embedded backends unless `env` names others) on a free port. The
 * bursts sign one member in, or upload, thousands of times from one address: the limits are scaled out of the way.
 */
function startApp(name: string, env: Record<string, string>, extra: Partial<ServerOptions> = {}): Promise<Server> {
  const port = freePort();
  return startServer({
    name,
    args: appCommand(ROOT),
    cwd: ROOT,
    env: childEnv({
      PORT: String(port),
      PROK_ENV: "production",
      PROK_ORIGIN: `http://127.0.0.1:${port}`,
      PROK_RATE_LIMIT_FACTOR: "10000",
      ...env,
    }),
    port,
    readyPath: "/healthz",
    ...extra,
  });
}

async function main(): Promise<number> {
  const options = parseOptions(Deno.args);
  const say = options.json ? console.error : console.log;
  const progress = (text: string) => console.error(`· ${text}`);

  const version = await wrkVersion();
  let tool: Tool = options.tool ?? (version ? "wrk" : "autocannon");
  if (tool === "wrk" && !version) {
    console.error(WRK_MISSING);
    tool = "autocannon";
  } else if (!version && !options.tool) console.error(WRK_MISSING);
  const toolName = tool === "wrk" ? version ?? "wrk" : "autocannon@8 (npx)";

  const load = async (
    server: Server,
    path: string,
    label: string,
    extra: { headers?: Record<string, string>; connections?: number } = {},
  ): Promise<LoadResult> => {
    const url = server.origin + path;
    const connections = extra.connections ?? options.connections;
    const settings = { tool, url, connections, threads: options.threads, headers: extra.headers };
    if (options.warmupS > 0) {
      progress(`${label}: warm-up ${options.warmupS}s`);
      await runLoad({ ...settings, durationS: options.warmupS });
    }
    progress(`${label}: measuring ${options.durationS}s against ${url}`);
    return await runLoad({ ...settings, durationS: options.durationS });
  };

  // 1. The baseline, alone.
  progress("starting the hello baseline (tasks/bench/hello.ts)");
  const helloPort = freePort();
  const hello = await startServer({
    name: "hello baseline",
    args: [Deno.execPath(), "run", "-A", "tasks/bench/hello.ts"],
    cwd: ROOT,
    env: childEnv({ PORT: String(helloPort) }),
    port: helloPort,
    readyPath: "/",
  });
  let baseline: LoadResult;
  try {
    baseline = await load(hello, "/", "hello baseline");
  } finally {
    await stop(hello.child);
  }

  // 1b. The feed page's render alone, in its own process, right after the baseline it is compared with.
  progress("feed render alone: tasks/bench/render.ts");
  const renderRun = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tasks/bench/render.ts", String(options.durationS)],
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!renderRun.success) throw new Error("tasks/bench/render.ts failed");
  const renderAlone = JSON.parse(new TextDecoder().decode(renderRun.stdout)) as { rendersPerSecond: number };

  // 2. The app, one target at a time.
  progress("starting the app (main.ts, production, embedded backends)");
  const dataDir = await Deno.makeTempDir({ prefix: "prok-bench-" });
  const measured: Measured[] = [];
  let burst: BurstResult | null = null;
  const pages: (PageWeight & { name: string; path: string })[] = [];
  try {
    const app = await startApp("app", { PROK_SECRET: randomSecret(), PROK_DATA_DIR: dataDir });
    try {
      for (const target of TARGETS) {
        const weight = await measurePage(app.origin + target.path);
        if (weight.status < 200 || weight.status > 299) {
          throw new Error(`GET ${target.path} answered ${weight.status}; a benchmark of an error page means nothing`);
        }
        if (target.page) pages.push({ name: target.name, path: target.path, ...weight });
        const result = await load(app, target.path, target.name);
        measured.push({ name: target.name, path: target.path, result, ratio: result.rps / baseline.rps });
      }
      if (tool === "wrk") {
        progress(`login burst: /healthz alone, then during ${options.durationS}s of sign-ins`);
        burst = await loginBurst(app.origin, tool, options.durationS);
      } else progress("login burst skipped: it needs wrk");
    } finally {
      await stop(app.child);
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }

  // 3. The home feed on a seeded network (--feed): API latency at page 1 and page 50 with a few connections (the
  // server's own time, not queueing), then the full /feed page under the usual load.
  let feed: {
    describe: string;
    page1: Measured;
    page50: Measured;
    page: Measured;
    weight: PageWeight;
    serverTime: { page1: ServerTime; page50: ServerTime };
    network: { degree: ServerTime; suggestions: ServerTime };
    cold: ColdLoad[];
  } | null = null;
  if (options.feed) {
    progress(options.feedDatabaseUrl ? "feed: using the seeded MySQL database" : "feed: seeding a Deno KV network");
    const secret = randomSecret();
    const fixture = await feedFixture(secret, options.feedDatabaseUrl);
    const requestLog = await Deno.makeTempFile({ prefix: "prok-bench-log-" });
    try {
      const app = await startApp("app (feed)", { PROK_SECRET: secret, ...fixture.env }, { stdoutFile: requestLog });
      try {
        const targets = await feedTargets(app.origin, fixture.email, fixture.password);
        const bearer = { authorization: `Bearer ${targets.token}` };
        const measure = async (name: string, path: string, extra: Parameters<typeof load>[3]) => {
          const result = await load(app, path, name, extra);
          return { name, path: path.replace(/cursor=[^&]+/, "cursor=…"), result, ratio: result.rps / baseline.rps };
        };
        // Server time of the feed API, from the app's own request log, under a light steady load after the same
        // warm-up as every other target (the first of these runs meets a freshly started, unoptimised app).
        const timed = async (path: string, logged = "/api/posts") => {
          const steady = (durationS: number) =>
            runLoad({ tool, url: app.origin + path, durationS, connections: 1, threads: 1, headers: bearer });
          if (options.warmupS > 0) await steady(options.warmupS);
          const from = await logOffset(requestLog);
          await steady(options.durationS);
          return await serverTimeSince(requestLog, from, logged);
        };
        const serverTime = { page1: await timed(targets.page1), page50: await timed(targets.page50) };
        // My network's reads on the same network: a second-degree profile (connection + degree) and suggestions.
        const suggestions = "/api/connections/suggestions";
        const profile = `/api/users/${await secondDegreeMember(app.origin, targets.token)}`;
        const network = {
          degree: await timed(profile, profile),
          suggestions: await timed(`${suggestions}?limit=20`, suggestions),
        };
        const page1 = await measure("home feed API, page 1", targets.page1, { headers: bearer, connections: 4 });
        const page50 = await measure("home feed API, page 50", targets.page50, { headers: bearer, connections: 4 });
        const cookie = { cookie: `prok_at=${targets.token}` };
        const page = await measure("feed page", "/feed", { headers: cookie });
        const weight = await measurePage(app.origin + "/feed", cookie);
        progress("cold loads in Chromium: /feed on Slow 4G, / on Slow 4G and Slow 3G, all with 4x CPU");
        const cold = [
          await coldLoad(app.origin + "/feed", SLOW_4G, {
            cookie: { name: "prok_at", value: targets.token },
            liveSelector: "form[action='/feed'] button[type=submit][disabled]",
          }),
          await coldLoad(app.origin + "/", SLOW_4G),
          await coldLoad(app.origin + "/", SLOW_3G),
        ];
        feed = { describe: fixture.describe, page1, page50, page, weight, serverTime, network, cold };
        measured.push(page1, page50, page);
        pages.push({ name: "feed page", path: "/feed", ...weight });
      } finally {
        await stop(app.child);
      }
    } finally {
      await fixture.cleanup();
      await Deno.remove(requestLog).catch(() => {});
    }
  }

  // 4. Real-time (--realtime): WebSocket deliveries across two instances joined by Redis, idle sockets, a soak.
  let realtime: RealtimeResult | null = null;
  if (options.realtime) {
    realtime = await realtimeBench({
      root: ROOT,
      secret: randomSecret(),
      env: childEnv,
      redisUrl: Deno.env.get("REDIS_URL") || "redis://127.0.0.1:6379",
      databaseUrl: options.realtimeDatabaseUrl,
      stepS: options.durationS,
      warmupS: options.warmupS,
      soakMinutes: options.soakMinutes,
      soakRate: options.soakRate,
      progress,
    });
  }

  // 5. The feed API reading a replica, then reading the primary (--replica).
  let replicaRun: ReplicaResult | null = null;
  if (options.replica) {
    replicaRun = await replicaBench({
      root: ROOT,
      secret: randomSecret(),
      env: childEnv,
      tool,
      durationS: options.durationS,
      warmupS: options.warmupS,
      threads: options.threads,
      progress,
    });
    for (
      const [name, side] of [["reads on the replica", replicaRun.onReplica], [
        "reads on the primary",
        replicaRun.onPrimary,
      ]] as const
    ) {
      measured.push({
        name: `home feed API, ${name}`,
        path: "/api/posts?limit=20",
        result: side.result,
        ratio: side.result.rps / baseline.rps,
      });
    }
  }

  // 6. The image pipeline on 12 MP photos (--media), alone in its own processes; then a light route of an app of its
  // own, alone and during a burst of uploads of the same photo.
  let media: MediaResult | null = null;
  let uploads: UploadBurstResult | null = null;
  if (options.media) {
    progress("image pipeline: tasks/bench/media.ts");
    const photo = await makePhoto(ROOT);
    try {
      media = await mediaBench(ROOT, photo);
      progress(`upload burst: a light route alone, then during ${options.durationS}s of 12 MP uploads`);
      const dataDir = await temporaryDir("prok-bench-uploads-");
      try {
        const app = await startApp("app (uploads)", { PROK_SECRET: randomSecret(), PROK_DATA_DIR: dataDir });
        try {
          uploads = await uploadBurst({
            origin: app.origin,
            tool,
            durationS: options.durationS,
            warmupS: options.warmupS,
            photo: await Deno.readFile(photo),
          });
        } finally {
          await stop(app.child);
        }
      } finally {
        await removeTemporary(dataDir);
      }
    } finally {
      await Deno.remove(photo).catch(() => {});
    }
  }

  // 7. Report.
  const all: Measured[] = [{ name: "hello baseline", path: "/", result: baseline, ratio: 1 }, ...measured];
  const checks: Check[] = [];
  for (const m of all) checks.push(cleanRun(m.name, m.result));
  for (const m of measured) {
    if (!TARGETS.find((t) => t.name === m.name)?.page && m.name !== "feed page") continue;
    checks.push({
      what: `${m.name}: req/s ≥ ${fmt.pct(BUDGET.minRatioOfHello)} of hello`,
      value: fmt.pct(m.ratio),
      pass: m.ratio >= BUDGET.minRatioOfHello,
    }, {
      what: `${m.name}: p99 ≤ ${BUDGET.maxP99Ms} ms`,
      value: fmt.ms(m.result.latencyMs.p99),
      pass: m.result.latencyMs.p99 <= BUDGET.maxP99Ms,
    });
  }
  for (const p of pages.filter((p) => p.name !== "feed page")) { // the feed has its own budgets, above
    checks.push({
      what: `${p.name}: gzip HTML ≤ ${fmt.int(BUDGET.maxFirstScreenGzipBytes)} B (first screen; whole page measured)`,
      value: `${fmt.int(p.gzipBytes)} B`,
      pass: p.gzipBytes <= BUDGET.maxFirstScreenGzipBytes,
    }, {
      what: `${p.name}: <script> tags = ${BUDGET.maxScriptTags}`,
      value: String(p.scriptTags),
      pass: p.scriptTags <= BUDGET.maxScriptTags,
    }, {
      what: `${p.name}: render-blocking stylesheets = ${BUDGET.maxExternalStylesheets}`,
      value: String(p.externalStylesheets),
      pass: p.externalStylesheets <= BUDGET.maxExternalStylesheets,
    });
  }

  for (const c of feed?.cold ?? []) {
    const path = new URL(c.url).pathname;
    const fcpBudget = c.profile === SLOW_3G.name ? BUDGET.maxSlow3gFcpMs : BUDGET.maxSlow4gFcpMs;
    checks.push({
      what: `cold load ${path}, ${c.profile} + 4x CPU: first contentful paint ≤ ${fmt.int(fcpBudget)} ms`,
      value: `${fmt.int(c.firstContentfulPaintMs)} ms`,
      pass: c.firstContentfulPaintMs > 0 && c.firstContentfulPaintMs <= fcpBudget,
    });
    if (c.islandsLiveMs !== null) {
      checks.push({
        what: `cold load ${path}, ${c.profile} + 4x CPU: islands live ≤ ${fmt.int(BUDGET.maxIslandsLiveMs)} ms`,
        value: `${fmt.int(c.islandsLiveMs)} ms`,
        pass: c.islandsLiveMs <= BUDGET.maxIslandsLiveMs,
      });
    }
  }
  checks.push({
    what: `feed render alone (20 posts): ≥ ${fmt.pct(BUDGET.minRenderRatioOfHello)} of hello`,
    value: `${fmt.int(renderAlone.rendersPerSecond)}/s = ${fmt.pct(renderAlone.rendersPerSecond / baseline.rps)}`,
    pass: renderAlone.rendersPerSecond / baseline.rps >= BUDGET.minRenderRatioOfHello,
  });
  if (feed) {
    const { page1, page50 } = feed.serverTime;
    checks.push({
      what: `home feed API: server-time p99 ≤ ${BUDGET.maxFeedP99Ms} ms (request log, 1 connection)`,
      value: `${fmt.ms(page1.p99)} (page 1), ${fmt.ms(page50.p99)} (page 50)`,
      pass: Math.max(page1.p99, page50.p99) <= BUDGET.maxFeedP99Ms,
    }, {
      what: `home feed API: page 50 within ${BUDGET.maxDeepPageFactor}x of page 1 (server-time p50)`,
      value: `${fmt.ms(page1.p50)} → ${fmt.ms(page50.p50)} (${(page50.p50 / page1.p50).toFixed(2)}x)`,
      pass: page50.p50 <= page1.p50 * BUDGET.maxDeepPageFactor,
    }, {
      what: `feed page: gzip HTML ≤ ${fmt.int(BUDGET.maxFeedGzipBytes)} B (20 posts)`,
      value: `${fmt.int(feed.weight.gzipBytes)} B`,
      pass: feed.weight.gzipBytes <= BUDGET.maxFeedGzipBytes,
    });
  }
  if (burst) {
    const rise = burst.during.latencyMs.p99 - burst.quiet.latencyMs.p99;
    checks.push({
      what: `login burst: /healthz p99 rises ≤ ${BUDGET.maxLoginBurstP99RiseMs} ms`,
      value: `${fmt.ms(burst.quiet.latencyMs.p99)} → ${fmt.ms(burst.during.latencyMs.p99)} (${signedMs(rise)})`,
      pass: rise <= BUDGET.maxLoginBurstP99RiseMs,
    }, {
      what: "login burst: every sign-in answered 200",
      value: `${fmt.int(burst.logins.requests)} sign-ins, ${burst.logins.errors.non2xx} non-2xx`,
      pass: burst.logins.errors.non2xx + burst.logins.errors.socket + burst.logins.errors.timeout === 0,
    });
  }

  const cpus = navigator.hardwareConcurrency;
  say("");
  say(
    `Prok bench: ${toolName}, ${tool === "wrk" ? `${options.threads} thread(s), ` : ""}` +
      `${options.connections} connections, ` +
      `${options.durationS}s per target after a ${options.warmupS}s warm-up, 127.0.0.1, ${cpus} CPUs, ` +
      `deno ${Deno.version.deno}`,
  );
  say("");
  say(table([
    ["target", "path", "req/s", "p50", "p75", "p90", "p99", "vs hello"],
    ...all.map((m) => [
      m.name,
      m.path,
      fmt.int(m.result.rps),
      fmt.ms(m.result.latencyMs.p50),
      fmt.ms(m.result.latencyMs.p75),
      fmt.ms(m.result.latencyMs.p90),
      fmt.ms(m.result.latencyMs.p99),
      fmt.pct(m.ratio),
    ]),
  ], [2, 3, 4, 5, 6, 7]));
  if (burst) {
    say("");
    say(table([
      ["login burst", "req/s", "p50", "p99"],
      [
        "sign-ins (POST /api/auth/login)",
        fmt.int(burst.logins.rps),
        fmt.ms(burst.logins.latencyMs.p50),
        fmt.ms(burst.logins.latencyMs.p99),
      ],
      [
        "/healthz alone",
        fmt.int(burst.quiet.rps),
        fmt.ms(burst.quiet.latencyMs.p50),
        fmt.ms(burst.quiet.latencyMs.p99),
      ],
      [
        "/healthz during the burst",
        fmt.int(burst.during.rps),
        fmt.ms(burst.during.latencyMs.p50),
        fmt.ms(burst.during.latencyMs.p99),
      ],
    ], [1, 2, 3]));
  }
  if (pages.length) {
    say("");
    say(table([
      ["page", "path", "raw HTML", "gzip", "<script>", "stylesheets", "served encoding"],
      ...pages.map((p) => [
        p.name,
        p.path,
        `${fmt.int(p.rawBytes)} B`,
        `${fmt.int(p.gzipBytes)} B`,
        String(p.scriptTags),
        String(p.externalStylesheets),
        p.servedEncoding,
      ]),
    ], [2, 3, 4, 5]));
  }
  say("");
  if (feed) {
    const { page1, page50 } = feed.serverTime;
    say(`\nFeed network: ${feed.describe}`);
    say(
      `Feed API server time (request log): page 1 p50 ${fmt.ms(page1.p50)}, p99 ${fmt.ms(page1.p99)}; ` +
        `page 50 p50 ${fmt.ms(page50.p50)}, p99 ${fmt.ms(page50.p99)} (${
          fmt.int(page1.requests + page50.requests)
        } requests)`,
    );
    const { degree, suggestions } = feed.network;
    say(
      `My network server time (request log): profile with degree p50 ${fmt.ms(degree.p50)}, ` +
        `p99 ${fmt.ms(degree.p99)}; suggestions (20) p50 ${fmt.ms(suggestions.p50)}, p99 ${fmt.ms(suggestions.p99)}`,
    );
  }
  if (replicaRun) {
    const { onReplica, onPrimary } = replicaRun;
    const share = (s: typeof onReplica) => fmt.pct(s.selects.replica / (s.selects.replica + s.selects.primary || 1));
    say(`\nRead replica: ${replicaRun.describe}`);
    say(
      `Feed API reading the replica: ${fmt.int(onReplica.result.rps)} req/s, p99 ${
        fmt.ms(onReplica.result.latencyMs.p99)
      }, ${share(onReplica)} of SELECTs on the replica; reading the primary: ${fmt.int(onPrimary.result.rps)} req/s, ` +
        `p99 ${fmt.ms(onPrimary.result.latencyMs.p99)}, ${share(onPrimary)}. Replica / primary: ${
          replicaRun.ratio.toFixed(2)
        }x`,
    );
  }
  if (media) {
    say(
      `\nImage pipeline, a 12 MP JPEG (${fmt.mb(media.photoBytes)}) into ${media.variants} variants on one core: ` +
        `${media.ms.map(fmt.ms).join(", ")} (median ${fmt.ms(media.medianMs)}); peak memory above idle ` +
        `${media.peakAboveIdleMb.toFixed(0)} MB.`,
    );
    checks.push(
      {
        what: "12 MP photo through the pipeline, median",
        value: fmt.ms(media.medianMs),
        pass: media.medianMs <= 1_500,
      },
      {
        what: "pipeline peak memory above idle",
        value: `${media.peakAboveIdleMb.toFixed(0)} MB`,
        pass: media.peakAboveIdleMb <= 256,
      },
    );
  }
  if (uploads) {
    const { quiet, during, uploads: sent } = uploads;
    say("");
    say(table([
      ["upload burst", "req/s", "p50", "p99"],
      [
        `12 MP uploads (POST /api/media), ${uploads.clients} clients`,
        sent.perSecond.toFixed(2),
        fmt.ms(sent.p50Ms),
        fmt.ms(sent.maxMs) + " (max)",
      ],
      [`${uploads.path} alone`, fmt.int(quiet.rps), fmt.ms(quiet.latencyMs.p50), fmt.ms(quiet.latencyMs.p99)],
      [
        `${uploads.path} during the burst`,
        fmt.int(during.rps),
        fmt.ms(during.latencyMs.p50),
        fmt.ms(during.latencyMs.p99),
      ],
    ], [1, 2, 3]));
    say(
      `${uploads.path} (signed in, ${uploads.connections} connections): p99 ${fmt.ms(quiet.latencyMs.p99)} alone, ` +
        `${fmt.ms(during.latencyMs.p99)} during ${fmt.int(sent.count)} uploads: ${signedMs(uploads.p99RiseMs)}.`,
    );
    say("");
    checks.push({
      what: `upload burst: ${uploads.path} p99 rises ≤ ${BUDGET.maxUploadBurstP99RiseMs} ms`,
      value: `${fmt.ms(quiet.latencyMs.p99)} → ${fmt.ms(during.latencyMs.p99)} (${signedMs(uploads.p99RiseMs)})`,
      pass: uploads.p99RiseMs <= BUDGET.maxUploadBurstP99RiseMs,
    }, {
      what: "upload burst: every upload answered 201, and some finished",
      value: `${fmt.int(sent.count)} uploads, ${sent.failed} failed`,
      pass: sent.failed === 0 && sent.count > 0,
    });
    checks.push(
      cleanRun(`upload burst: ${uploads.path} alone`, quiet),
      cleanRun(`upload burst: ${uploads.path} during the burst`, during),
    );
  }
  if (realtime) {
    checks.push(...realtimeChecks(realtime));
    say("");
    say(realtimeReport(realtime));
    say("");
  }
  say('Budgets (QUALITY.md "Performance budgets")');
  say(table(checks.map((c) => [c.pass ? "PASS" : "FAIL", c.what, c.value]), [2]));
  const failed = checks.filter((c) => !c.pass).length;
  say("");
  say(failed ? `${failed} budget line(s) failed.` : "All budget lines pass.");

  if (options.json) {
    console.log(JSON.stringify(
      {
        date: new Date().toISOString(),
        tool: toolName,
        deno: Deno.version.deno,
        cpus,
        settings: {
          durationS: options.durationS,
          warmupS: options.warmupS,
          connections: options.connections,
          threads: options.threads,
        },
        results: all.map((m) => ({ name: m.name, path: m.path, ...m.result, ratioOfHello: m.ratio })),
        pages,
        loginBurst: burst,
        renderAlone,
        feed: feed && {
          network: feed.describe,
          serverTime: feed.serverTime,
          myNetwork: feed.network,
          coldLoads: feed.cold,
        },
        realtime,
        replica: replicaRun,
        media,
        uploadBurst: uploads,
        budgets: checks,
        pass: failed === 0,
      },
      null,
      2,
    ));
  }
  return failed ? 1 : 0;
}

function cleanRun(name: string, result: LoadResult): Check {
  const { socket, timeout, non2xx } = result.errors;
  return {
    what: `${name}: clean run (0 socket errors, timeouts, non-2xx)`,
    value: `${socket} / ${timeout} / ${non2xx}`,
    pass: socket + timeout + non2xx === 0,
  };
}

/** A difference in milliseconds with its sign: "+3.20 ms", "-0.45 ms". */
function signedMs(ms: number): string {
  return `${ms < 0 ? "-" : "+"}${fmt.ms(Math.abs(ms))}`;
}

let interrupted = false;
const interrupt = (signal: Deno.Signal) => () => {
  interrupted = true;
  console.error(`\n${signal}: stopping the servers and the load generator`);
  stopAll().then(() => removeTemporary()).finally(() => Deno.exit(130));
};
Deno.addSignalListener("SIGINT", interrupt("SIGINT"));
Deno.addSignalListener("SIGTERM", interrupt("SIGTERM"));

let code = 1;
try {
  code = await main();
} catch (err) {
  if (!interrupted) console.error(`bench failed: ${err instanceof Error ? err.message : err}`);
} finally {
  await stopAll();
  await removeTemporary();
}
Deno.exit(code);
