import { assert, assertEquals } from "../framework/testing/assert.ts";
import { captureLogs } from "./testing.ts";
import { cronSchedule, CronScheduler, openScheduler, TimerScheduler } from "./scheduler.ts";
import { eventually } from "./testing.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("[scheduler] timers: a sweep repeats, never overlaps itself, survives a failure, and stop waits for it", async () => {
  const scheduler = new TimerScheduler();
  let runs = 0;
  let inFlight = 0;
  let most = 0;
  let finished = 0;
  scheduler.add({
    name: "slow",
    intervalMs: 5,
    run: async () => {
      runs++;
      most = Math.max(most, ++inFlight);
      await sleep(30);
      inFlight--;
      finished++;
      if (runs === 1) throw new Error("first run fails");
    },
  });
  await eventually(() => Promise.resolve(runs), (n) => n >= 3, "three runs");
  await scheduler.stop();
  assertEquals(most, 1, "a run never starts while the last is under way");
  assertEquals(finished, runs, "stop waited for the run under way");
  const after = runs;
  await sleep(30);
  assertEquals(runs, after, "nothing runs after stop");
  scheduler.add({ name: "late", intervalMs: 1, run: () => Promise.resolve(runs++) });
  await sleep(20);
  assertEquals(runs, after, "a sweep added after stop never runs");
});

Deno.test("[scheduler] a failed sweep is one error line naming it", async () => {
  const scheduler = new TimerScheduler();
  const { lines } = await captureLogs(async () => {
    scheduler.add({ name: "broken", intervalMs: 1, run: () => Promise.reject(new Error("no database")) });
    await sleep(20);
    await scheduler.stop();
  });
  const line = JSON.parse(lines.find((l) => l.includes('"sweep failed"'))!);
  assertEquals([line.level, line.sweep, line.error.message], ["error", "broken", "no database"]);
});

Deno.test("[scheduler] Deno.cron: each sweep registered by a stable name on its schedule, stopped through its signal", async () => {
  const registered: { name: string; schedule: string; signal: AbortSignal; handler: () => Promise<void> }[] = [];
  const scheduler = new CronScheduler((name, schedule, { signal }, handler) => {
    registered.push({ name, schedule, signal, handler });
  });
  let runs = 0;
  scheduler.add({ name: "search-catch-up", intervalMs: 15_000, run: () => sleep(20).then(() => runs++) });
  scheduler.add({ name: "dead-letter-redrive", intervalMs: 3_600_000, run: () => Promise.resolve(runs++) });
  assertEquals(registered.map((r) => [r.name, r.schedule]), [
    ["prok-search-catch-up", "* * * * *"],
    ["prok-dead-letter-redrive", "0 * * * *"],
  ]);
  const first = registered[0].handler();
  await registered[0].handler(); // Deploy fires it again while the first is under way: one run
  await first;
  assertEquals(runs, 1);
  const stopping = registered[1].handler();
  await scheduler.stop();
  await stopping;
  assert(registered.every((r) => r.signal.aborted), "stop aborts every registration");
  await registered[0].handler();
  assertEquals(runs, 2, "a fire after stop does nothing");
});

Deno.test("[scheduler] intervals become cron schedules in whole minutes or hours", () => {
  assertEquals(
    [1_000, 60_000, 90_000, 5 * 60_000, 59 * 60_000, 3_600_000, 6 * 3_600_000, 48 * 3_600_000].map(cronSchedule),
    ["* * * * *", "* * * * *", "*/2 * * * *", "*/5 * * * *", "*/59 * * * *", "0 * * * *", "0 */6 * * *", "0 0 * * *"],
  );
});

Deno.test("[scheduler] Deno.cron on Deploy, timers elsewhere", async () => {
  assertEquals(openScheduler(false).kind, "timers");
  const onDeploy = openScheduler(true);
  assertEquals(onDeploy.kind, "deno-cron", "deno.json turns Deno.cron on, as Deploy has it");
  await onDeploy.stop();
});
