// SIGTERM under load, against the app as a real process: on the embedded Deno KV store and on a MariaDB of the test's
// own. While a member keeps posting, /readyz must fail before any connection is refused, no write may answer 5xx, the
// process must exit 0, and after a restart every acknowledged post must reach a connection's home feed within a normal
// fan-out time (a stranded queue claim used to hold one back for twelve minutes).
import { assert, assertEquals } from "../../framework/testing/assert.ts";
import { api, connect, homeFeedIds, register, signIn } from "./members.ts";
import { type AppProcess, requireBinaries, startApp, startPrivateMariadb } from "./servers.ts";

/** How long the fan-out of every post may take after the restart: generous, well under a five-minute lease. */
const FANOUT_BOUND_MS = 30_000;
const WRITERS = 2;

async function shutdownUnderLoad(label: string, storeEnv: Record<string, string>): Promise<void> {
  const dataDir = await Deno.makeTempDir({ prefix: "prok-fault-shutdown-" });
  const env = { ...storeEnv, PROK_DATA_DIR: dataDir, PROK_RATE_LIMIT_FACTOR: "10000", PROK_DRAIN_MS: "5000" };
  let app: AppProcess | null = null;
  let again: AppProcess | null = null;
  try {
    app = await startApp(env);
    const { origin } = app;
    const author = await register(origin, "Author");
    const reader = await register(origin, "Reader");
    await connect(origin, author, reader);
    // Read once so the reader's timeline counts as built: from here on only the fan-out puts posts in it.
    await homeFeedIds(origin, reader.token);

    const acked: string[] = [];
    const fivexx: string[] = [];
    let sigtermAt = 0;
    let ackedAfterSigterm = 0;
    let first503At = 0;
    let firstRefusalAt = 0;
    let refusal = "";
    const refused = (err: unknown) => {
      if (!firstRefusalAt) [firstRefusalAt, refusal] = [performance.now(), String(err)];
    };

    const writer = async (w: number) => {
      for (let n = 0; !firstRefusalAt; n++) {
        try {
          const res = await api(origin, "POST", "/api/posts", { content: `writer ${w} post ${n}` }, author.token);
          if (res.status === 201) {
            acked.push(res.json.id as string);
            if (sigtermAt) ackedAfterSigterm++;
          } else if (res.status >= 500) fivexx.push(`${res.status} ${res.text}`);
          else throw new Error(`unexpected ${res.status}: ${res.text}`);
        } catch (err) {
          if (err instanceof TypeError) refused(err); // the connection was refused or closed: the server has stopped
          else throw err;
        }
        await new Promise((r) => setTimeout(r, 10)); // steady, not flat out: the machine runs other tests too
      }
    };
    const readiness = async () => {
      while (!firstRefusalAt) {
        try {
          const res = await fetch(`${origin}/readyz`);
          await res.body?.cancel();
          if (res.status === 503 && !first503At) first503At = performance.now();
        } catch (err) {
          refused(err);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const load = Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), readiness()]);
    let failed: unknown = null;
    load.catch((err) => failed = err);
    while (acked.length < 20 && !failed) await new Promise((r) => setTimeout(r, 20));
    if (failed) throw failed;
    sigtermAt = performance.now();
    const status = await app.terminate(60_000);
    await load;

    assertEquals(status.code, 0, app.lines().slice(-20).join("\n"));
    assertEquals(fivexx, [], "no write answered 5xx");
    assert(first503At > sigtermAt, "/readyz turned 503 after SIGTERM");
    assert(firstRefusalAt > first503At, `/readyz turned 503 before connections were refused (${refusal})`);
    assert(ackedAfterSigterm > 0, "the server kept serving writes through the drain window");
    const stopped = app.lines().find((l) => l.includes('"msg":"stopped serving"'));
    assert(stopped, app.lines().slice(-20).join("\n"));

    again = await startApp(env);
    const restartedAt = performance.now();
    const token = await signIn(again.origin, reader.email, reader.password);
    let missing = acked.length;
    while (missing > 0) {
      const feed = await homeFeedIds(again.origin, token);
      missing = acked.filter((id) => !feed.has(id)).length;
      if (missing === 0) break;
      if (performance.now() - restartedAt >= FANOUT_BOUND_MS) {
        const late = acked.flatMap((id, i) => feed.has(id) ? [] : [`#${i} ${id}`]);
        const noted = [...app.lines(), ...again.lines()].filter((l) =>
          /"level":"(warn|error)"|stopped serving/.test(l)
        );
        throw new Error(
          `${missing} of ${acked.length} acknowledged posts (${ackedAfterSigterm} after SIGTERM) missed the reader's ` +
            `feed ${FANOUT_BOUND_MS / 1000} s after restart: ${late.join(", ")}\n${noted.slice(-30).join("\n")}`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(
      `[faults] ${label}: ${acked.length} writes acknowledged (${ackedAfterSigterm} after SIGTERM), no 5xx; ` +
        `/readyz 503 ${Math.round(first503At - sigtermAt)} ms after SIGTERM, first refusal ` +
        `${Math.round(firstRefusalAt - sigtermAt)} ms after; exit ${status.code}; every fan-out in the reader's feed ` +
        `${Math.round(performance.now() - restartedAt)} ms after the restart; ${stopped}`,
    );
  } finally {
    await app?.kill().catch(() => {});
    await again?.kill().catch(() => {});
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}

Deno.test({
  name: "[faults] SIGTERM under load on Deno KV: readiness fails first, no 5xx, every fan-out lands after restart",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () => shutdownUnderLoad("Deno KV", {}),
});

const mariadb = requireBinaries("mariadbd", "mariadb-install-db");

Deno.test({
  name: "[faults] SIGTERM under load on MariaDB: readiness fails first, no 5xx, every fan-out lands after restart",
  ignore: !mariadb,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const db = await startPrivateMariadb(mariadb!);
    try {
      await shutdownUnderLoad("MariaDB", { DATABASE_URL: db.url });
    } finally {
      await db.cleanup();
    }
  },
});
