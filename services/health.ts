// Which adapter serves each port, and whether the configured backends answer. Open adapters answer for themselves
// (Meilisearch through the search engine's ping, in services/app.ts checkReadiness).
import { type Config, kvPathOf, pubsubAdapter, redact } from "./config.ts";
import { BROADCAST_CHANNEL_NAME } from "./pubsub/broadcast_channel.ts";

export interface PortAdapter {
  port: string;
  adapter: string;
  detail?: string;
}

/**
 * One entry per port: what the configuration selects to serve it. There is no shared cache port: what the app caches
 * (verified tokens, rendered post cards, style sheets) is keyed so that each instance may keep its own copy.
 */
export function describeAdapters(config: Config): PortAdapter[] {
  const kvPath = kvPathOf(config) ?? "Deno Deploy's managed KV";
  return [
    config.databaseUrl
      ? { port: "store", adapter: "mysql", detail: redact(config.databaseUrl) }
      : { port: "store", adapter: "deno-kv", detail: kvPath },
    ...(config.databaseReadUrls.length
      ? [{ port: "store reads", adapter: "mysql replicas", detail: config.databaseReadUrls.map(redact).join(", ") }]
      : []),
    config.databaseUrl
      ? { port: "queue", adapter: "mysql", detail: "the outbox table, claimed with FOR UPDATE SKIP LOCKED" }
      : { port: "queue", adapter: "deno-kv", detail: kvPath },
    config.redisUrl
      ? { port: "rate-limit", adapter: "redis", detail: redact(config.redisUrl) }
      : { port: "rate-limit", adapter: "memory" },
    describePubSub(config),
    config.meiliUrl ? { port: "search", adapter: "meilisearch", detail: redact(config.meiliUrl) } : {
      port: "search",
      adapter: "builtin",
      detail: config.databaseUrl ? "FULLTEXT indexes of the MySQL store" : "postings in the Deno KV store",
    },
    config.smtpUrl ? { port: "mail", adapter: "smtp", detail: redact(config.smtpUrl) } : {
      port: "mail",
      adapter: "outbox",
      detail: `${config.databaseUrl ? "memory" : kvPath} ["outbox"], shown at /dev/mail in development`,
    },
    config.s3
      ? {
        port: "media",
        adapter: "s3",
        detail: `${config.s3.endpoint ? redact(config.s3.endpoint) : "AWS"} bucket ${config.s3.bucket}`,
      }
      : {
        port: "media",
        adapter: "disk",
        detail: `${config.dataDir}/media${config.deploymentId ? " (Deploy has no disk: set S3_BUCKET)" : ""}`,
      },
    config.deploymentId
      ? { port: "sweeps", adapter: "deno-cron", detail: "Deno.cron, once per deployment" }
      : { port: "sweeps", adapter: "timers", detail: "every instance on its own" },
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

/**
 * Checks every configured backend at once, each through its open adapter. The mailer (SMTP only: it connects, is
 * greeted and signs in) is listed last.
 */
export function probeBackends(adapters: Pingable[], mail?: Pingable): Promise<Probe[]> {
  const probes = adapters.map((a) => run(a.name, () => a.ping()));
  if (mail) probes.push(run(mail.name, () => mail.ping()));
  return Promise.all(probes);
}
