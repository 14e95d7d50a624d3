// Builds a throwaway app from route modules written inline, with a temporary root for static files.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createHandler, type FreshConfig, type Manifest, type RequestHandler } from "../server.ts";

export interface TestApp {
  handler: RequestHandler;
  root: string;
  /** Sends a request to a path on http://localhost. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export async function testApp(
  routes: Manifest["routes"],
  options: { static?: Record<string, string>; config?: FreshConfig; base?: string } = {},
): Promise<TestApp> {
  const root = await Deno.makeTempDir({ prefix: "fresh-test-" });
  for (const [path, text] of Object.entries(options.static ?? {})) {
    const full = join(root, "static", path);
    await Deno.mkdir(join(full, ".."), { recursive: true });
    await Deno.writeTextFile(full, text);
  }
  const manifest: Manifest = { routes, islands: {}, baseUrl: pathToFileURL(join(root, "fresh.gen.ts")).href };
  const handler = await createHandler(manifest, options.config);
  const base = options.base ?? "http://localhost";
  return {
    handler,
    root,
    fetch: (path, init) => handler(new Request(base + path, init)),
  };
}
