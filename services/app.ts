// The app's long-lived resources, opened once per process (or per test) and handed to routes through ctx.state.
import type { AuthDeps, SecurityLog } from "./auth.ts";
import { WriteBudgets } from "./budgets.ts";
import { type Config, kvPathOf, pubsubAdapter } from "./config.ts";
import { type Pingable, type Probe, probeBackends } from "./health.ts";
import { logRecord } from "./log.ts";
import { OutboxMailer } from "./mail/outbox.ts";
import type { Mailer } from "./mail/types.ts";
import { PasswordHasher } from "./passwords.ts";
import { BroadcastChannelPubSub } from "./pubsub/broadcast_channel.ts";
import { MemoryPubSub } from "./pubsub/memory.ts";
import { RedisPubSub } from "./pubsub/redis.ts";
import type { PubSub } from "./pubsub/types.ts";
import { type Live, PubSubLive } from "./realtime/events.ts";
import { Hub } from "./realtime/hub.ts";
import type { MessagesDeps } from "./messages.ts";
import type { JobsDeps } from "./jobs.ts";
import type { SearchDeps } from "./site_search.ts";
import { MemoryRateLimiter } from "./ratelimit/memory.ts";
import { RedisRateLimiter } from "./ratelimit/redis.ts";
import type { RateLimiter } from "./ratelimit/types.ts";
import { BuiltinSearch } from "./search/builtin.ts";
import { DiskBlobs } from "./blobs/disk.ts";
import type { BlobStore } from "./blobs/types.ts";
import { ImageProcessor } from "./media/images.ts";
import type { MediaDeps } from "./media/media.ts";
import { useMediaBaseUrl } from "./media/urls.ts";
import { SearchIndexer } from "./search/indexer.ts";
import type { SearchEngine } from "./search/types.ts";
import { deriveKeys, type Keys, resolveSecret } from "./secrets.ts";
import { KvStore } from "./store/kv/store.ts";
import type { Store } from "./store/store.ts";
import type { TokenIssuer } from "./tokens.ts";
import type { UsersDeps } from "./users.ts";
import type { PostsDeps } from "./posts.ts";
import type { ConnectionsDeps } from "./connections.ts";
import type { NotificationsDeps } from "./notifications.ts";

export interface App {
  config: Config;
  /**
   * The embedded store (with its queue and records) in Deno KV mode; with MySQL, an in-memory KV that holds only the
   * development mail outbox shown at /dev/mail, so nothing an instance must keep is on its disk.
   */
  kv: Deno.Kv;
  store: Store;
  limiter: RateLimiter;
  /** Every member's write budgets (messages, posts, invitations, tickets), counted in `limiter`. */
  budgets: WriteBudgets;
  /** Carries events between the app's processes (the WebSocket hubs); see `pubsubAdapter` for which one. */
  pubsub: PubSub;
  /** What the domain publishes to members' open pages, through `pubsub`. */
  live: Live;
  /** This process's WebSockets. */
  hub: Hub;
  hasher: PasswordHasher;
  /** SMTP when SMTP_URL is set, else the development outbox in `kv` (shown at /dev/mail); sent keys in the store. */
  mail: Mailer;
  /** Media bytes: the S3 bucket when S3_BUCKET is set, else files under `<dataDir>/media`. */
  blobs: BlobStore;
  /** The image pipeline, off the event loop (a worker, where the platform has them). */
  images: ImageProcessor;
  /** Meilisearch when MEILI_URL is set, else the builtin engine (its index lives in `store`). */
  search: SearchEngine;
  /** Keeps `search` in line with the store: the search worker's reload-and-index, and its sweep (workers/mod.ts). */
  searchIndexer: SearchIndexer;
  keys: Keys;
  tokens: TokenIssuer;
  log: SecurityLog;
  /** True from start until shutdown begins; readiness fails as soon as it turns false. */
  accepting: boolean;
  /** The clock of time-based rules that tests need to move past (the refresh-token reuse grace). */
  now: () => number;
}

/** Lines from the search indexer (an engine that went away, a sweep that caught up). */
const searchLog = (fields: Record<string, unknown>) => logRecord({ kind: "search", ...fields });

/** Lines for security events (sign-ins, refusals): never a password or a token. */
const securityLog: SecurityLog = (event) => logRecord({ kind: "security", ...event });

export interface OpenOptions {
  /**
   * ":memory:" for tests; defaults to `<dataDir>/prok.kv` for the embedded store (on Deno Deploy, its managed KV),
   * and to ":memory:" beside MySQL.
   */
  kvPath?: string;
  log?: SecurityLog;
  /** Size of the bcrypt worker pool (defaults to one fewer than the cores). */
  hashers?: number;
}

/** Opens every adapter the configuration selects and returns the app's resources. */
export async function openApp(config: Config, options: OpenOptions = {}): Promise<App> {
  const kvPath = options.kvPath ?? (config.databaseUrl ? ":memory:" : kvPathOf(config));
  // Only a KV file in the data folder may sit beside a generated secret; Deploy's file system is read-only.
  const onDisk = kvPath !== undefined && kvPath !== ":memory:";
  if (onDisk) await Deno.mkdir(config.dataDir, { recursive: true });
  const kv = await Deno.openKv(kvPath);
  const keys = await deriveKeys(await resolveSecret(config, onDisk));
  const store: Store = config.databaseUrl
    ? await (await import("./store/mysql/store.ts")).MysqlStore.open(
      config.databaseUrl,
      {},
      config.databaseReadUrls.length
        ? { urls: config.databaseReadUrls, maxLagMs: config.databaseReadMaxLagMs }
        : undefined,
    )
    : new KvStore(kv);
  // Opened side by side: a Redis that is down at start costs one wait, not one per port.
  const [limiter, pubsub] = await Promise.all([
    config.redisUrl ? RedisRateLimiter.open(config.redisUrl) : new MemoryRateLimiter(),
    openPubSub(config),
  ]);
  const log = options.log ?? securityLog;
  // nodemailer is loaded only when SMTP is configured (about 20 MB of heap otherwise spent for nothing).
  const mail: Mailer = config.smtpUrl
    ? new (await import("./mail/smtp.ts")).SmtpMailer(config.smtpUrl, store.once, { origin: config.origin })
    : new OutboxMailer(kv, { once: store.once });
  useMediaBaseUrl(config.mediaBaseUrl);
  // The AWS SDK is loaded only when a bucket is configured, as nodemailer is.
  const blobs: BlobStore = config.s3
    ? new (await import("./blobs/s3.ts")).S3Blobs(config.s3)
    : new DiskBlobs(`${config.dataDir}/media`);
  // Meilisearch is reached on first use, so an app whose Meilisearch is down still starts (and catches up later).
  const search: SearchEngine = config.meiliUrl
    ? new (await import("./search/meilisearch.ts")).MeilisearchSearch(config.meiliUrl, { apiKey: config.meiliApiKey })
    : new BuiltinSearch(store);
  const searchIndexer = new SearchIndexer({ store, engine: search, dirty: store.searchDirty, log: searchLog });
  const live = new PubSubLive(pubsub, log);
  const budgets = new WriteBudgets(limiter, config.rateLimitFactor);
  const hub = new Hub({
    store,
    pubsub,
    live,
    limiter,
    budgets,
    limitFactor: config.rateLimitFactor,
    cursorKey: keys.cursor,
    log,
  });
  return {
    config,
    kv,
    store,
    limiter,
    budgets,
    pubsub,
    live,
    hub,
    hasher: new PasswordHasher(keys.pepper, options.hashers),
    mail,
    blobs,
    images: new ImageProcessor(),
    search,
    searchIndexer,
    keys,
    tokens: { issuer: config.origin ?? "prok", audience: "prok-api", key: keys.jwt },
    log,
    accepting: true,
    now: Date.now,
  };
}

function openPubSub(config: Config): Promise<PubSub> | PubSub {
  switch (pubsubAdapter(config)) {
    case "redis":
      return RedisPubSub.open(config.redisUrl!);
    case "broadcast-channel":
      return new BroadcastChannelPubSub();
    case "memory":
      return new MemoryPubSub();
  }
}

const closed = new WeakSet<App>();

/**
 * Closes every adapter; closing twice is harmless. `beforeQueueCloses` runs after the MySQL store (whose queue stops
 * with it), before the KV handle (the embedded store and its queue).
 */
export async function closeApp(app: App, beforeQueueCloses?: () => Promise<void>): Promise<void> {
  if (closed.has(app)) return;
  closed.add(app);
  app.accepting = false;
  app.hub.closeAll();
  app.hasher.close();
  await app.limiter.close();
  await app.pubsub.close();
  await app.mail.close();
  app.images.close();
  await app.blobs.close();
  await app.searchIndexer.close();
  await app.search.close();
  if (app.store.kind !== "deno-kv") await app.store.close();
  await beforeQueueCloses?.();
  app.kv.close();
}

export function authDeps(app: App): AuthDeps {
  return {
    store: app.store,
    hasher: app.hasher,
    tokens: app.tokens,
    limiter: app.limiter,
    limitFactor: app.config.rateLimitFactor,
    log: app.log,
    live: app.live,
    keys: app.keys,
    now: app.now,
  };
}

/** What the domain services take (each names the part it needs): the store, the cursor key and the log. */
export function searchDeps(app: App): SearchDeps {
  return { store: app.store, search: app.search, cursorKey: app.keys.cursor };
}

export function domainDeps(
  app: App,
): UsersDeps & PostsDeps & ConnectionsDeps & NotificationsDeps & MessagesDeps & JobsDeps & MediaDeps {
  return {
    store: app.store,
    cursorKey: app.keys.cursor,
    log: app.log,
    live: app.live,
    budgets: app.budgets,
    blobs: app.blobs,
    images: app.images,
  };
}

export interface Readiness {
  /** The process accepts work and the primary store (with its queue) answers: keep it in the load balancer. */
  ready: boolean;
  /** Secondary backends that do not answer (Redis, Meilisearch, SMTP): pages and the API still work without them. */
  degraded: string[];
  checks: Probe[];
}

/** The checks whose failure takes this instance out of service: the primary store, Deno KV or MySQL. */
const PRIMARY = new Set(["process", "deno-kv", "mysql"]);

/**
 * Ready when the process still accepts work and the primary store answers. A secondary backend that does not answer
 * only degrades the instance (QUALITY.md, Reliability promises): every instance shares it, so taking them all out of
 * the load balancer would turn a Redis outage into a full one.
 */
export async function checkReadiness(app: App): Promise<Readiness> {
  const adapters: Pingable[] = app.store.kind === "mysql"
    ? [{ name: "mysql", ping: () => app.store.ping() }]
    : [{ name: "deno-kv", ping: async () => void await app.kv.get(["health"]) }];
  // One check per backend: Redis answers for the limiter's connection and the pub/sub's two.
  const redis = [app.limiter, app.pubsub].filter((port) => port.kind === "redis");
  if (redis.length) {
    adapters.push({
      name: "redis",
      ping: async () => void await Promise.all(redis.map((p) => p.ping())),
    });
  }
  if (app.search.kind === "meilisearch") adapters.push({ name: "meilisearch", ping: () => app.search.ping() });
  // Without a bucket on Deno Deploy there is no disk for media: readiness says so (degraded, not down).
  adapters.push({ name: app.blobs.kind === "s3" ? "s3" : "media-folder", ping: () => app.blobs.ping() });
  const mail: Pingable | undefined = app.mail.kind === "smtp"
    ? { name: "smtp", ping: () => app.mail.ping() }
    : undefined;
  const checks = await probeBackends(adapters, mail);
  if (!app.accepting) checks.unshift({ name: "process", ok: false, error: "shutting down" });
  const failed = checks.filter((c) => !c.ok);
  return {
    ready: failed.every((c) => !PRIMARY.has(c.name)),
    degraded: failed.filter((c) => !PRIMARY.has(c.name)).map((c) => c.name),
    checks,
  };
}
