// The README's house rules, checked: which top-level folder may import which. Test code (tests, contract suites,
// fixtures) may borrow the framework's assertions from anywhere, so framework/testing/ is open to all.
import { assertEquals } from "../framework/testing/assert.ts";

const root = new URL("..", import.meta.url).pathname;

/** Folder (relative to the root) → import targets it must never reach. */
const FORBIDDEN: Record<string, string[]> = {
  "services/": ["http/", "routes/", "framework/", "plugins/"],
  "http/": ["routes/", "services/store/kv/", "services/store/mysql/"],
  "routes/": ["services/store/kv/", "services/store/mysql/"],
  "workers/": ["routes/", "http/"],
  "islands/": ["services/", "http/", "routes/"],
  "components/": ["services/", "http/", "routes/"],
  "framework/": ["routes/", "http/", "services/", "plugins/", "components/", "islands/"],
  "services/store/kv/": ["services/store/mysql/"],
  "services/store/mysql/": ["services/store/kv/"],
};

async function* sources(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(root + dir)) {
    const rel = dir + entry.name;
    if (entry.isDirectory) yield* sources(rel + "/");
    else if (/\.tsx?$/.test(entry.name) && !/(_test\.tsx?|testing\.ts)$/.test(entry.name)) yield rel;
  }
}

/** Import specifiers of a file, resolved to paths relative to the root ("$fresh/" is the framework). */
function imports(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
    const spec = m[1];
    if (spec.startsWith("$fresh/")) found.push("framework/" + spec.slice(7));
    else if (spec.startsWith(".")) found.push(new URL(spec, "file:///" + file).pathname.slice(1));
  }
  return found;
}

Deno.test("[layers] no folder imports one the house rules keep it from", async () => {
  const broken: string[] = [];
  for (const [folder, banned] of Object.entries(FORBIDDEN)) {
    for await (const file of sources(folder)) {
      for (const target of imports(file, await Deno.readTextFile(root + file))) {
        if (target.startsWith("framework/testing/") || target.startsWith(folder)) continue;
        if (banned.some((b) => target.startsWith(b))) broken.push(`${file} → ${target}`);
      }
    }
  }
  assertEquals(broken, []);
});
