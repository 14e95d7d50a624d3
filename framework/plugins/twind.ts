import { stringify, twind as createTwind, virtual } from "@twind/core";
import type { TwindConfig } from "@twind/core";
import type { Plugin } from "../types.ts";

export interface TwindPluginOptions {
  /** A config from `defineConfig({ presets: [presetTailwind()], ... })`. Class hashing is not supported. */
  // deno-lint-ignore no-explicit-any
  config: TwindConfig<any>;
}

const CACHE_SIZE = 500;
const ISLAND_EXT = /\.(tsx|ts|jsx)$/;
const HTML_CLASS = /\sclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;
const ENTITY = /&(#x[\da-f]+|#\d+|amp|lt|gt|quot|apos);/gi;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(ENTITY, (_, e: string) => {
    const name = e.toLowerCase();
    if (name[0] !== "#") return NAMED[name];
    const code = name[1] === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : "";
  });
}

/** Adds every token of the class attributes in `html` to `out`. */
export function classesInHtml(html: string, out: Set<string>): void {
  for (const m of html.matchAll(HTML_CLASS)) {
    for (const token of decodeEntities(m[1] ?? m[2] ?? m[3]).split(/\s+/)) if (token) out.add(token);
  }
}

/** Reads the string literal starting at `src[i]`, passing its text to `add`; returns the index after it. */
function readString(src: string, i: number, add: (text: string) => void): number {
  const quote = src[i];
  let text = "";
  for (i++; i < src.length && src[i] !== quote; i++) {
    if (src[i] === "\\") text += src[++i] ?? "";
    else if (quote === "`" && src[i] === "$" && src[i + 1] === "{") {
      text += " ";
      i = readExpression(src, i + 1, add) - 1;
    } else text += src[i];
  }
  add(text);
  return i + 1;
}

/** Reads the balanced `{...}` starting at `src[i]`, passing each string literal in it to `add`; returns the end. */
function readExpression(src: string, i: number, add: (text: string) => void): number {
  // Strings are skipped as a whole so that braces and quotes inside them don't count.
  for (let depth = 0; i < src.length;) {
    const c = src[i];
    if (c === '"' || c === "'" || c === "`") {
      i = readString(src, i, add);
      continue;
    }
    if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i + 1;
    i++;
  }
  return i;
}

/**
 * Candidate class tokens in an island's source: the string and template-literal contents of every `class=` /
 * `className=` attribute value (a quoted string or a balanced `{...}` expression). Over-collecting is harmless:
 * tokens that are not utilities generate no CSS.
 */
export function classesInSource(src: string): Set<string> {
  const tokens = new Set<string>();
  const add = (text: string) => {
    for (const t of text.split(/\s+/)) if (t) tokens.add(t);
  };
  for (const m of src.matchAll(/\bclass(?:Name)?\s*=\s*/g)) {
    const i = m.index! + m[0].length;
    if (src[i] === '"' || src[i] === "'") readString(src, i, add);
    else if (src[i] === "{") readExpression(src, i, add);
  }
  return tokens;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile && ISLAND_EXT.test(entry.name)) yield path;
  }
}

/** Makes CSS text safe inside `<style>`: every `<` becomes the CSS escape `\3c `, so `</style>` can't close the tag. */
export function escapeCss(css: string): string {
  // A `<` already escaped by an odd run of backslashes (`\<`) loses that backslash: `\3c ` is itself the escape.
  return css.replace(/(\\*)</g, (_, bs: string) => bs.slice(bs.length % 2) + "\\3c ");
}

/**
 * A Fresh-style twind plugin: for each rendered page it inlines one `<style id="__TWIND">` holding the preflight
 * plus the rules of exactly the classes used in the HTML and in the source of the page's islands (which may switch
 * classes on the client). No CSS runtime is shipped. Generation is synchronous and cached per class set.
 */
export default function twind(options: TwindPluginOptions): Plugin {
  const tw = createTwind(options.config, virtual());
  const cache = new Map<string, string>();
  const byRender = new Map<string, string>();
  let islandTokens = new Map<string, Set<string>>();

  function generate(classes: Set<string>): string {
    const key = [...classes].sort().join(" ");
    let css = cache.get(key);
    if (css !== undefined) return css;
    // Synchronous from clear() to stringify(): no other request can interleave and see a half-built sheet.
    tw.clear();
    for (const token of classes) {
      try {
        tw(token);
      } catch {
        // A malformed token just yields no CSS.
      }
    }
    css = escapeCss(stringify(tw.target));
    tw.clear();
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, css);
    return css;
  }

  return {
    name: "twind",
    async configResolved(config) {
      const root = config.root.replace(/\/+$/, "");
      const found = new Map<string, Set<string>>();
      try {
        for await (const path of walk(`${root}/islands`)) {
          found.set(`.${path.slice(root.length)}`, classesInSource(await Deno.readTextFile(path)));
        }
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
      islandTokens = found;
    },
    render(ctx) {
      const { htmlText, islands, classes: rendered } = ctx.render();
      // The same page renders the same class attributes in the same order: their plain concatenation finds the
      // cached sheet without splitting and sorting them again on every request.
      const fast = rendered ? `${[...rendered].join("\n")}\n${islands.join(" ")}` : null;
      const known = fast === null ? undefined : byRender.get(fast);
      if (known !== undefined) return { styles: [{ cssText: known, id: "__TWIND" }] };
      const classes = new Set<string>();
      if (!rendered) classesInHtml(htmlText, classes); // a renderer that does not collect them
      else {
        for (const value of rendered) {
          for (const token of value.split(/\s+/)) if (token) classes.add(token);
        }
      }
      for (const island of islands) for (const t of islandTokens.get(island) ?? []) classes.add(t);
      const css = generate(classes);
      if (fast !== null) {
        if (byRender.size >= CACHE_SIZE) byRender.delete(byRender.keys().next().value!);
        byRender.set(fast, css);
      }
      return { styles: [{ cssText: css, id: "__TWIND" }] };
    },
  };
}
