// Which adapter serves each port, and whether the configured backends answer. Open adapters answer for themselves;
// backends whose adapters arrive in later issues (search, mail) are probed with a short-lived connection.
import { type Config, pubsubAdapter, redact } from "./config.ts";
import { BROADCAST_CHANNEL_NAME } from "./pubsub/broadcast_channel.ts";

export interface PortAdapter {
  port: string;
  adapter: string;
  detail?: string;
}

/** One entry per port: what the configuration selects to serve it. */
export function describeAdapters(config: Config): PortAdapter[] {
  const kvPath = `${config.dataDir}/prok.kv`;
  return [
    config.databaseUrl
      ? { port: "store", adapter: "mysql", detail: redact(config.databaseUrl) }
      : { port: "store", adapter: "deno-kv", detail: kvPath },
    { port: "queue", adapter: "deno-kv", detail: kvPath },
    config.redisUrl
      ? { port: "cache", adapter: "redis", detail: redact(config.redisUrl) }
      : { port: "cache", adapter: "memory" },
    config.redisUrl
      ? { port: "rate-limit", adapter: "redis", detail: redact(config.redisUrl) }
      : { port: "rate-limit", adapter: "memory" },
    describePubSub(config),
    config.meiliUrl
      ? { port: "search", adapter: "meilisearch", detail: config.meiliUrl }
      : { port: "search", adapter: "builtin" },
    config.smtpUrl
      ? { port: "mail", adapter: "smtp", detail: redact(config.smtpUrl) }
      : { port: "mail", adapter: "outbox", detail: `${config.dataDir}/outbox` },
  ];
}

function describePubSub(config: Config): PortAdapter {
  const adapter = pubsubAdapter(config);
  if (adapter === "redis") return { port: "pubsub", adapter, detail: redact(config.redisUrl!) };
  if (adapter === "broadcast-channel") return { port: "pubsub", adapter, detail: BROADCAST_CHANNEL_NAME };
  return { port: "pubsub", adapter };
}

export interface Probe {
  name: string;
  ok: boolean;
  error?: string;
}

const TIMEOUT_MS = 2000;

function withTimeout<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function probeMeili(url: string): Promise<void> {
  const res = await fetch(new URL("/health", url), { signal: AbortSignal.timeout(TIMEOUT_MS) });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`answered ${res.status}`);
}

async function probeSmtp(url: string): Promise<void> {
  const u = new URL(url);
  const secure = u.protocol === "smtps:";
  const port = Number(u.port || (secure ? 465 : 587));
  const conn = secure
    ? await Deno.connectTls({ hostname: u.hostname, port })
    : await Deno.connect({ hostname: u.hostname, port });
  try {
    const buf = new Uint8Array(512);
    const n = await conn.read(buf);
    const greeting = new TextDecoder().decode(buf.subarray(0, n ?? 0));
    if (!greeting.startsWith("220")) throw new Error(`greeted with "${greeting.trim().slice(0, 60)}"`);
  } finally {
    conn.close();
  }
}

async function run(name: string, check: () => Promise<void>): Promise<Probe> {
  try {
    await withTimeout(name, check());
    return { name, ok: true };
  } catch (err) {
    return { name, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

export interface Pingable {
  name: string;
  ping(): Promise<void>;
}

/** Checks every configured backend at once: the open adapters answer for themselves, the rest are probed here. */
export function probeBackends(config: Config, adapters: Pingable[]): Promise<Probe[]> {
  const probes = adapters.map((a) => run(a.name, () => a.ping()));
  if (config.meiliUrl) probes.push(run("meilisearch", () => probeMeili(config.meiliUrl!)));
  if (config.smtpUrl) probes.push(run("smtp", () => probeSmtp(config.smtpUrl!)));
  return Promise.all(probes);
}
