// `$fresh/server.ts`: what a Fresh 1.x app imports on the server.
import { build, readBuild, sourceFingerprint } from "./dev/build.ts";
import { createPipeline, type RequestHandler, resolveConfig } from "./server/handler.ts";
import { StaticFiles } from "./server/static.ts";
import type { BuildMeta } from "./server/build_meta.ts";
import type { FreshConfig, Manifest, ResolvedConfig } from "./types.ts";

export * from "./types.ts";
export type { RequestHandler };

/**
 * Reuses the island build when it matches the current sources and static files, and builds it otherwise (with
 * `build.prebuilt`, refuses to). An app without islands needs no bundle: its build id is then the static files'
 * fingerprint, for asset() stamps.
 */
async function ensureBuild(
  manifest: Manifest,
  config: ResolvedConfig,
  statics: StaticFiles,
): Promise<{ build: BuildMeta | null; id: string }> {
  const staticPrint = await statics.fingerprint();
  if (Object.keys(manifest.islands).length === 0) return { build: null, id: staticPrint.slice(0, 16) };
  const existing = await readBuild(config);
  const complete = existing && Object.keys(manifest.islands).every((f) => f in existing.islands);
  const sourcePrint = await sourceFingerprint(config.root);
  if (
    complete && existing.staticFingerprint === staticPrint && existing.sourceFingerprint === sourcePrint
  ) return { build: existing, id: existing.buildId };
  if (config.build.prebuilt) {
    throw new Error(
      `the island bundle in ${config.build.outDir} is ${existing ? "stale" : "missing"}: run \`deno task build\` ` +
        "before starting (a prebuilt app never builds at start)",
    );
  }
  const fresh = await build(manifest, config, { staticPrint, sourcePrint });
  return { build: fresh, id: fresh.buildId };
}

/** The app as a `(req, info?) => Promise<Response>` function, for tests and custom servers. */
export async function createHandler(manifest: Manifest, config: FreshConfig = {}): Promise<RequestHandler> {
  const resolved = resolveConfig(manifest, config);
  const statics = await StaticFiles.load(resolved.staticDir);
  const { build, id } = await ensureBuild(manifest, resolved, statics);
  return createPipeline({ manifest, config: resolved, statics, build, buildId: id });
}

export interface StartOptions {
  /** Called once the server listens, with its address. */
  onListen?: (addr: Deno.NetAddr) => void;
  signal?: AbortSignal;
}

/** Serves the app: port from the config, else `PORT`, else 8000. */
export async function start(manifest: Manifest, config: FreshConfig = {}, options: StartOptions = {}) {
  const handler = await createHandler(manifest, config);
  const port = config.server?.port ?? Number(Deno.env.get("PORT") ?? 8000);
  return Deno.serve({
    hostname: config.server?.hostname ?? "0.0.0.0",
    ...config.server,
    port,
    signal: options.signal,
    onListen: options.onListen ?? ((addr) => console.log(`Listening on http://${addr.hostname}:${addr.port}/`)),
  }, handler);
}
