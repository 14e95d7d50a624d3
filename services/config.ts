// The one place the environment is read. It is validated once, at start, and every later read comes from the
// frozen object, so a bad value stops the process before it serves anything.
import { z } from "zod";
import { type AddressRange, parseRange } from "./net.ts";
import type { PubSubKind } from "./pubsub/types.ts";
import type { S3Options } from "./blobs/s3.ts";

const urlWith = (protocols: string[], example: string) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")} (for example ${example})`);

/** What is wrong with a MySQL URL (a replica's), or null. */
function databaseUrlProblem(value: string): string | null {
  const example = "(for example mysql://reader:password@10.0.1.5:3306/prok)";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `is not a URL ${example}`;
  }
  if (url.protocol !== "mysql:" && url.protocol !== "mariadb:") {
    return `must start with mysql:// or mariadb:// ${example}`;
  }
  if (url.pathname.replace(/^\//, "") === "") return `names no database: add it as the path ${example}`;
  return null;
}

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const schema = z.object({
  PORT: z.preprocess(
    (v) => (v === undefined || v === "" ? 8000 : Number(v)),
    z.number({ error: (issue) => issue.code === "invalid_type" ? "must be a number" : undefined })
      .int("must be a whole number").min(1, "must be between 1 and 65535").max(65535, "must be between 1 and 65535"),
  ),
  PROK_ENV: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.enum(["development", "production", "test"], { error: "must be development, production or test" }),
  ).default("development"),
  HOSTNAME: optional(
    z.string().regex(
      /^(\[[0-9a-fA-F:.]+\]|[0-9A-Za-z.:-]+)$/,
      "must be an address to listen on (for example 127.0.0.1, 0.0.0.0 or ::)",
    ),
  ),
  PROK_DATA_DIR: optional(z.string()).transform((v) => v ?? "./data"),
  PROK_ORIGIN: optional(urlWith(["http:", "https:"], "https://prok.example")),
  PROK_SECRET: optional(z.string().min(32, "must be at least 32 characters (for example: openssl rand -base64 48)")),
  DATABASE_URL: optional(urlWith(["mysql:", "mariadb:"], "mysql://user:password@127.0.0.1:3306/prok")),
  DATABASE_READ_URLS: optional(
    z.string().superRefine((value, ctx) => {
      const urls = value.split(",").map((u) => u.trim());
      urls.forEach((url, i) => {
        const problem = databaseUrlProblem(url);
        if (problem) ctx.addIssue({ code: "custom", message: `entry ${i + 1} of ${urls.length} ${problem}` });
      });
    }),
  ),
  DATABASE_READ_MAX_LAG_S: z.preprocess(
    (v) => (v === undefined || v === "" ? 5 : Number(v)),
    z.number({ error: (issue) => issue.code === "invalid_type" ? "must be a number of seconds" : undefined })
      .min(1, "must be between 1 and 3600 seconds").max(3600, "must be between 1 and 3600 seconds"),
  ),
  REDIS_URL: optional(urlWith(["redis:", "rediss:"], "redis://127.0.0.1:6379")),
  MEILI_URL: optional(urlWith(["http:", "https:"], "http://127.0.0.1:7700")),
  MEILI_API_KEY: optional(z.string()),
  SMTP_URL: optional(urlWith(["smtp:", "smtps:"], "smtp://user:password@mail.example:587")),
  PROK_RATE_LIMIT_FACTOR: z.preprocess(
    (v) => (v === undefined || v === "" ? 1 : Number(v)),
    z.number({ error: (issue) => issue.code === "invalid_type" ? "must be a number" : undefined })
      .min(0.01, "must be between 0.01 and 10000").max(10_000, "must be between 0.01 and 10000"),
  ),
  PROK_TRUSTED_PROXIES: optional(
    z.string().refine(
      (v) => v.split(",").every((entry) => parseRange(entry) !== null),
      "must be a comma-separated list of proxy IP addresses or ranges (for example 10.0.0.5,10.244.0.0/16)",
    ),
  ),
  PROK_DRAIN_MS: z.preprocess(
    (v) => (v === undefined || v === "" ? 5000 : Number(v)),
    z.number({ error: (issue) => issue.code === "invalid_type" ? "must be a number" : undefined })
      .int("must be a whole number of milliseconds").min(0, "must be between 0 and 600000")
      .max(600_000, "must be between 0 and 600000"),
  ),
  PROK_DEMO: optional(z.enum(["0", "1"], { error: "must be 0 or 1" })),
  PROK_PREBUILT: optional(z.enum(["0", "1"], { error: "must be 0 or 1" })),
  PROK_PUBSUB: optional(
    z.enum(["memory", "redis", "broadcast-channel"], { error: "must be memory, redis or broadcast-channel" }),
  ),
  DENO_DEPLOYMENT_ID: optional(z.string()),
  PROK_MEDIA_BASE_URL: optional(urlWith(["http:", "https:"], "https://cdn.prok.example")),
  S3_BUCKET: optional(
    z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name (for example prok-media)"),
  ),
  S3_ENDPOINT: optional(urlWith(["http:", "https:"], "https://s3.eu-central-1.amazonaws.com")),
  S3_REGION: optional(
    z.string().regex(/^[a-z0-9-]{2,32}$/, "must be a region name (for example eu-central-1 or auto)"),
  ),
  S3_ACCESS_KEY_ID: optional(z.string()),
  S3_SECRET_ACCESS_KEY: optional(z.string()),
  S3_FORCE_PATH_STYLE: optional(z.enum(["0", "1", "false", "true"], { error: "must be 1 or 0 (true or false)" })),
});

export type Env = "development" | "production" | "test";

export interface Config {
  port: number;
  /** The address to listen on: HOSTNAME, else every interface in production and only this machine elsewhere. */
  hostname: string;
  env: Env;
  dataDir: string;
  origin?: string;
  secret?: string;
  databaseUrl?: string;
  /** Read replicas of this instance's region (empty: every read goes to DATABASE_URL). */
  databaseReadUrls: string[];
  /** A replica further behind the primary than this many milliseconds serves no reads until it catches up. */
  databaseReadMaxLagMs: number;
  redisUrl?: string;
  meiliUrl?: string;
  meiliApiKey?: string;
  smtpUrl?: string;
  /** Multiplies every rate limit (operators behind one shared address, load tests). */
  rateLimitFactor: number;
  /** Proxies whose X-Forwarded-For names the client; without them the socket address is the client. */
  trustedProxies: AddressRange[];
  /** How long a stopping process keeps serving with readiness failed, so load balancers take it out first. */
  drainMs: number;
  /** Seed a demo network into an empty embedded store in development (default on there, never in production). */
  demo: boolean;
  /** Serve only the island bundle built ahead (`deno task build`): a missing or stale one stops start-up. */
  prebuilt: boolean;
  /** The pub/sub adapter PROK_PUBSUB asks for; unset, `pubsubAdapter` chooses from the rest. */
  pubsub?: PubSubKind;
  /** Set by Deno Deploy (DENO_DEPLOYMENT_ID) in every isolate: the app runs there. */
  deploymentId?: string;
  /** Where media URLs point: a CDN whose origin is this app's /media/* (PROK_MEDIA_BASE_URL); "" for this app. */
  mediaBaseUrl: string;
  /** The bucket media blobs go to (S3_*); unset, they go to `<dataDir>/media`. */
  s3?: S3Options;
}

export class ConfigError extends Error {}

/** Validates an environment; throws ConfigError with one line naming the first bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // A Deno Deploy isolate serves the public: production unless PROK_ENV says otherwise.
  const onDeploy = env.DENO_DEPLOYMENT_ID !== undefined && env.DENO_DEPLOYMENT_ID !== "";
  const result = schema.safeParse(onDeploy && !env.PROK_ENV ? { ...env, PROK_ENV: "production" } : env);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue.path[0]);
    const value = env[name];
    // A list of URLs is redacted entry by entry: parsed whole, one password could slip through.
    const seen = value?.split(",").map(redact).join(",");
    const shown = name.includes("SECRET") || seen === undefined ? "" : ` (got ${JSON.stringify(seen)})`;
    throw new ConfigError(`Invalid environment variable ${name}: ${issue.message}${shown}`);
  }
  const e = result.data;
  if (e.PROK_ENV === "production" && !e.PROK_SECRET) {
    throw new ConfigError(
      "Invalid environment variable PROK_SECRET: production needs a secret of at least 32 characters " +
        "(for example: openssl rand -base64 48)",
    );
  }
  if (e.DATABASE_URL && !e.PROK_SECRET) {
    // A generated secret lives in one instance's data folder: the password pepper and token keys would differ per
    // instance, so accounts made through one could not sign in through another sharing the database.
    throw new ConfigError(
      "Invalid environment variable PROK_SECRET: DATABASE_URL needs a secret that every instance shares, of at least " +
        "32 characters (for example: openssl rand -base64 48)",
    );
  }
  if (e.PROK_ENV === "production" && !e.PROK_ORIGIN) {
    // Behind a TLS proxy the request URL says http://internal-host: without the public origin every form fails the
    // origin check, cookies lose Secure and __Host-, HSTS is never sent, and mailed links point at localhost.
    throw new ConfigError(
      "Invalid environment variable PROK_ORIGIN: production needs the public origin browsers use " +
        "(for example PROK_ORIGIN=https://prok.example)",
    );
  }
  if (e.DATABASE_READ_URLS && !e.DATABASE_URL) {
    throw new ConfigError(
      "Invalid environment variable DATABASE_READ_URLS: replicas need their primary in DATABASE_URL too",
    );
  }
  if (e.PROK_PUBSUB === "redis" && !e.REDIS_URL) {
    throw new ConfigError(
      "Invalid environment variable PROK_PUBSUB: redis needs REDIS_URL too (or choose memory or broadcast-channel)",
    );
  }
  const s3Set = [
    "S3_ENDPOINT",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_FORCE_PATH_STYLE",
  ] as const;
  const stray = s3Set.find((name) => e[name] !== undefined);
  if (stray && !e.S3_BUCKET) {
    throw new ConfigError(`Invalid environment variable ${stray}: set S3_BUCKET too, or unset ${stray}`);
  }
  if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
    throw new ConfigError(
      "Invalid environment variable S3_SECRET_ACCESS_KEY: set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or " +
        "neither (the SDK then finds credentials itself: an instance role, web identity)",
    );
  }
  if (e.MEILI_API_KEY && !e.MEILI_URL) {
    throw new ConfigError("Invalid environment variable MEILI_API_KEY: set MEILI_URL too, or unset MEILI_API_KEY");
  }
  return Object.freeze({
    port: e.PORT,
    // Development shows every member's mail at /dev/mail: it answers this machine only unless HOSTNAME says so.
    hostname: e.HOSTNAME?.replace(/^\[(.*)\]$/, "$1") ?? (e.PROK_ENV === "production" ? "0.0.0.0" : "127.0.0.1"),
    env: e.PROK_ENV,
    dataDir: e.PROK_DATA_DIR,
    origin: e.PROK_ORIGIN?.replace(/\/+$/, ""),
    secret: e.PROK_SECRET,
    databaseUrl: e.DATABASE_URL,
    databaseReadUrls: e.DATABASE_READ_URLS?.split(",").map((u) => u.trim()) ?? [],
    databaseReadMaxLagMs: e.DATABASE_READ_MAX_LAG_S * 1000,
    redisUrl: e.REDIS_URL,
    meiliUrl: e.MEILI_URL,
    meiliApiKey: e.MEILI_API_KEY,
    smtpUrl: e.SMTP_URL,
    rateLimitFactor: e.PROK_RATE_LIMIT_FACTOR,
    trustedProxies: e.PROK_TRUSTED_PROXIES?.split(",").map((entry) => parseRange(entry)!) ?? [],
    drainMs: e.PROK_DRAIN_MS,
    demo: e.PROK_ENV === "development" && e.PROK_DEMO !== "0",
    prebuilt: e.PROK_PREBUILT === "1",
    pubsub: e.PROK_PUBSUB,
    deploymentId: e.DENO_DEPLOYMENT_ID,
    mediaBaseUrl: e.PROK_MEDIA_BASE_URL?.replace(/\/+$/, "") ?? "",
    s3: e.S3_BUCKET
      ? {
        bucket: e.S3_BUCKET,
        endpoint: e.S3_ENDPOINT,
        region: e.S3_REGION ?? "us-east-1",
        credentials: e.S3_ACCESS_KEY_ID
          ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY! }
          : undefined,
        forcePathStyle: e.S3_FORCE_PATH_STYLE === "1" || e.S3_FORCE_PATH_STYLE === "true",
      }
      : undefined,
  });
}

/**
 * Which adapter carries events between processes: PROK_PUBSUB when set; otherwise Redis when REDIS_URL is set,
 * BroadcastChannel on Deno Deploy (its isolates share nothing else, and BroadcastChannel links them), and in-process
 * memory when the app runs alone.
 */
export function pubsubAdapter(config: Config): PubSubKind {
  return config.pubsub ?? (config.redisUrl ? "redis" : config.deploymentId ? "broadcast-channel" : "memory");
}

/** Where the embedded Deno KV store lives (with its queue and records); undefined: Deno Deploy's managed KV. */
export function kvPathOf(config: Config): string | undefined {
  return config.deploymentId ? undefined : `${config.dataDir}/prok.kv`;
}

/** A URL with its password hidden, for logs and messages. */
export function redact(value: string): string {
  try {
    const url = new URL(value);
    return url.password ? value.replace(`:${url.password}@`, ":***@") : value;
  } catch {
    return value;
  }
}

let loaded: Config | undefined;

/** The process configuration, read from the environment on first use. */
export function getConfig(): Config {
  return loaded ??= parseConfig(Deno.env.toObject());
}
