// Test fixtures for the app: the real routes and middleware, served in-process with an in-memory KV store.
import { createHandler, type Plugin, type RequestHandler } from "$fresh/server.ts";
import config from "../fresh.config.ts";
import manifest from "../fresh.gen.ts";
import { appPlugin } from "../plugins/app.ts";
import { type App, closeApp, openApp } from "../services/app.ts";
import { parseConfig } from "../services/config.ts";

export interface TestApp {
  app: App;
  handler: RequestHandler;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): void;
}

/** The app with `env` as its environment (PROK_ENV=test unless given) and extra plugins (e.g. failing routes). */
export async function createTestApp(
  env: Record<string, string> = {},
  extraPlugins: Plugin[] = [],
): Promise<TestApp> {
  const app = await openApp(parseConfig({ PROK_ENV: "test", ...env }), { kvPath: ":memory:" });
  const handler = await createHandler(manifest, {
    ...config,
    plugins: [appPlugin(app), ...(config.plugins ?? []), ...extraPlugins],
  });
  return {
    app,
    handler,
    fetch: (path, init) => handler(new Request(`http://localhost${path}`, init)),
    close: () => closeApp(app),
  };
}

/** Runs `fn` against a fresh app with its logs captured, closes the app, and returns the log lines. */
export async function withTestApp(
  fn: (t: TestApp) => Promise<void>,
  options: { env?: Record<string, string>; plugins?: Plugin[] } = {},
): Promise<string[]> {
  const t = await createTestApp(options.env, options.plugins);
  try {
    return (await captureLogs(() => fn(t))).lines;
  } finally {
    t.close();
  }
}

/** Runs `fn` with console.log and console.error captured, returning what was written. */
export async function captureLogs<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const { log, error } = console;
  console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  console.error = console.log;
  try {
    return { result: await fn(), lines };
  } finally {
    console.log = log;
    console.error = error;
  }
}

export async function gzipSize(text: string): Promise<number> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

const inCI = ["1", "true"].includes(Deno.env.get("CI") ?? "");

/**
 * For tests that need a server named by an environment variable: in CI a missing variable fails the test, locally
 * it skips with a loud message.
 */
export function requireEnv(name: string): string | null {
  const value = Deno.env.get(name);
  if (value) return value;
  if (inCI) throw new Error(`${name} is not set; CI must provide it (see .ci/run).`);
  console.warn(`\n*** SKIPPED: ${name} is not set, so the test that needs it did not run. ***\n`);
  return null;
}
