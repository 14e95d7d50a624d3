// Test fixtures for the app: the real routes and middleware, served in-process with an in-memory KV store.
import { createHandler, type Plugin, type RequestHandler } from "$fresh/server.ts";
import config from "../fresh.config.ts";
import manifest from "../fresh.gen.ts";
import { appPlugin } from "../plugins/app.ts";
import { type App, closeApp, openApp } from "../services/app.ts";
import { parseConfig } from "../services/config.ts";
import { assert, assertEquals } from "../framework/testing/assert.ts";
import { captureLogs } from "../services/testing.ts";
import { appWorkers } from "../workers/mod.ts";
import { startWorkers } from "../workers/runner.ts";

export interface TestApp {
  app: App;
  handler: RequestHandler;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** The app with `env` as its environment (PROK_ENV=test unless given) and extra plugins (e.g. failing routes). */
export async function createTestApp(
  env: Record<string, string> = {},
  extraPlugins: Plugin[] = [],
  options: { kvPath?: string } = {},
): Promise<TestApp> {
  // A shared database needs a shared secret (services/config.ts); one fixed test secret stands in for it.
  const secret = env.DATABASE_URL && !env.PROK_SECRET ? { PROK_SECRET: "test-secret-of-the-shared-database-0123" } : {};
  // Its own data folder (media blobs land there), never the project's ./data.
  const dataDir = await Deno.makeTempDir({ prefix: "prok-test-" });
  const app = await openApp(parseConfig({ PROK_ENV: "test", PROK_DATA_DIR: dataDir, ...secret, ...env }), {
    kvPath: options.kvPath ?? ":memory:",
    hashers: 1,
  });
  const handler = await createHandler(manifest, {
    ...config,
    plugins: [appPlugin(app), ...(config.plugins ?? []), ...extraPlugins],
  });
  return {
    app,
    handler,
    fetch: (path, init) => handler(new Request(`http://localhost${path}`, init)),
    close: async () => {
      await closeApp(app);
      await Deno.remove(dataDir, { recursive: true }).catch((err) => {
        if (!(err instanceof Deno.errors.NotFound)) throw err; // closed twice
      });
    },
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
    await t.close();
  }
}

export async function gzipSize(text: string): Promise<number> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** Runs `fn` against a fresh app whose workers listen on its queue, as in production. */
export async function withWorkers(
  fn: (t: TestApp) => Promise<void>,
  options: { env?: Record<string, string> } = {},
): Promise<void> {
  await withTestApp(async (t) => {
    const running = startWorkers(t.app.store, appWorkers(t.app), () => {});
    try {
      await fn(t);
    } finally {
      await t.close();
      await running.catch(() => {});
    }
  }, options);
}

/**
 * The JavaScript a page loads: every module it preloads (each module it imports must be among them, so nothing is
 * fetched late), with their gzip size in all.
 */
export async function pageScripts(t: TestApp, html: string): Promise<{ urls: string[]; gzipBytes: number }> {
  const urls = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]);
  const imported = [...html.matchAll(/from"(\/_frsh\/js\/[^"]+)"/g)].map((m) => m[1]);
  for (const url of imported) assert(urls.includes(url), `${url} is imported but not preloaded`);
  let gzipBytes = 0;
  for (const url of urls) {
    const js = await t.fetch(url);
    assertEquals(js.status, 200, url);
    gzipBytes += await gzipSize(await js.text());
  }
  return { urls, gzipBytes };
}
