// Private servers for fault tests: a MariaDB and a Redis of their own (another port, a data folder under a temporary
// directory) that a test may kill, freeze and restart, and app instances run as real processes that it may SIGTERM or
// kill -9. Never the shared servers of DATABASE_URL and REDIS_URL. In CI a missing binary fails the test; elsewhere
// the tests that need it are skipped with a loud notice.
import { freePort, startServer, stop, track } from "../../tasks/bench/processes.ts";
// The fault tests find their binaries (mariadbd, redis-server) through this kit too.
export { requireBinaries } from "../../services/testing.ts";

const PROJECT = new URL("../../", import.meta.url).pathname;

async function run(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdin: "null", stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed (${out.code}):\n${new TextDecoder().decode(out.stderr)}`);
  }
}

/** Polls `ready` until it holds (a throw counts as not yet); fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, ready: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
}

async function listening(port: number): Promise<boolean> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  conn.close();
  return true;
}

function signal(child: Deno.ChildProcess | null, sig: Deno.Signal): void {
  try {
    child?.kill(sig);
  } catch {
    // Already exited.
  }
}

/** A server process of the test's own that can be killed, frozen (SIGSTOP) and started again on the same data. */
export interface PrivateServer {
  url: string;
  port: number;
  /** kill -9: gone at once, with whatever it held. */
  kill(): Promise<void>;
  /** SIGSTOP: still accepts TCP connections, answers nothing (a stalled server). */
  freeze(): void;
  thaw(): void;
  /** Starts it again on the same port and data (after kill). */
  restart(): Promise<void>;
  /** Stops it for good and removes its data folder. */
  cleanup(): Promise<void>;
}

function privateServer(
  port: number,
  dir: string,
  url: string,
  spawn: () => Deno.ChildProcess,
  ready: () => Promise<boolean>,
  name: string,
): Promise<PrivateServer> {
  let child: Deno.ChildProcess | null = null;
  const start = async () => {
    child = track(spawn());
    await waitFor(name, ready);
  };
  const kill = async () => {
    if (!child) return;
    signal(child, "SIGCONT");
    signal(child, "SIGKILL");
    await child.status;
    child = null;
  };
  const server: PrivateServer = {
    url,
    port,
    kill,
    freeze: () => signal(child, "SIGSTOP"),
    thaw: () => signal(child, "SIGCONT"),
    restart: start,
    async cleanup() {
      await kill();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
  return start().then(() => server, async (err) => {
    await server.cleanup();
    throw err;
  });
}

/**
 * A MariaDB of its own on a free port, with an empty `prok` database; root over TCP with no password. With a
 * `serverId` it keeps a binary log, so a replica can follow it.
 */
export async function startPrivateMariadb(
  bin: Record<string, string>,
  options: { serverId?: number } = {},
): Promise<PrivateServer> {
  const dir = await Deno.makeTempDir({ prefix: "prok-fault-mariadb-" });
  const port = freePort();
  const data = `${dir}/data`;
  await run(bin["mariadb-install-db"], [
    "--no-defaults",
    "--user=root",
    "--auth-root-authentication-method=normal",
    "--skip-test-db",
    `--datadir=${data}`,
    // Its own temporary folder: bootstraps running side by side (a primary and its replica) share nothing in /tmp.
    `--tmpdir=${dir}`,
  ]);
  const spawn = () =>
    new Deno.Command(bin.mariadbd, {
      args: [
        "--no-defaults",
        "--user=root",
        `--datadir=${data}`,
        `--socket=${dir}/mysqld.sock`,
        `--pid-file=${dir}/mysqld.pid`,
        `--tmpdir=${dir}`,
        "--bind-address=127.0.0.1",
        `--port=${port}`,
        ...(options.serverId ? ["--log-bin=prok-bin", `--server-id=${options.serverId}`] : ["--skip-log-bin"]),
        "--innodb-buffer-pool-size=32M",
        "--innodb-log-file-size=16M",
        "--skip-name-resolve",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  const server = await privateServer(port, dir, `mysql://root@127.0.0.1:${port}/prok`, spawn, async () => {
    await listening(port);
    return true;
  }, "private mariadbd");
  // Root may sign in only through the socket on a fresh data folder: let it in over TCP, and make the database.
  const { createConnection } = await import("mysql2/promise");
  await waitFor("private mariadbd root over the socket", async () => {
    const conn = await createConnection({ socketPath: `${dir}/mysqld.sock`, user: "root" });
    try {
      await conn.query(
        "CREATE USER IF NOT EXISTS root@'127.0.0.1'; GRANT ALL ON *.* TO root@'127.0.0.1' WITH GRANT OPTION",
      ).catch(() => conn.query("GRANT ALL ON *.* TO root@'127.0.0.1' WITH GRANT OPTION"));
      await conn.query("CREATE DATABASE IF NOT EXISTS prok CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    } finally {
      await conn.end();
    }
    return true;
  });
  return server;
}

/** Runs one statement on a private server as root, answering its rows. */
export async function sqlOn<T = Record<string, unknown>>(server: PrivateServer, statement: string): Promise<T[]> {
  const { createConnection } = await import("mysql2/promise");
  const conn = await createConnection({ uri: server.url });
  try {
    const [rows] = await conn.query(statement);
    return rows as T[];
  } finally {
    await conn.end();
  }
}

/**
 * A private MariaDB primary and a replica following it: binary log and GTID replication
 * (`MASTER_USE_GTID=slave_pos`), the replica reconnecting every second after the primary comes back.
 */
export async function startReplicatedMariadb(
  bin: Record<string, string>,
): Promise<{ primary: PrivateServer; replica: PrivateServer }> {
  const started = await Promise.allSettled([1, 2].map((serverId) => startPrivateMariadb(bin, { serverId })));
  const servers = started.flatMap((s) => s.status === "fulfilled" ? [s.value] : []);
  try {
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    const [primary, replica] = servers;
    await sqlOn(
      replica,
      `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port}, MASTER_USER='root', ` +
        "MASTER_PASSWORD='', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1",
    );
    await sqlOn(replica, "START SLAVE");
    return { primary, replica };
  } catch (err) {
    await Promise.all(servers.map((s) => s.cleanup()));
    throw err;
  }
}

/** A Redis of its own on a free port, persisting nothing. */
export async function startPrivateRedis(bin: Record<string, string>): Promise<PrivateServer> {
  const dir = await Deno.makeTempDir({ prefix: "prok-fault-redis-" });
  const port = freePort();
  const spawn = () =>
    new Deno.Command(bin["redis-server"], {
      args: ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  return await privateServer(port, dir, `redis://127.0.0.1:${port}`, spawn, () => listening(port), "private redis");
}

/** An app instance run as `deno run -A main.ts` in a process of its own. */
export interface AppProcess {
  origin: string;
  port: number;
  child: Deno.ChildProcess;
  /** What it wrote to stdout and stderr so far (JSON log lines and anything else), one string a line. */
  lines(): string[];
  /** kill -9. */
  kill(): Promise<void>;
  /** SIGTERM, then waits for it to exit (SIGKILL after `graceMs`). */
  terminate(graceMs?: number): Promise<Deno.CommandStatus>;
}

/**
 * Starts the app on a free port with `env` (added to PATH, HOME and Deno's cache and certificate settings only:
 * nothing else leaks in from the test's environment) and waits until `/readyz` answers 200. `denoFlags` replace `-A`
 * (permissions, preloads). PROK_ENV defaults to production with a fixed test secret, and
 * no drain window (no load balancer here to drain): the shutdown test sets PROK_DRAIN_MS itself.
 */
export async function startApp(
  env: Record<string, string>,
  options: { port?: number; denoFlags?: string[] } = {},
): Promise<AppProcess> {
  const port = options.port ?? freePort();
  const lines: string[] = [];
  const server = await startServer({
    name: "prok",
    args: [Deno.execPath(), "run", ...options.denoFlags ?? ["-A"], "main.ts"],
    cwd: PROJECT,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? "/tmp",
      // Where Deno caches packages and which certificates it trusts: the build fetches esbuild on first use.
      ...Object.fromEntries(
        ["DENO_DIR", "DENO_TLS_CA_STORE", "DENO_CERT"].flatMap((k) => Deno.env.get(k) ? [[k, Deno.env.get(k)!]] : []),
      ),
      DENO_NO_UPDATE_CHECK: "1",
      PROK_ENV: "production",
      PROK_SECRET: "fault-test-secret-fault-test-secret-0123456789",
      PROK_ORIGIN: `http://127.0.0.1:${port}`,
      HOSTNAME: "127.0.0.1",
      PORT: String(port),
      PROK_DRAIN_MS: "0",
      ...env,
    },
    port,
    readyPath: "/readyz",
    readyTimeoutMs: 60_000,
    onOutput: (text) => lines.push(...text.split("\n").filter((l) => l)),
  });
  return {
    origin: server.origin,
    port,
    child: server.child,
    lines: () => lines,
    async kill() {
      signal(server.child, "SIGKILL");
      await server.child.status;
    },
    async terminate(graceMs = 30_000) {
      await stop(server.child, graceMs);
      return await server.child.status;
    },
  };
}
