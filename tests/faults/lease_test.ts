// A worker that dies mid-job (kill -9 of its process) gives its claim back after a lease: the event's outbox row
// and the worker's claim on it are leased, not owned, so another instance runs the job once the lease passes.
import { assert, assertEquals } from "../../framework/testing/assert.ts";
import { MysqlStore } from "../../services/store/mysql/store.ts";
import { DATABASE_URL, openScratchDatabase } from "../../services/store/mysql/testing.ts";
import { eventually } from "../../services/testing.ts";
import { startWorkers } from "../../workers/runner.ts";

const LEASE_MS = 2_000;
const FIXTURE = new URL("../fixtures/hanging_worker.ts", import.meta.url).pathname;

Deno.test({
  name: "[faults] a worker killed mid-job gives its claim back after its lease, and another instance runs it once",
  ignore: !DATABASE_URL,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const database = await openScratchDatabase();
    const survivor = await MysqlStore.open(database.url, { leaseMs: LEASE_MS });
    let child: Deno.ChildProcess | null = null;
    try {
      const ada = await survivor.createUser({
        email: "ada@example.com",
        passwordHash: "x",
        firstName: "Ada",
        lastName: "Lease",
        role: "member",
      });
      child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", FIXTURE, database.url, String(LEASE_MS)],
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let out = "";
      while (!out.includes(`started ${ada.id}`)) {
        const { value, done } = await reader.read();
        assert(!done, `the hanging worker ended before starting: ${out}`);
        out += value;
      }
      child.kill("SIGKILL");
      await child.status;
      await reader.cancel().catch(() => {});
      const killedAt = performance.now();
      const [held] = await database.db.writer.query<{ leased: unknown; claim: string }>(
        "SELECT o.lease_token IS NOT NULL AS leased, c.state AS claim FROM outbox o " +
          "JOIN once_records c ON c.scope = 'worker_events' AND c.once_key LIKE '[\"slow\",%'",
      );
      assertEquals([Number(held.leased), held.claim], [1, "running"], "the dead process held the row and the claim");

      const runs: number[] = [];
      const consumer = startWorkers(survivor, [{
        name: "slow",
        handles: ["user.created"],
        run: () => Promise.resolve(void runs.push(performance.now() - killedAt)),
      }], () => {});
      await eventually(() => Promise.resolve(runs.length), (n) => n > 0, "the survivor's run");
      await eventually(
        () => database.db.writer.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM outbox"),
        ([row]) => Number(row.n) === 0,
        "the row done with",
      );
      const [claim] = await database.db.writer.query<{ state: string }>(
        "SELECT state FROM once_records WHERE scope = 'worker_events'",
      );
      assertEquals([runs.length, claim.state], [1, "done"]);
      await consumer.stop(1_000);
      console.log(
        `[faults] lease: the killed worker's job ran on the survivor ${Math.round(runs[0])} ms after the kill ` +
          `(lease ${LEASE_MS} ms), once`,
      );
    } finally {
      try {
        child?.kill("SIGKILL");
      } catch { /* gone */ }
      await survivor.close();
      await database.cleanup();
    }
  },
});
