// Renders a page: evaluates async route components, renders _app → layouts → page to a string while recording the
// islands met on the way, then assembles the document with <Head> content, plugin styles and, only when there are
// islands, their state and one boot script.
import { type ComponentChildren, type ComponentType, Fragment, h, options, toChildArray, type VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { asset, assetSrcSet, HEAD_CONTEXT, SLOT_TAG, slotAttrs } from "../runtime.ts";
import type { FreshContext, PageProps, Plugin, RenderInit } from "../types.ts";
import { isAsyncComponent, type Layer, type PageComponent } from "./routes.ts";
import { encodeProps, scriptSafeJson } from "./serialize.ts";
import type { BuildMeta } from "./build_meta.ts";
import { bytesResponse } from "./compress.ts";

export interface IslandInfo {
  file: string;
  exportName: string;
}

// Island components are module-level functions, so one registry serves every handler in the process.
const islandRegistry = new WeakMap<object, ComponentType>();

/** Registers every exported function of an island module as an island. */
export function registerIslands(islands: Record<string, Record<string, unknown>>): IslandInfo[] {
  const found: IslandInfo[] = [];
  for (const [file, mod] of Object.entries(islands)) {
    for (const [exportName, value] of Object.entries(mod)) {
      if (typeof value !== "function") continue;
      const info = { file, exportName };
      found.push(info);
      if (!islandRegistry.has(value)) islandRegistry.set(value, islandWrapper(value as ComponentType, info));
    }
  }
  return found;
}

interface PageRecord {
  islands: { info: IslandInfo; props: Record<string, unknown>; slot: boolean }[];
  /** Every distinct class attribute value rendered on the page. */
  classes: Set<string>;
}

// renderToString is synchronous, so the page being rendered can be a module variable without any request seeing
// another's islands.
let current: PageRecord | null = null;
let depth = 0;

// Vnodes the wrapper itself creates for the island's component: the hook must not wrap them again.
const PLAIN = Symbol("island body");

function plain(component: ComponentType, props: Record<string, unknown>): VNode {
  const vnode = h(component, props) as VNode & { [PLAIN]?: true };
  vnode[PLAIN] = true;
  return vnode;
}

function islandWrapper(component: ComponentType, info: IslandInfo): ComponentType {
  const Island = (props: Record<string, unknown>) => {
    if (!current || depth > 0) return plain(component, props); // an island inside an island is a plain component
    const index = current.islands.length;
    const { children, ...rest } = props;
    const hasSlot = children !== undefined && children !== null;
    current.islands.push({ info, props: rest, slot: hasSlot });
    // JSX children are rendered here on the server, into an element the browser keeps as it is (see boot.ts).
    const bodyProps = hasSlot
      ? { ...rest, children: h(SLOT_TAG, slotAttrs(index), h(SlotBody, null, children)) }
      : props;
    return h(
      Fragment,
      null,
      comment(`frsh-i:${index}`),
      h(IslandBody, { component, props: bodyProps }),
      comment(`/frsh-i:${index}`),
    );
  };
  Island.displayName = `Island(${info.exportName})`;
  return Island;
}

// preact-render-to-string writes a Fragment with this prop as an HTML comment.
function comment(text: string): VNode {
  return h(Fragment, { UNSTABLE_comment: text } as Record<string, unknown>);
}

// Marks the island's subtree so nested islands render plainly; depth is restored by the `diffed` hook below.
function IslandBody({ component, props }: { component: ComponentType; props: Record<string, unknown> }) {
  return plain(component, props);
}

// Children of an island are server content again: islands inside them are islands of their own.
function SlotBody({ children }: { children?: ComponentChildren }) {
  return h(Fragment, null, children);
}
const savedDepths: number[] = [];

// deno-lint-ignore no-explicit-any
const hooks = options as any;
const previousDiff = hooks.__b;
const previousDiffed = hooks.diffed;
hooks.__b = (vnode: VNode<Record<string, unknown>>) => {
  if (current) {
    const type = vnode.type as unknown;
    if (typeof type === "function") {
      if (type === FragmentHtml) {
        for (const value of (vnode.props.fragment as HtmlFragment).classes) current.classes.add(value);
      } else if (type === IslandBody) depth++;
      else if (type === SlotBody) {
        savedDepths.push(depth);
        depth = 0;
      } else if (!(vnode as { [PLAIN]?: true })[PLAIN]) {
        const wrapper = islandRegistry.get(type);
        if (wrapper) vnode.type = wrapper;
      }
    } else if (typeof type === "string") {
      const props = vnode.props;
      // Styling plugins get the class attributes as rendered, instead of scanning the HTML for them again.
      const classes = props.class ?? props.className;
      if (typeof classes === "string") current.classes.add(classes);
      // Fresh's opt-out, for URLs that are already immutable (uploaded media): unstamped, and the marker dropped.
      if ((type === "img" || type === "source") && props["data-fresh-disable-lock"]) {
        delete props["data-fresh-disable-lock"];
      } else if (type === "img" || type === "source") {
        if (typeof props.src === "string") props.src = asset(props.src);
        if (typeof props.srcset === "string") props.srcset = assetSrcSet(props.srcset);
        if (typeof props.srcSet === "string") props.srcSet = assetSrcSet(props.srcSet);
      }
    }
  }
  previousDiff?.(vnode);
};
/** Markup rendered once to be reused, with the class attributes in it (the styling plugins need them). */
export interface HtmlFragment {
  readonly html: string;
  readonly classes: readonly string[];
}

/**
 * Renders `vnode` on its own, for a caller that keeps the result and shows it many times (a post card in every
 * feed that holds the post). It may be called while a page renders: the page's record is set aside meanwhile. A
 * fragment is plain markup, so an island inside it is refused (its state could not travel with the copy).
 */
export function renderFragment(vnode: VNode): HtmlFragment {
  const outer = current;
  const outerDepth = depth;
  const outerSaved = savedDepths.splice(0);
  const record: PageRecord = { islands: [], classes: new Set() };
  current = record;
  depth = 0;
  let html: string;
  try {
    html = renderToString(vnode);
  } finally {
    current = outer;
    depth = outerDepth;
    savedDepths.splice(0, savedDepths.length, ...outerSaved);
  }
  if (record.islands.length > 0) {
    throw new Error(`a reusable fragment cannot hold islands (${record.islands[0].info.exportName})`);
  }
  return { html, classes: [...record.classes] };
}

/** Shows a fragment from renderFragment as the content of one `as` element with the given attributes. */
export function FragmentHtml(
  { as, fragment, ...attrs }: { as: string; fragment: HtmlFragment } & Record<string, unknown>,
): VNode {
  return h(as, { ...attrs, dangerouslySetInnerHTML: { __html: fragment.html } }) as VNode;
}

hooks.diffed = (vnode: VNode) => {
  if (current && vnode.type === IslandBody) depth--;
  else if (current && vnode.type === SlotBody) depth = savedDepths.pop() ?? 0;
  previousDiffed?.(vnode);
};

const encoder = new TextEncoder();

export interface RenderRequest {
  req: Request;
  ctx: FreshContext;
  page: PageComponent;
  layouts: Layer[];
  app?: Layer;
  data: unknown;
  init?: RenderInit;
  defaultStatus: number;
  plugins: Plugin[];
  build: BuildMeta | null;
  dev: boolean;
}

function propsFor(ctx: FreshContext, data: unknown, Component: ComponentType): PageProps {
  return {
    url: ctx.url,
    params: ctx.params,
    state: ctx.state,
    route: ctx.route,
    data,
    error: ctx.error,
    Component,
  };
}

/** Renders the page and its wrappers; a component that returns a Response short-circuits the rest. */
export async function renderPage(r: RenderRequest): Promise<Response> {
  const { ctx, data } = r;
  ctx.data = data;
  const levels = [...(r.app ? [r.app.component] : []), ...r.layouts.map((l) => l.component), r.page];
  // Innermost first, so a page that answers with a Response (a redirect) does not run its layouts.
  const rendered: ComponentType[] = new Array(levels.length);
  for (let i = levels.length - 1; i >= 0; i--) {
    const next: ComponentType = rendered[i + 1] ?? (() => null);
    const component = levels[i];
    if (isAsyncComponent(component)) {
      ctx.Component = next;
      const result = await component(r.req, ctx);
      if (result instanceof Response) return result;
      rendered[i] = () => result as VNode;
    } else {
      const Component = component as ComponentType<PageProps>;
      const props = propsFor(ctx, data, next);
      rendered[i] = () => h(Component, props);
    }
  }

  const headItems: ComponentChildren[] = [];
  const record: PageRecord = { islands: [], classes: new Set() };
  let body: string;
  current = record;
  depth = 0;
  savedDepths.length = 0;
  try {
    body = renderToString(h(HEAD_CONTEXT.Provider, { value: headItems }, h(rendered[0], null)));
  } finally {
    current = null;
  }

  const islandFiles = [...new Set(record.islands.map((i) => i.info.file))];
  const headParts: string[] = [];
  for (const plugin of r.plugins) {
    const result = plugin.render?.({
      render: () => ({
        htmlText: body,
        requiresHydration: islandFiles.length > 0,
        islands: islandFiles,
        classes: record.classes,
      }),
    });
    for (const style of result?.styles ?? []) {
      const id = style.id ? ` id="${escapeAttr(style.id)}"` : "";
      const media = style.media ? ` media="${escapeAttr(style.media)}"` : "";
      headParts.push(`<style${id}${media} nonce="${ctx.nonce}">${style.cssText}</style>`);
    }
  }
  let tail = "";
  if (record.islands.length > 0) {
    if (!r.build) throw new Error("This page has islands but no bundle was built; run `deno task build`.");
    const island = islandScripts(record, r.build, ctx.nonce);
    headParts.push(island.preload);
    tail = island.scripts;
  }
  if (r.dev) tail += devReloadScript(ctx.nonce);

  const html = encoder.encode(assemble(body, renderHead(headItems), headParts.join(""), tail));
  const headers = new Headers(r.init?.headers);
  if (!headers.has("content-type")) headers.set("content-type", "text/html; charset=utf-8");
  headers.set("content-length", String(html.byteLength));
  return bytesResponse(html, { status: r.init?.status ?? r.defaultStatus, statusText: r.init?.statusText, headers });
}

// In development, pages reload themselves when the server restarts with new code: the alive endpoint answers with
// the process's revision and closes, and EventSource asks again a second later.
export const DEV_REVISION = crypto.randomUUID();
function devReloadScript(nonce: string): string {
  return `<script type="module" nonce="${nonce}">let r;new EventSource("/_frsh/alive").onmessage=e=>` +
    `{if(r&&r!==e.data)location.reload();r=e.data}</script>`;
}

function islandScripts(record: PageRecord, build: BuildMeta, nonce: string): { preload: string; scripts: string } {
  const base = `/_frsh/js/${build.buildId}/`;
  const files = [...new Set(record.islands.map((i) => i.info.file))];
  const modules = [
    build.boot,
    ...files.map((f) => {
      const out = build.islands[f];
      if (!out) throw new Error(`Island ${f} is not in the build; run \`deno task build\` again.`);
      return out;
    }),
  ];
  const preload = new Set<string>();
  for (const m of modules) [m, ...(build.deps[m] ?? [])].forEach((f) => preload.add(f));
  const links = [...preload].map((f) => `<link rel="modulepreload" href="${base}${f}" nonce="${nonce}">`).join("");

  const state = {
    buildId: build.buildId,
    islands: record.islands.map((i) => [i.info.file, i.info.exportName, i.slot ? 1 : 0]),
    props: encodeProps(
      record.islands.map((i) => i.props),
      record.islands.map((i) => `${i.info.file}#${i.info.exportName}`),
    ),
  };
  const imports = files.map((f, i) => `import*as i${i} from"${base}${build.islands[f]}";`).join("");
  const mods = files.map((f, i) => `${JSON.stringify(f)}:i${i}`).join(",");
  const scripts = `<script id="__FRSH_STATE" type="application/json">${scriptSafeJson(state)}</script>` +
    `<script type="module" nonce="${nonce}">import{boot}from"${base}${build.boot}";${imports}` +
    `boot({${mods}},"__FRSH_STATE")</script>`;
  return { preload: links, scripts };
}

// The last <title> given through <Head> wins, as in Fresh.
function renderHead(items: ComponentChildren[]): { html: string; hasTitle: boolean } {
  const nodes = toChildArray(items as ComponentChildren);
  const lastTitle = nodes.findLastIndex((n) => typeof n === "object" && (n as VNode).type === "title");
  const kept = nodes.filter((n, i) => !(typeof n === "object" && (n as VNode).type === "title") || i === lastTitle);
  return { html: kept.length ? renderToString(h(Fragment, null, kept)) : "", hasTitle: lastTitle >= 0 };
}

function assemble(body: string, head: { html: string; hasTitle: boolean }, extra: string, tail: string): string {
  let doc = body.trimStart();
  if (!/^<html[\s>]/i.test(doc)) doc = `<html><head></head><body>${doc}</body></html>`;
  if (!/^<html[^>]*\slang=/i.test(doc)) doc = doc.replace(/^<html/i, '<html lang="en"');
  if (!/<head[\s>]/i.test(doc)) doc = doc.replace(/^<html[^>]*>/i, (m) => `${m}<head></head>`);
  const headStart = doc.search(/<head[\s>]/i);
  const headEnd = doc.indexOf("</head>", headStart);
  let headInner = doc.slice(doc.indexOf(">", headStart) + 1, headEnd);
  if (head.hasTitle) headInner = headInner.replace(/<title[\s>][\s\S]*?<\/title>/gi, "");
  const metas = (/<meta[^>]+charset=/i.test(headInner) ? "" : '<meta charset="utf-8">') +
    (/<meta[^>]+name="viewport"/i.test(headInner)
      ? ""
      : '<meta name="viewport" content="width=device-width, initial-scale=1">');
  const newHead = metas + headInner + head.html + extra;
  const bodyEnd = tail ? doc.lastIndexOf("</body>") : -1;
  // Put together once: a page is tens of kilobytes, and a concatenation searched again is first copied whole.
  const parts = ["<!DOCTYPE html>", doc.slice(0, doc.indexOf(">", headStart) + 1), newHead];
  if (bodyEnd > headEnd) parts.push(doc.slice(headEnd, bodyEnd), tail, doc.slice(bodyEnd));
  else parts.push(doc.slice(headEnd), tail);
  return parts.join("");
}

function escapeAttr(value: string): string {
  return value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export type { Layer };
