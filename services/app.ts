// The app's long-lived resources, opened once per process (or per test) and handed to routes through ctx.state.
import type { Config } from "./config.ts";
import { type Probe, probeBackends } from "./health.ts";

export interface App {
  config: Config;
  kv: Deno.Kv;
  /** True from start until shutdown begins; readiness fails as soon as it turns false. */
  accepting: boolean;
}

/** Opens the embedded KV file (or an in-memory one for tests) and returns the app's resources. */
export async function openApp(config: Config, options: { kvPath?: string } = {}): Promise<App> {
  const kvPath = options.kvPath ?? `${config.dataDir}/prok.kv`;
  if (kvPath !== ":memory:") await Deno.mkdir(config.dataDir, { recursive: true });
  return { config, kv: await Deno.openKv(kvPath), accepting: true };
}

export function closeApp(app: App): void {
  app.accepting = false;
  app.kv.close();
}

export interface Readiness {
  ready: boolean;
  checks: Probe[];
}

/** Ready when the process still accepts work and every configured backend answers. */
export async function checkReadiness(app: App): Promise<Readiness> {
  const checks = await probeBackends(app.config, app.kv);
  if (!app.accepting) checks.unshift({ name: "process", ok: false, error: "shutting down" });
  return { ready: checks.every((c) => c.ok), checks };
}
