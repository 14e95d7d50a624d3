// Read replicas against real replication: a private MariaDB primary and a replica following it (binlog, GTID), and
// app instances reading from the replica (DATABASE_READ_URLS). Shows where reads go (SELECTs counted on each server),
// that a member sees their own new post and message at once on another instance while the replica's SQL thread is
// stopped, that workers act on the primary's records, and that a lagging or killed replica is skipped while
// readiness stays 200.
import { assert, assertEquals } from "../../framework/testing/assert.ts";
import { call, connected } from "../api_client.ts";
import type { TestApp } from "../testing.ts";
import { freePort } from "../../tasks/bench/processes.ts";
import {
  type AppProcess,
  type PrivateServer,
  requireBinaries,
  sqlOn,
  startApp,
  startReplicatedMariadb,
  waitFor,
} from "./servers.ts";

const bin = requireBinaries("mariadbd", "mariadb-install-db");

/** What the API client needs of an app: its fetch, here over the network to a real process. */
const remote = (app: AppProcess) =>
  ({ fetch: (path: string, init?: RequestInit) => fetch(app.origin + path, init) }) as unknown as TestApp;

/**
 * What a server ran so far: every SELECT, and the prepared statements among them and others. The app sends a
 * statement with values as a prepared one; the replica checks' heartbeat reads have none, so on the replica
 * `prepared` counts only the reads routed there.
 */
async function ran(server: PrivateServer): Promise<{ selects: number; prepared: number }> {
  const rows = await sqlOn<{ Variable_name: string; Value: string }>(
    server,
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_select', 'Com_stmt_execute')",
  );
  const value = (name: string) => Number(rows.find((r) => r.Variable_name === name)?.Value);
  return { selects: value("Com_select"), prepared: value("Com_stmt_execute") };
}

Deno.test({
  name:
    "[faults] read replicas: stale reads on the replica, own writes at once, workers on the primary, a bad replica skipped",
  ignore: !bin,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const { primary, replica } = await startReplicatedMariadb(bin!);
    const dir = await Deno.makeTempDir({ prefix: "prok-fault-replica-" });
    const apps: AppProcess[] = [];
    try {
      // One site behind a balancer: the instances share the origin (tokens name it as their issuer). `one` and `two`
      // bear any lag (so a stopped replica still serves them: read-your-writes must come from the write's record, not
      // from the replica being skipped); `strict` skips a replica more than a second behind.
      const port = freePort();
      const env = (maxLagS: number, i: number) => ({
        DATABASE_URL: primary.url,
        DATABASE_READ_URLS: replica.url,
        DATABASE_READ_MAX_LAG_S: String(maxLagS),
        PROK_DATA_DIR: `${dir}/${i}`,
        PROK_RATE_LIMIT_FACTOR: "1000",
        PROK_ORIGIN: `http://127.0.0.1:${port}`,
      });
      // The first instance migrates alone; the others start together once the schema is there.
      apps.push(await startApp(env(3600, 1), { port }));
      apps.push(...await Promise.all([startApp(env(3600, 2)), startApp(env(1, 3))]));
      const [one, two, strict] = apps;
      const logTail = () => apps.flatMap((app) => app.lines()).slice(-30).join("\n");
      const [a, b] = await connected(remote(one));
      const read = (app: AppProcess, who: typeof a, path: string) =>
        call(remote(app), "GET", path, undefined, who.accessToken);

      // Reads go to the replica once it has applied the members' own writes (their sign-up and connection).
      for (const app of [one, two, strict]) {
        await waitFor(`B's feed read on ${app.origin} served by the replica`, async () => {
          const before = await ran(replica);
          assertEquals((await read(app, b, "/api/posts")).status, 200);
          return (await ran(replica)).prepared > before.prepared;
        });
      }
      const reads = 40;
      const [p0, r0] = [await ran(primary), await ran(replica)];
      for (let i = 0; i < reads; i++) {
        const res = await read(i % 2 ? one : two, b, "/api/posts");
        assertEquals(res.status, 200, res.text);
      }
      const [p1, r1] = [await ran(primary), await ran(replica)];
      const replicaSelects = r1.selects - r0.selects;
      const primarySelects = p1.selects - p0.selects;
      console.log(
        `replica read share over ${reads} feed API reads on two instances: ${replicaSelects} SELECTs on the replica, ` +
          `${primarySelects} on the primary: ${
            (replicaSelects / (replicaSelects + primarySelects) * 100).toFixed(1)
          } % on the replica ` +
          `(each request's session read is the primary's; the heartbeat checks count on both)`,
      );
      assertEquals(r1.prepared - r0.prepared, reads, "each feed page read on the replica, and nothing else there");

      // The replica stops applying: a member's own new post and message are theirs at once, on either instance,
      // through the API and a cookie page alike, while the replica still serves the others (and so lacks the post).
      await sqlOn(replica, "STOP SLAVE SQL_THREAD");
      const post = await call(
        remote(one),
        "POST",
        "/api/posts",
        { content: "written while the replica stands still" },
        a.accessToken,
      );
      assertEquals(post.status, 201, post.text);
      const postId = post.json.id as string;
      for (const app of [two, one]) {
        assertEquals((await read(app, a, `/api/posts/${postId}`)).status, 200, `A reads the new post on ${app.origin}`);
        const feed = await read(app, a, "/api/posts");
        assert(
          JSON.stringify(feed.json).includes(postId),
          `A's feed on ${app.origin} shows the new post: ${feed.text}`,
        );
      }
      const page = await fetch(`${two.origin}/feed`, { headers: { cookie: `prok_at=${a.accessToken}` } });
      assert((await page.text()).includes("written while the replica stands still"), "A's /feed page shows the post");
      const stale = await read(one, b, `/api/posts/${postId}`);
      assertEquals(stale.status, 404, "B, who wrote nothing since, is served by the stopped replica");
      console.log(
        "SQL thread stopped: A sees the new post on both instances (API and page); B, on the replica, not yet",
      );

      const message = await call(
        remote(two),
        "POST",
        "/api/messages",
        { receiverId: b.user.id, content: "sent while the replica stands still" },
        a.accessToken,
      );
      assertEquals(message.status, 201, message.text);
      for (const [app, who, other] of [[one, a, b], [two, a, b], [one, b, a]] as const) {
        const thread = await read(app, who, `/api/messages?with=${other.user.id}`);
        assert(thread.text.includes(message.json.id as string), `the message in the thread on ${app.origin}`);
      }

      // The fan-out worker reloads the post from the primary: B's timeline gets it although the replica lacks it.
      await waitFor("the post fanned out to B's timeline", async () => {
        const rows = await sqlOn<{ n: number }>(
          primary,
          `SELECT COUNT(*) AS n FROM prok.timeline WHERE member_id = ${Number(b.user.id)} AND post_id = ${
            Number(postId)
          }`,
        );
        return Number(rows[0].n) === 1;
      });
      const onReplica = await sqlOn<{ n: number }>(
        replica,
        `SELECT COUNT(*) AS n FROM prok.posts WHERE id = ${Number(postId)}`,
      );
      assertEquals(Number(onReplica[0].n), 0, "the replica still lacks the post the worker acted on");
      console.log("the fan-out worker acted on the primary's copy of the post; the replica still lacks it");

      // An instance with a one-second bound skips the lagging replica: B reads the post there, and it stays ready.
      await waitFor(
        "the strict instance skips the lagging replica",
        async () => (await read(strict, b, `/api/posts/${postId}`)).status === 200,
      );
      assertEquals((await fetch(`${strict.origin}/readyz`)).status, 200);
      assert(strict.lines().some((l) => l.includes("replica skipped until it recovers")), logTail());

      // Applying again, the replica catches up and serves B the post.
      await sqlOn(replica, "START SLAVE SQL_THREAD");
      await waitFor(
        "the caught-up replica serves B the post",
        async () => (await read(one, b, `/api/posts/${postId}`)).status === 200,
      );

      // Killed: reads fall back to the primary at once, and readiness stays 200 (it needs only the primary).
      await replica.kill();
      for (const app of [one, two, strict]) {
        assertEquals((await fetch(`${app.origin}/readyz`)).status, 200, logTail());
        for (const path of ["/api/posts", `/api/posts/${postId}`, `/api/users/${a.user.id}`]) {
          const res = await read(app, b, path);
          assertEquals(res.status, 200, `${path} on ${app.origin} with the replica killed: ${res.text}\n${logTail()}`);
        }
      }
      assert(one.lines().some((l) => l.includes("replica skipped until it recovers")), logTail());
      console.log("replica killed: every instance ready (200) and every read answered from the primary");
    } finally {
      await Promise.all(apps.map((app) => app.terminate(5_000)));
      await Promise.all([primary.cleanup(), replica.cleanup()]);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
