// `deno task bench --replica`: the home feed API with its reads on a read replica against the same API reading the
// primary, in one run. A private MariaDB primary and a replica following it (tests/faults/servers.ts), a seeded
// network replicated to both, then one app instance with DATABASE_READ_URLS and one without, measured alike. Both
// servers share this machine's cores with the app and the load generator, so the ratio shows what routing reads
// costs or saves here, not the capacity a replica on its own machine adds.
import { closeApp, openApp } from "../../services/app.ts";
import { parseConfig } from "../../services/config.ts";
import { requireBinaries, sqlOn, startReplicatedMariadb } from "../../tests/faults/servers.ts";
import { seed } from "../seed.ts";
import { feedFixture, signIn } from "./feed.ts";
import { type LoadResult, runLoad, type Tool } from "./load.ts";
import { appCommand, freePort, startServer, stop } from "./processes.ts";

/** Smaller than the feed bench's MySQL network, so seeding and replicating it takes well under a minute. */
const NETWORK = { members: 1_000, posts: 20_000, connections: 50 };
const FEED = "/api/posts?limit=20";

export interface ReplicaSide {
  result: LoadResult;
  /** SELECTs each server ran while the side was measured. */
  selects: { primary: number; replica: number };
}

export interface ReplicaResult {
  describe: string;
  onReplica: ReplicaSide;
  onPrimary: ReplicaSide;
  /** Requests per second reading the replica, over those reading the primary. */
  ratio: number;
}

export interface ReplicaBenchOptions {
  root: string;
  secret: string;
  env: (extra: Record<string, string>) => Record<string, string>;
  tool: Tool;
  durationS: number;
  warmupS: number;
  threads: number;
  progress: (text: string) => void;
}

async function selects(server: Parameters<typeof sqlOn>[0]): Promise<number> {
  const [row] = await sqlOn<{ Value: string }>(server, "SHOW GLOBAL STATUS LIKE 'Com_select'");
  return Number(row.Value);
}

export async function replicaBench(options: ReplicaBenchOptions): Promise<ReplicaResult> {
  const bin = requireBinaries("mariadbd", "mariadb-install-db");
  if (!bin) throw new Error("--replica starts a MariaDB primary and replica: install mariadb-server first");
  const { progress } = options;
  progress("replica: starting a private MariaDB primary and a replica of it");
  const { primary, replica } = await startReplicatedMariadb(bin);
  const dataDir = await Deno.makeTempDir({ prefix: "prok-bench-replica-" });
  try {
    progress(`replica: seeding ${NETWORK.members} members and ${NETWORK.posts} posts into the primary`);
    const seeding = await openApp(
      parseConfig({
        PROK_ENV: "production",
        PROK_SECRET: options.secret,
        PROK_ORIGIN: "http://127.0.0.1",
        PROK_DATA_DIR: dataDir,
        DATABASE_URL: primary.url,
      }),
      { hashers: 1 },
    );
    try {
      await seed(seeding, { ...NETWORK, seed: 42, days: 365 });
    } finally {
      await closeApp(seeding);
    }
    const fixture = await feedFixture(options.secret, primary.url);
    // Measured only once the replica holds everything the primary does.
    const [{ pos }] = await sqlOn<{ pos: string }>(primary, "SELECT @@gtid_binlog_pos AS pos");
    const [{ waited }] = await sqlOn<{ waited: number }>(replica, `SELECT MASTER_GTID_WAIT('${pos}', 300) AS waited`);
    if (Number(waited) !== 0) throw new Error(`the replica did not reach the primary's ${pos} within 300 s`);

    const side = async (name: string, reads: Record<string, string>): Promise<ReplicaSide> => {
      const port = freePort();
      const app = await startServer({
        name,
        args: appCommand(options.root),
        cwd: options.root,
        env: options.env({
          PORT: String(port),
          PROK_ENV: "production",
          PROK_ORIGIN: `http://127.0.0.1:${port}`,
          PROK_SECRET: options.secret,
          PROK_DATA_DIR: `${dataDir}/${port}`,
          PROK_RATE_LIMIT_FACTOR: "10000",
          DATABASE_URL: primary.url,
          ...reads,
        }),
        port,
        readyPath: "/readyz",
      });
      try {
        const token = await signIn(app.origin, fixture.email, fixture.password);
        const settings = {
          tool: options.tool,
          url: app.origin + FEED,
          connections: 4,
          threads: options.threads,
          headers: { authorization: `Bearer ${token}` },
        };
        // The warm-up also outlasts the sign-in's own write, which keeps the member on the primary for a second.
        progress(`${name}: warm-up ${Math.max(options.warmupS, 2)}s`);
        await runLoad({ ...settings, durationS: Math.max(options.warmupS, 2) });
        const before = { primary: await selects(primary), replica: await selects(replica) };
        progress(`${name}: measuring ${options.durationS}s against ${settings.url}`);
        const result = await runLoad({ ...settings, durationS: options.durationS });
        return {
          result,
          selects: {
            primary: await selects(primary) - before.primary,
            replica: await selects(replica) - before.replica,
          },
        };
      } finally {
        await stop(app.child);
      }
    };
    const onReplica = await side("feed API, reads on the replica", { DATABASE_READ_URLS: replica.url });
    const onPrimary = await side("feed API, reads on the primary", {});
    await fixture.cleanup();
    return {
      describe: `MariaDB primary and replica on this machine, ${NETWORK.members.toLocaleString("en-US")} members, ` +
        `${NETWORK.posts.toLocaleString("en-US")} posts, ${fixture.describe.replace(/^.*?, /, "")}`,
      onReplica,
      onPrimary,
      ratio: onReplica.result.rps / onPrimary.result.rps,
    };
  } finally {
    await Promise.all([primary.cleanup(), replica.cleanup()]);
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}
