import { defineConfig } from "@twind/core";
import presetTailwind from "@twind/preset-tailwind";
import type { PluginRenderContext, ResolvedConfig } from "../types.ts";
import { assert, assertEquals, assertStringIncludes } from "../testing/assert.ts";
import twind, { classesInSource, escapeCss } from "./twind.ts";

const config = defineConfig({ presets: [presetTailwind()] });
const noPreflight = defineConfig({ presets: [presetTailwind({ disablePreflight: true })] });

function ctx(htmlText: string, islands: string[] = []): PluginRenderContext {
  return { render: () => ({ htmlText, requiresHydration: islands.length > 0, islands }) };
}

function css(plugin: ReturnType<typeof twind>, html: string, islands: string[] = []): string {
  const styles = plugin.render!(ctx(html, islands)).styles!;
  assert(styles.length === 1 && styles[0].id === "__TWIND");
  return styles[0].cssText;
}

function resolved(root: string): ResolvedConfig {
  return {
    root,
    plugins: [],
    build: { outDir: "_fresh", target: "es2022", prebuilt: false },
    staticDir: "static",
    router: { trailingSlash: false },
    server: {},
    dev: false,
    compress: true,
    origin: null,
  };
}

Deno.test("[twind] only rules for used classes, preflight once", () => {
  const text = css(twind({ config }), `<div class="p-4 text-red-500"><p class='font-bold'>hi</p></div>`);
  assert(text.includes("padding:1rem"), text);
  assert(text.includes(".text-red-500{"));
  assert(text.includes(".font-bold{"));
  assert(!text.includes("margin:2rem"), "unused m-8 must not appear");
  assert(text.split("box-sizing:border-box").length === 2, "preflight emitted exactly once");
  assert(!css(twind({ config: noPreflight }), `<a class="p-4">`).includes("box-sizing"));
});

Deno.test("[twind] island classes from source are included only when the island is on the page", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/islands/nested`, { recursive: true });
    await Deno.writeTextFile(
      `${root}/islands/Menu.tsx`,
      "export default function Menu({ open }: { open: boolean }) {\n" +
        '  return <div class={open ? "block" : `hidden ${open}`} data-x={{ a: "m-8" }} />;\n}\n',
    );
    await Deno.writeTextFile(`${root}/islands/nested/Tab.tsx`, `export const T = () => <b className="mt-16" />;`);
    const plugin = twind({ config });
    await plugin.configResolved!(resolved(root));
    const html = `<div class="p-4"></div>`;
    const withIsland = css(plugin, html, ["./islands/Menu.tsx"]);
    assert(withIsland.includes(".block{display:block}") && withIsland.includes(".hidden{display:none}"), withIsland);
    assert(!withIsland.includes("margin:2rem"), "non-class attribute strings are ignored");
    const without = css(plugin, html);
    assert(!without.includes(".block{") && !without.includes(".hidden{"));
    assert(css(plugin, html, ["./islands/nested/Tab.tsx"]).includes("margin-top:4rem"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("[twind] missing islands folder is fine", async () => {
  const root = await Deno.makeTempDir();
  try {
    const plugin = twind({ config });
    await plugin.configResolved!(resolved(root));
    assert(css(plugin, `<i class="p-4">`, ["./islands/X.tsx"]).includes("padding:1rem"));
  } finally {
    await Deno.remove(root);
  }
});

Deno.test("[twind] cache returns identical css for the same class set", () => {
  const plugin = twind({ config });
  const a = css(plugin, `<div class="p-4 m-2">`);
  css(plugin, `<div class="flex">`);
  const b = css(plugin, `<span class="m-2"><b class="p-4 m-2"></b></span>`);
  assert(a === b);
  assert(!b.includes("display:flex"), "no state leaks from a previous page");
});

Deno.test("[twind] </style> in a class cannot break out of the style tag", () => {
  const html = `<div class="&lt;/style&gt;&lt;script&gt;x&lt;/script&gt; content-['&lt;/style&gt;'] p-4">`;
  const text = css(twind({ config }), html + `<i class="&#99999999; &#x3c;x">`);
  assert(!text.includes("<"), text);
  assert(text.includes("padding:1rem"));
  assert(escapeCss(".a\\<b{}") === ".a\\3c b{}");
  assert(escapeCss(".a\\\\<b{}") === ".a\\\\\\3c b{}");
});

Deno.test("[twind] unknown classes log nothing", () => {
  const { warn, error, log, info, debug } = console;
  const logged: unknown[] = [];
  const record = (...args: unknown[]) => void logged.push(args);
  Object.assign(console, { warn: record, error: record, log: record, info: record, debug: record });
  try {
    const plugin = twind({ config });
    css(plugin, `<div class="my-card app-header foo:bar [weird p-4 hover:nonsense-9 ]x">`);
    css(plugin, `<div class="my-card other-thing">`);
  } finally {
    Object.assign(console, { warn, error, log, info, debug });
  }
  assert(logged.length === 0, JSON.stringify(logged));
});

Deno.test("[twind] classesInSource reads quoted and braced values", () => {
  const tokens = classesInSource(
    `<a class="x y" className='z' class={cx("a", { b: c }, \`d \${e ? "f" : "g"} h\`)} onClick={() => { go("no"); }} />`,
  );
  for (const t of ["x", "y", "z", "a", "d", "h", "f", "g"]) assert(tokens.has(t), t);
  assert(!tokens.has("no"));
});

Deno.test("[twind] class attributes collected during rendering are used without scanning the HTML", () => {
  const plugin = twind({ config });
  const ctx = {
    render: () => ({
      htmlText: '<p class="m-8">not scanned</p>',
      requiresHydration: false,
      islands: [],
      classes: new Set(["p-4 font-bold", "p-4"]),
    }),
  } as PluginRenderContext;
  const css = plugin.render!(ctx).styles![0].cssText;
  assertStringIncludes(css, "padding:1rem");
  assertStringIncludes(css, "font-weight:700");
  assertEquals(css.includes("margin:2rem"), false);
});
