// Builds the island bundles ahead of time with `deno bundle` (code-split, minified), names the output folder after a
// hash of its content, and records which chunks each entry needs so pages can modulepreload them.
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Manifest, ResolvedConfig } from "../types.ts";
import type { BuildMeta } from "../server/build_meta.ts";
import { sha256Hex } from "../server/hash.ts";

const BOOT = fileURLToPath(new URL("../client/boot.ts", import.meta.url));

function commonDir(paths: string[]): string {
  let parts = dirname(paths[0]).split(sep);
  for (const p of paths.slice(1)) {
    const other = dirname(p).split(sep);
    let i = 0;
    while (i < parts.length && parts[i] === other[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(sep) || sep;
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const full = join(dir, entry.name);
    if (entry.isDirectory) out.push(...await listFiles(full, base));
    else out.push(relative(base, full).split(sep).join("/"));
  }
  return out.sort();
}

/** Static `import` statements of a minified ES module, resolved relative to it. */
function staticImports(file: string, code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{}\s,]+from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) {
    found.add(join(dirname(file), m[1]).split(sep).join("/"));
  }
  return [...found];
}

// Islands may import components/ and the framework's browser modules (house rules keep services out of them), so
// these are what a bundle is built from; a change anywhere in them means the bundle must be rebuilt.
const APP_SOURCES = ["islands", "components"];
const FRAMEWORK_SOURCES = ["client", "runtime.ts"].map((p) => fileURLToPath(new URL(`../${p}`, import.meta.url)));

/** The nearest folder at or above `dir` holding a deno.json: where the import map and lock file are. */
async function configDir(dir: string): Promise<string | null> {
  for (let d = resolve(dir);; d = dirname(d)) {
    if (await Deno.stat(join(d, "deno.json")).catch(() => null)) return d;
    if (dirname(d) === d) return null;
  }
}

/** A hash of every file the island bundles can be built from. */
export async function sourceFingerprint(root: string): Promise<string> {
  const configRoot = await configDir(root);
  const paths = [
    ...APP_SOURCES.map((p) => join(root, p)),
    ...FRAMEWORK_SOURCES,
    ...(configRoot ? [join(configRoot, "deno.json"), join(configRoot, "deno.lock")] : []),
  ];
  const parts: string[] = [];
  for (const path of paths) {
    const stat = await Deno.stat(path).catch(() => null);
    if (!stat) continue;
    const files = stat.isDirectory ? (await listFiles(path)).map((f) => join(path, f)) : [path];
    for (const file of files) parts.push(relative(root, file), await sha256Hex(await Deno.readFile(file)));
  }
  return (await sha256Hex(parts.join("\n"))).slice(0, 32);
}

export interface Fingerprints {
  staticPrint: string;
  sourcePrint: string;
}

export async function build(manifest: Manifest, config: ResolvedConfig, prints: Fingerprints): Promise<BuildMeta> {
  const islands = Object.keys(manifest.islands).sort();
  const entries = [BOOT, ...islands.map((f) => resolve(config.root, f))];
  const outDir = resolve(config.root, config.build.outDir);
  const tmp = join(outDir, `.tmp-${crypto.randomUUID()}`);
  await Deno.mkdir(tmp, { recursive: true });
  try {
    const cmd = new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform",
        "browser",
        "--format",
        "esm",
        "--code-splitting",
        "--minify",
        "--outdir",
        tmp,
        ...entries,
      ],
      cwd: config.root,
      stdout: "piped",
      stderr: "piped",
    });
    const result = await cmd.output();
    if (!result.success) {
      throw new Error(`deno bundle failed:\n${new TextDecoder().decode(result.stderr)}`);
    }
    const base = commonDir(entries);
    const outputOf = (entry: string) => relative(base, entry).split(sep).join("/").replace(/\.[jt]sx?$/, ".js");

    const files = await listFiles(tmp);
    const hashes: string[] = [prints.staticPrint];
    const imports: Record<string, string[]> = {};
    for (const file of files) {
      const code = await Deno.readTextFile(join(tmp, file));
      hashes.push(file, await sha256Hex(code));
      imports[file] = staticImports(file, code);
    }
    const buildId = (await sha256Hex(hashes.join("\n"))).slice(0, 16);
    const deps: Record<string, string[]> = {};
    for (const file of files) {
      const seen = new Set<string>();
      const visit = (f: string) => (imports[f] ?? []).forEach((d) => !seen.has(d) && (seen.add(d), visit(d)));
      visit(file);
      if (seen.size) deps[file] = [...seen].sort();
    }
    const meta: BuildMeta = {
      buildId,
      staticFingerprint: prints.staticPrint,
      sourceFingerprint: prints.sourcePrint,
      boot: outputOf(BOOT),
      islands: Object.fromEntries(islands.map((f) => [f, outputOf(resolve(config.root, f))])),
      deps,
    };
    for (const out of [meta.boot, ...Object.values(meta.islands)]) {
      if (!files.includes(out)) throw new Error(`deno bundle did not write ${out}; it wrote ${files.join(", ")}`);
    }

    const jsDir = join(outDir, "js");
    await Deno.mkdir(jsDir, { recursive: true });
    // Another process may have built the same bytes at the same time: the same id means the same files.
    await Deno.rename(tmp, join(jsDir, buildId)).catch(async (err) => {
      if (!await Deno.stat(join(jsDir, buildId, meta.boot)).catch(() => null)) throw err;
    });
    for await (const old of Deno.readDir(jsDir)) {
      if (old.name !== buildId) await Deno.remove(join(jsDir, old.name), { recursive: true }).catch(() => {});
    }
    await Deno.writeTextFile(join(outDir, "meta.json"), JSON.stringify(meta, null, 2) + "\n");
    return meta;
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

export async function readBuild(config: ResolvedConfig): Promise<BuildMeta | null> {
  try {
    return JSON.parse(await Deno.readTextFile(join(resolve(config.root, config.build.outDir), "meta.json")));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof SyntaxError) return null;
    throw err;
  }
}
