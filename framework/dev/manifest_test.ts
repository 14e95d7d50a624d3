import { join } from "node:path";
import { assertEquals, assertNotIncludes, assertRejects, assertStringIncludes } from "../testing/assert.ts";
import { generateManifest, writeManifest } from "./manifest.ts";

async function project(files: string[]): Promise<string> {
  const root = await Deno.makeTempDir();
  for (const f of files) {
    await Deno.mkdir(join(root, f, ".."), { recursive: true });
    await Deno.writeTextFile(join(root, f), "export default () => null;\n");
  }
  return root;
}

Deno.test("[manifest] lists routes and islands sorted, skipping tests and (_helper) folders", async () => {
  const root = await project([
    "routes/index.tsx",
    "routes/about.tsx",
    "routes/(_lib)/util.ts",
    "routes/(app)/feed.tsx",
    "routes/x_test.ts",
    "islands/Chat.tsx",
    "islands/Bell.tsx",
  ]);
  const text = await generateManifest(root);
  assertStringIncludes(
    text,
    'import * as $0 from "./routes/(app)/feed.tsx";\nimport * as $1 from "./routes/about.tsx";',
  );
  assertStringIncludes(text, '"./islands/Bell.tsx": $i0,\n    "./islands/Chat.tsx": $i1,');
  assertNotIncludes(text, "util.ts");
  assertNotIncludes(text, "x_test");
});

Deno.test("[manifest] two files for one URL fail at manifest time", async () => {
  await assertRejects(() => project(["routes/a.tsx", "routes/a/index.tsx"]).then(generateManifest), "same URLs");
  await assertRejects(() => project(["routes/(x)/b.tsx", "routes/b.tsx"]).then(generateManifest), "same URLs");
  await assertRejects(() => project(["routes/[id].tsx", "routes/[slug].tsx"]).then(generateManifest), "same URLs");
});

Deno.test("[manifest] the check mode reports a stale file without writing it", async () => {
  const root = await project(["routes/index.tsx"]);
  assertEquals(await writeManifest(root, true), false);
  assertEquals(await writeManifest(root), false);
  assertEquals(await writeManifest(root, true), true);
  await Deno.writeTextFile(join(root, "routes/new.tsx"), "export default () => null;\n");
  assertEquals(await writeManifest(root, true), false);
});

Deno.test("[manifest] the project's and the fixture's generated manifests are current", async () => {
  const here = new URL("../..", import.meta.url).pathname;
  assertEquals(await writeManifest(here, true), true, "run `deno task manifest`");
  assertEquals(await writeManifest(join(here, "tests/fixtures/app"), true), true, "fixture manifest is stale");
});
