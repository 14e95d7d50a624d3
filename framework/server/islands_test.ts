// Island rendering end to end on the server, against the fixture app in tests/fixtures/app (built on first use).
import { decode } from "../client/deserialize.ts";
import { createHandler } from "../server.ts";
import manifest from "../../tests/fixtures/app/fresh.gen.ts";
import { HOSTILE } from "../../tests/fixtures/app/routes/index.tsx";
import { assert, assertEquals, assertMatch, assertNotIncludes, assertStringIncludes } from "../testing/assert.ts";

const handler = await createHandler(manifest);
const get = (path: string, init?: RequestInit) => handler(new Request(`http://localhost${path}`, init));

function state(html: string) {
  const json = html.match(/<script id="__FRSH_STATE" type="application\/json">([^<]*)<\/script>/)![1];
  const parsed = JSON.parse(json);
  return { ...parsed, props: decode(parsed.props) as Record<string, unknown>[] };
}

Deno.test("[islands] an island is wrapped in markers and its props survive hostile strings", async () => {
  const res = await get("/");
  const html = await res.text();
  assertMatch(html, /<!--frsh-i:0--><form[^>]*data-hydrated="no"[\s\S]*<\/form><!--\/frsh-i:0-->/);
  const s = state(html);
  assertEquals(s.islands, [["./islands/Counter.tsx", "default", 0]]);
  assertEquals(s.props[0].label, HOSTILE);
  assertEquals(s.props[0].when, new Date("2026-01-02T03:04:05.000Z"));
  assertNotIncludes(html, "<script>alert(1)");
  assertEquals(html.match(/<\/script>/g)?.length, 2, "only the state and boot scripts close");
});

Deno.test("[islands] the boot script and every modulepreload carry the CSP nonce; bundles are immutable", async () => {
  const res = await get("/");
  const nonce = res.headers.get("content-security-policy")!.match(/'nonce-([^']+)'/)![1];
  const html = await res.text();
  const scripts = [...html.matchAll(/<script type="module"([^>]*)>/g)];
  assertEquals(scripts.length, 1, "one boot script");
  assertStringIncludes(scripts[0][1], `nonce="${nonce}"`);
  const preloads = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)" nonce="([^"]+)">/g)];
  assert(preloads.length >= 2);
  for (const [, href, n] of preloads) {
    assertEquals(n, nonce);
    const js = await get(href);
    assertEquals(js.status, 200, href);
    assertEquals(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assertStringIncludes(js.headers.get("content-type")!, "javascript");
    const etag = js.headers.get("etag")!;
    await js.body?.cancel();
    assertEquals((await get(href, { headers: { "if-none-match": etag } })).status, 304);
  }
  const buildId = state(html).buildId;
  const stale = await get(preloads[0][1].replace(buildId, "0000000000000000"));
  assertEquals(stale.status, 404);
  await stale.body?.cancel();
});

Deno.test("[islands] children render into a slot; islands inside a slot hydrate on their own, nested ones do not", async () => {
  const html = await (await get("/slots")).text();
  const s = state(html);
  assertEquals(s.islands, [
    ["./islands/Panel.tsx", "default", 1],
    ["./islands/Counter.tsx", "default", 0],
    ["./islands/Panel.tsx", "Outer", 0],
  ]);
  assertMatch(
    html,
    /<frsh-slot data-frsh-slot="0"[^>]*><p data-server-text="true">Rendered on the server<\/p><!--frsh-i:1-->/,
  );
  assertStringIncludes(html, '<div data-outer="true"><section data-panel="true">', "Panel inside Outer is plain");
  assertEquals(html.match(/<!--frsh-i:\d+-->/g)?.length, 3);
  assertEquals(s.props[0], { title: "Panel" }, "children are not serialised as props");
});

Deno.test("[islands] a page without islands ships no script and no preload", async () => {
  const html = await (await get("/plain")).text();
  assertNotIncludes(html, "<script");
  assertNotIncludes(html, "modulepreload");
});

Deno.test("[islands] build.prebuilt serves a current build, and stops at start on a stale or missing one", async () => {
  const built = new URL("../../tests/fixtures/app/_fresh/", import.meta.url).pathname;
  const copy = await Deno.makeTempDir({ prefix: "fresh-prebuilt-" });
  const empty = await Deno.makeTempDir({ prefix: "fresh-unbuilt-" });
  try {
    await new Deno.Command("cp", { args: ["-R", `${built}.`, copy] }).output();
    const meta = JSON.parse(await Deno.readTextFile(`${copy}/meta.json`));
    const prebuilt = await createHandler(manifest, { build: { outDir: copy, prebuilt: true } });
    const html = await (await prebuilt(new Request("http://localhost/"))).text();
    assertEquals(state(html).buildId, meta.buildId, "the build is served as it is");
    const js = await prebuilt(new Request(`http://localhost/_frsh/js/${meta.buildId}/${meta.boot}`));
    assertEquals(js.status, 200);
    await js.body?.cancel();

    await Deno.writeTextFile(`${copy}/meta.json`, JSON.stringify({ ...meta, sourceFingerprint: "stale" }));
    const stale = await createHandler(manifest, { build: { outDir: copy, prebuilt: true } }).catch((e: Error) => e);
    assert(stale instanceof Error, "a stale build, no start");
    assertStringIncludes(stale.message, "is stale: run `deno task build`");
    const missing = await createHandler(manifest, { build: { outDir: empty, prebuilt: true } }).catch((e: Error) => e);
    assert(missing instanceof Error, "no build, no start");
    assertStringIncludes(missing.message, "is missing: run `deno task build`");
    assertEquals([...Deno.readDirSync(empty)], [], "nothing was built");
  } finally {
    await Deno.remove(copy, { recursive: true });
    await Deno.remove(empty, { recursive: true });
  }
});
