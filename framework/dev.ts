// `$fresh/dev.ts`: `dev.ts` calls `dev(import.meta.url, "./main.ts", config)`.
//   deno run -A dev.ts                   regenerate fresh.gen.ts, build, then run main.ts (watch mode restarts it)
//   deno run -A dev.ts build             regenerate fresh.gen.ts and build the island bundles into _fresh/
//   deno run -A dev.ts manifest [--check] regenerate fresh.gen.ts, or fail when it is stale
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, sourceFingerprint } from "./dev/build.ts";
import { writeManifest } from "./dev/manifest.ts";
import { resolveConfig } from "./server/handler.ts";
import { StaticFiles } from "./server/static.ts";
import type { FreshConfig, Manifest } from "./types.ts";

export async function dev(base: string, entry: string, config: FreshConfig = {}): Promise<void> {
  const root = dirname(fileURLToPath(base));
  const [command, flag] = Deno.args;
  if (command === "manifest") {
    const current = await writeManifest(root, flag === "--check");
    if (flag === "--check" && !current) {
      console.error("fresh.gen.ts is stale: run `deno task manifest` and commit the result.");
      Deno.exit(1);
    }
    if (!current && flag !== "--check") console.log("fresh.gen.ts updated");
    return;
  }
  await writeManifest(root);
  const manifest: Manifest = (await import(pathToFileURL(join(root, "fresh.gen.ts")).href)).default;
  const resolved = resolveConfig(manifest, config);
  for (const plugin of resolved.plugins) await plugin.buildStart?.(resolved);
  const staticPrint = await (await StaticFiles.load(resolved.staticDir)).fingerprint();
  const meta = await build(manifest, resolved, { staticPrint, sourcePrint: await sourceFingerprint(root) });
  for (const plugin of resolved.plugins) await plugin.buildEnd?.();
  if (command === "build") {
    console.log(
      `Built ${Object.keys(meta.islands).length} islands into ${resolved.build.outDir} (build ${meta.buildId})`,
    );
    return;
  }
  await import(pathToFileURL(join(root, entry)).href);
}
