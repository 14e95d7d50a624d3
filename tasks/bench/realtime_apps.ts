// What the real-time bench's parts share: app instances (started, watched, their logs read), the load clients'
// settings, and how a member's socket to an instance is described.
import { rssBytes } from "./proc_stats.ts";
import { appCommand, fileLimitWrapped, freePort, type Server, startServer } from "./processes.ts";
import type { SocketSpec } from "./ws_clients.ts";

/**
 * The public origin every instance is configured with, as behind one load balancer: tokens the bench mints name it
 * as their issuer, and sockets send it as their Origin, whichever instance they reach.
 */
export const BENCH_ORIGIN = "http://prok.bench.invalid";

/** Load client processes: the sockets, and the work of sending and checking, split between them. */
export const LOAD_CLIENTS = 2;
/** Handshakes in flight per load client. */
export const OPENING = 64;

export interface AppOptions {
  /** The project folder (main.ts). */
  root: string;
  /** PROK_SECRET of every instance (and of the tokens the bench mints). */
  secret: string;
  /** A clean environment for a child process, with `extra` added. */
  env(extra: Record<string, string>): Record<string, string>;
  redisUrl: string;
  progress(text: string): void;
}

/** Throws with its last words if a server has exited. */
export function assertAlive(...servers: Server[]) {
  for (const s of servers) {
    // A child that exited has no resident memory left to read.
    if (rssBytes(s.child.pid) === null) throw new Error(`${s.name} exited during the run:\n${s.stderrTail()}`);
  }
}

/** Starts an instance of the app (production, Redis pub/sub) on a free port, its JSON log kept in `logFile`. */
export async function startApp(
  options: AppOptions,
  name: string,
  storeEnv: Record<string, string>,
  logFile: string,
): Promise<Server> {
  const port = freePort();
  return await startServer({
    name,
    args: fileLimitWrapped(appCommand(options.root)),
    cwd: options.root,
    env: options.env({
      PORT: String(port),
      PROK_ENV: "production",
      PROK_ORIGIN: BENCH_ORIGIN,
      PROK_SECRET: options.secret,
      PROK_RATE_LIMIT_FACTOR: "10000",
      PROK_DRAIN_MS: "0", // no load balancer drains a bench app
      REDIS_URL: options.redisUrl,
      ...storeEnv,
    }),
    port,
    readyPath: "/healthz",
    stdoutFile: logFile,
  });
}

/**
 * What went wrong on the servers between `from` and `to` (ISO times): their JSON log lines about failed frames and
 * deliveries, by message and error. Read once the servers have stopped, so every line they wrote is in the files.
 */
export async function serverFailures(logFiles: string[], from = "", to = "~"): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const file of logFiles) {
    const text = await Deno.readTextFile(file).catch(() => "");
    for (const line of text.split("\n")) {
      if (!line.includes("failed")) continue;
      try {
        const entry = JSON.parse(line) as { time?: string; msg?: string; error?: string };
        if (!entry.msg?.endsWith("failed") || entry.msg === "login failed") continue;
        if (!entry.time || entry.time < from || entry.time >= to) continue;
        const key = `${entry.msg}: ${String(entry.error ?? "").slice(0, 160)}`;
        found[key] = (found[key] ?? 0) + 1;
      } catch {
        // Not a log line.
      }
    }
  }
  return found;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A socket of a member to a server, signed in with a session cookie, from the site's public origin. */
export function socketTo(
  server: Server,
  token: string,
  member: number,
  partner: SocketSpec["partner"],
  path = "/api/ws",
): SocketSpec {
  return { url: `${server.origin.replace(/^http/, "ws")}${path}`, origin: BENCH_ORIGIN, token, member, partner };
}
