// Starts Prok: validate the environment, say which adapter serves each port, open the app's resources, serve.
import { start } from "$fresh/server.ts";
import config from "./fresh.config.ts";
import manifest from "./fresh.gen.ts";
import { appPlugin } from "./plugins/app.ts";
import { domainDeps, openApp } from "./services/app.ts";
import { seedDemo } from "./services/demo.ts";
import { configOrExit } from "./tasks/cli.ts";
import { describeAdapters } from "./services/health.ts";
import { gracefulStop } from "./services/shutdown.ts";
import { appSweeps, appWorkers } from "./workers/mod.ts";
import { startWorkers } from "./workers/runner.ts";
import { openScheduler } from "./services/scheduler.ts";
import { logRecord as log } from "./services/log.ts";
import { observe } from "./services/telemetry.ts";

const env = configOrExit();
// Deno Deploy: a read-only file system, managed KV, cron instead of timers that a sleeping isolate never fires.
const onDeploy = env.deploymentId !== undefined;

for (const port of describeAdapters(env)) log({ msg: "port adapter", ...port });
let app;
try {
  app = await openApp(env);
} catch (err) {
  // The primary store must answer at start (migrations run then); the orchestrator restarts us until it does.
  log({ level: "error", msg: "cannot open the primary store", error: err });
  Deno.exit(1);
}
if (env.demo && !env.databaseUrl) {
  const demo = await seedDemo({ ...domainDeps(app), hasher: app.hasher });
  if (demo) {
    log({ msg: "demo network seeded", members: demo.emails });
    console.log(`Demo members (development only; PROK_DEMO=0 turns this off): ${demo.emails.join(", ")}`);
    console.log(`Their shared password, shown once: ${demo.password}`);
  }
}
// Read by the OpenTelemetry gauges at each export (OTEL_DENO=true; otherwise nothing is registered).
observe({ openSockets: () => app.hub.size, backlog: () => app.store.queue.backlog(), pools: () => app.store.pools() });
const workerLog = (fields: Record<string, unknown>) => log({ ...fields, kind: "worker" });
const workers = startWorkers(app.store, appWorkers(app), workerLog);
const scheduler = openScheduler(onDeploy);
for (const sweep of appSweeps(app)) scheduler.add(sweep);
const server = await start(manifest, {
  ...config,
  dev: env.env === "development",
  build: { ...config.build, prebuilt: env.prebuilt || onDeploy },
  plugins: [appPlugin(app), ...(config.plugins ?? [])],
  server: { port: env.port, hostname: env.hostname },
}, {
  onListen: (addr) => {
    const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
    log({ msg: "listening", url: `http://${host}:${addr.port}/`, env: env.env });
    if (env.env === "development" && ["127.0.0.1", "::1", "localhost"].includes(addr.hostname)) {
      console.log(`Prok answers this machine only, at http://${host}:${addr.port}/ (HOSTNAME=0.0.0.0 opens it up)`);
    }
  },
});

// SIGTERM (or Ctrl-C) stops gracefully, in the order of services/shutdown.ts; a second signal stops at once.
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) {
    log({ msg: "stopping at once", signal });
    Deno.exit(1);
  }
  stopping = true;
  log({ msg: "shutting down", signal });
  try {
    await gracefulStop({ app, server, workers, sweeps: [scheduler], log, drainMs: env.drainMs });
  } catch (err) {
    log({ level: "error", msg: "graceful stop failed", error: err instanceof Error ? err.message : String(err) });
    Deno.exit(1);
  }
  Deno.exit(0);
};
// Deploy stops isolates itself and offers no signals to listen to.
if (!onDeploy) {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, () => stop(signal));
  }
}
