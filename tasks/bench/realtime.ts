// The real-time section of the bench (QUALITY.md, "real-time"): members' sockets on app instances joined by Redis,
// load clients in their own processes. Three parts:
//   1. idle sockets: 10,000 sockets held by one fresh instance, and what they cost it in resident memory;
//   2. deliveries: 1,000 members with one socket on instance A and one on B, in pairs of accepted connections,
//      sending `message:send` at rising rates; each rate's deliveries per second (message:receive frames on the
//      sockets that should get them) and send → receive latency, until a rate is no longer sustained;
//   3. soak: a steady moderate rate for minutes, then every acknowledged message checked in the store and on every
//      socket it should reach: nothing lost, nothing twice.
import { Histogram, summary } from "./histogram.ts";
import { cpuMeter, type CpuUse, pidsNamed, rssBytes } from "./proc_stats.ts";
import { removeTemporary, type Server, stop, temporaryDir } from "./processes.ts";
import {
  type AppOptions,
  assertAlive,
  LOAD_CLIENTS,
  OPENING,
  serverFailures,
  sleep,
  socketTo,
  startApp,
} from "./realtime_apps.ts";
import { type RealtimeFixture, realtimeFixture } from "./realtime_fixture.ts";
import { type IdleResult, idleSockets } from "./realtime_idle.ts";
import type { RunResult, SocketSpec } from "./ws_clients.ts";
import { WsFleet } from "./ws_fleet.ts";

export const REALTIME_BUDGET = {
  deliveriesPerSecond: 10_000,
  maxP99Ms: 50,
  idleSockets: 10_000,
  maxIdleBytes: 300_000_000,
  /** A rate is sustained when this share of what was offered is delivered per second. */
  minAchievedShare: 0.95,
};

/** Members with sockets in the deliveries test, each with one socket per instance, in pairs. */
const MEMBERS = 1_000;
/**
 * Offered deliveries per second, in order, until two in a row are not sustained (or one leaves a backlog); then
 * once more halfway between the highest sustained rate and the next one tried.
 */
const RAMP = [250, 500, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 8_000, 10_000, 12_000];
/** Each rate starts once no frame has arrived for QUIET_MS (what the last one left queued is through), or after
 * QUIET_MAX_MS. */
const QUIET_MS = 1_000;
const QUIET_MAX_MS = 30_000;
/** How long the bench waits after sending stops for the acks and deliveries still on their way. */
const DRAIN_MS = 10_000;
const SOAK_DRAIN_MS = 30_000;

export interface RealtimeOptions extends AppOptions {
  /** MySQL instead of a shared Deno KV file. */
  databaseUrl?: string;
  stepS: number;
  warmupS: number;
  /** 0 skips the soak. */
  soakMinutes: number;
  /** Deliveries per second during the soak (default: half the highest sustained rate). */
  soakRate?: number;
}

type Latency = ReturnType<typeof summary>;

export interface RampStep {
  /** Deliveries per second asked for, and the messages per second that makes (each reaches `perMessage` sockets). */
  offered: number;
  messagesPerSecond: number;
  sent: number;
  acked: number;
  expected: number;
  delivered: number;
  lost: number;
  duplicates: number;
  unexpected: number;
  /** message:receive frames of no message of this step (a late one of an earlier step). */
  strays: number;
  errors: Record<string, number>;
  /** Sockets the servers closed during the step, by close code. */
  closed: Record<string, number>;
  /** Messages per second the clients managed to send, and deliveries per second that arrived (to the last one). */
  sendRate: number;
  achieved: number;
  drained: boolean;
  latency: Latency;
  ack: Latency;
  cpu: CpuUse;
  /**
   * Every acknowledged message delivered to all its sockets, none closed, ≥ 95% of the offered rate delivered per
   * second and p99 within budget. Refused messages (error frames) do not count against it: `errors` says them.
   */
  sustained: boolean;
}

export interface SoakResult {
  minutes: number;
  offered: number;
  messagesPerSecond: number;
  sent: number;
  acked: number;
  stored: number;
  ackedNotStored: number;
  storedNotAcked: number;
  expected: number;
  delivered: number;
  lost: number;
  duplicates: number;
  unexpected: number;
  mismatched: number;
  strays: number;
  errors: Record<string, number>;
  /** Sockets the servers closed during the soak, by close code. */
  closed: Record<string, number>;
  latency: Latency;
  cpu: CpuUse;
  rss: { a: [number, number]; b: [number, number] };
  /** The servers' own log lines about failed frames or deliveries during the soak. */
  serverFailures: Record<string, number>;
}

export interface RealtimeResult {
  store: string;
  redisUrl: string;
  instances: number;
  loadClients: number;
  members: number;
  sockets: number;
  /** Deliveries each message should make: the receiver's sockets and the sender's other ones. */
  perMessage: number;
  idle: IdleResult;
  ramp: RampStep[];
  maxSustained: RampStep | null;
  soak: SoakResult | null;
  /** The servers' own log lines about failed frames or deliveries during the ramp, by message and error. */
  rampServerFailures: Record<string, number>;
  /** Frames the sockets got per message sent, by type, over the ramp. */
  framesPerMessage: Record<string, number>;
}

type Count = "sent" | "acked" | "expected" | "delivered" | "duplicates" | "unexpected" | "mismatched" | "strays";

function sum(results: RunResult[], field: Count): number {
  return results.reduce((n, r) => n + r[field], 0);
}

function merged(results: RunResult[], field: "errors" | "frames" | "closed"): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) for (const [k, n] of Object.entries(r[field])) out[k] = (out[k] ?? 0) + n;
  return out;
}

const latencies = (results: RunResult[], field: "latency" | "ack"): Histogram =>
  Histogram.from(...results.map((r) => r[field]));

function step(offered: number, perMessage: number, results: RunResult[], cpu: CpuUse): RampStep {
  const latency = summary(latencies(results, "latency"));
  const sent = sum(results, "sent");
  const expected = sum(results, "expected");
  const delivered = sum(results, "delivered");
  const sendMs = Math.max(...results.map((r) => r.sendMs));
  const lastMs = Math.max(...results.map((r) => r.lastDeliveryMs), sendMs);
  const achieved = delivered / (lastMs / 1000);
  const drained = results.every((r) => r.drained);
  const errors = merged(results, "errors");
  const closed = merged(results, "closed");
  return {
    offered,
    messagesPerSecond: offered / perMessage,
    sent,
    acked: sum(results, "acked"),
    expected,
    delivered,
    lost: expected - delivered,
    duplicates: sum(results, "duplicates"),
    unexpected: sum(results, "unexpected"),
    strays: sum(results, "strays"),
    errors,
    closed,
    sendRate: sent / (sendMs / 1000),
    achieved,
    drained,
    latency,
    ack: summary(latencies(results, "ack")),
    cpu,
    sustained: drained && expected === delivered && Object.keys(closed).length === 0 &&
      achieved >= offered * REALTIME_BUDGET.minAchievedShare &&
      latency.p99 <= REALTIME_BUDGET.maxP99Ms,
  };
}

/** The real-time section: idle sockets, the deliveries ramp, then the soak on the same sockets. */
export async function realtimeBench(options: RealtimeOptions): Promise<RealtimeResult> {
  options.progress(
    `real-time: making ${REALTIME_BUDGET.idleSockets.toLocaleString("en-US")} members ` +
      `(${options.databaseUrl ? "MySQL" : "Deno KV"})`,
  );
  const fixture = await realtimeFixture(options.secret, REALTIME_BUDGET.idleSockets, MEMBERS, options.databaseUrl);
  const logs = await temporaryDir("prok-bench-rt-logs-");
  const logFiles = [`${logs}/a.log`, `${logs}/b.log`];
  try {
    const idle = await idleSockets(options, fixture, REALTIME_BUDGET.idleSockets, logs);

    options.progress(`deliveries: signing ${MEMBERS} members in; starting instances A and B (Redis pub/sub)`);
    const members = Array.from({ length: MEMBERS }, (_, i) => i);
    const tokens = await fixture.signIn(members);
    const a = await startApp(options, "app A", await fixture.storeEnv("a"), logFiles[0]);
    let b: Server | undefined;
    let fleet: WsFleet | undefined;
    let result: RealtimeResult;
    let soakFrom: string | undefined;
    try {
      b = await startApp(options, "app B", await fixture.storeEnv("b"), logFiles[1]);
      fleet = WsFleet.start(LOAD_CLIENTS, options.root, options.env({}));
      // Both members of a pair, and their four sockets, in the same load client (one clock per message).
      const specs: SocketSpec[][] = Array.from({ length: LOAD_CLIENTS }, () => []);
      for (const i of members) {
        const partner = { member: i ^ 1, id: fixture.memberIds[i ^ 1] };
        const client = specs[(i >> 1) % LOAD_CLIENTS];
        client.push(socketTo(a, tokens[i], i, partner), socketTo(b, tokens[i], i, partner));
      }
      const sockets = specs.flat().length;
      const perMessage = 3; // the receiver's two sockets and the sender's socket on the other instance
      options.progress(`deliveries: opening ${sockets.toLocaleString("en-US")} sockets`);
      const opened = await fleet.open(specs, OPENING);
      if (opened.failed) {
        throw new Error(`${opened.failed} of ${sockets} sockets did not open: ${opened.errors.join("; ")}`);
      }

      const groups: Record<string, number[]> = {
        "app A": [a.child.pid],
        "app B": [b.child.pid],
        "load clients": fleet.pids,
        redis: pidsNamed(["redis-server"]),
        ...(options.databaseUrl ? { mysql: pidsNamed(["mariadbd", "mysqld"]) } : {}),
      };
      if (options.warmupS > 0) {
        options.progress(`deliveries: warm-up ${options.warmupS}s at ${RAMP[0]} deliveries/s`);
        await fleet.run(RAMP[0] / perMessage, options.warmupS * 1000, DRAIN_MS, "warm");
      }
      const ramp: RampStep[] = [];
      const frames: Record<string, number> = {};
      let sentInRamp = 0;
      const measure = async (offered: number): Promise<RampStep> => {
        await fleet!.quiet(QUIET_MS, QUIET_MAX_MS);
        options.progress(`deliveries: ${offered.toLocaleString("en-US")}/s offered for ${options.stepS}s`);
        const meter = cpuMeter(groups);
        const results = await fleet!.run(offered / perMessage, options.stepS * 1000, DRAIN_MS, `r${offered}`);
        const s = step(offered, perMessage, results, meter());
        assertAlive(a, b!);
        sentInRamp += s.sent;
        for (const [type, n] of Object.entries(merged(results, "frames"))) frames[type] = (frames[type] ?? 0) + n;
        options.progress(
          `  ${Math.round(s.achieved).toLocaleString("en-US")} deliveries/s, p50 ${s.latency.p50.toFixed(1)} ms, ` +
            `p99 ${s.latency.p99.toFixed(1)} ms${s.sustained ? "" : " (not sustained)"}`,
        );
        return s;
      };
      let misses = 0;
      for (const offered of RAMP) {
        const s = await measure(offered);
        ramp.push(s);
        misses = s.sustained ? 0 : misses + 1;
        if (!s.drained || misses === 2) break;
      }
      const best = ramp.filter((s) => s.sustained).at(-1);
      const above = best && ramp.find((s) => s.offered > best.offered);
      if (best && above && above.offered >= best.offered * 1.25) {
        ramp.push(await measure(Math.round((best.offered + above.offered) / 2 / 50) * 50));
        ramp.sort((x, y) => x.offered - y.offered);
      }
      const maxSustained = ramp.filter((s) => s.sustained).at(-1) ?? null;

      let soak: SoakResult | null = null;
      if (options.soakMinutes > 0) {
        const offered = options.soakRate ??
          Math.max(300, Math.floor((maxSustained?.offered ?? 600) / 2 / 100) * 100);
        soakFrom = new Date().toISOString();
        soak = await soakRun(options, fixture, fleet, groups, { a, b }, offered, perMessage);
      }
      result = {
        store: fixture.describe,
        redisUrl: options.redisUrl,
        instances: 2,
        loadClients: LOAD_CLIENTS,
        members: MEMBERS,
        sockets,
        perMessage,
        idle,
        ramp,
        maxSustained,
        soak,
        rampServerFailures: {},
        framesPerMessage: Object.fromEntries(Object.entries(frames).map(([t, n]) => [t, n / (sentInRamp || 1)])),
      };
    } finally {
      await fleet?.close();
      await Promise.all([stop(a.child), b && stop(b.child)]);
    }
    await sleep(500); // the last lines on their way from the servers' stdout to the files
    result.rampServerFailures = await serverFailures(logFiles, "", soakFrom);
    if (result.soak) result.soak.serverFailures = await serverFailures(logFiles, soakFrom);
    return result;
  } finally {
    await fixture.cleanup();
    await removeTemporary(logs);
  }
}

async function soakRun(
  options: RealtimeOptions,
  fixture: RealtimeFixture,
  fleet: WsFleet,
  groups: Record<string, number[]>,
  apps: { a: Server; b: Server },
  offered: number,
  perMessage: number,
): Promise<SoakResult> {
  const until = new Date(Date.now() + options.soakMinutes * 60_000).toTimeString().slice(0, 8);
  options.progress(
    `soak: ${options.soakMinutes} min at ${offered.toLocaleString("en-US")} deliveries/s across both instances ` +
      `(until about ${until})`,
  );
  const rssA = rssBytes(apps.a.child.pid) ?? 0;
  const rssB = rssBytes(apps.b.child.pid) ?? 0;
  const meter = cpuMeter(groups);
  const results = await fleet.run(offered / perMessage, options.soakMinutes * 60_000, SOAK_DRAIN_MS, "soak", true);
  const cpu = meter();
  const rss = {
    a: [rssA, rssBytes(apps.a.child.pid) ?? 0] as [number, number],
    b: [rssB, rssBytes(apps.b.child.pid) ?? 0] as [number, number],
  };
  assertAlive(apps.a, apps.b);
  options.progress("soak: counting the stored messages");
  // Each member writes only to their partner: the even members' messages are all the pairs' messages.
  const even = Array.from({ length: MEMBERS / 2 }, (_, k) => 2 * k);
  const stored = new Set((await fixture.storedMessages(even, "soak-")).map((m) => m.id));
  const acked = new Set(results.flatMap((r) => r.ackedIds ?? []));
  let ackedNotStored = 0;
  for (const id of acked) if (!stored.has(id)) ackedNotStored++;
  let storedNotAcked = 0;
  for (const id of stored) if (!acked.has(id)) storedNotAcked++;
  const expected = sum(results, "expected");
  const delivered = sum(results, "delivered");
  return {
    minutes: options.soakMinutes,
    offered,
    messagesPerSecond: offered / perMessage,
    sent: sum(results, "sent"),
    acked: sum(results, "acked"),
    stored: stored.size,
    ackedNotStored,
    storedNotAcked,
    expected,
    delivered,
    lost: expected - delivered,
    duplicates: sum(results, "duplicates"),
    unexpected: sum(results, "unexpected"),
    mismatched: sum(results, "mismatched"),
    strays: sum(results, "strays"),
    errors: merged(results, "errors"),
    closed: merged(results, "closed"),
    latency: summary(latencies(results, "latency")),
    cpu,
    rss,
    serverFailures: {},
  };
}
