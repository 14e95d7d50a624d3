// Turns the generated manifest (and plugin routes) into the tables the request handler uses: one router of page and
// API routes, and for each route its middleware chain and layout stack, resolved once at start.
import type { ComponentType } from "preact";
import {
  type AsyncRoute,
  type Handler,
  type Handlers,
  type Manifest,
  type Method,
  METHODS,
  type MiddlewareHandler,
  type MiddlewareModule,
  type PageProps,
  type Plugin,
  type RouteConfig,
  type RouteModule,
} from "../types.ts";
import { parseFilePattern, parseOverridePattern, patternString, Router, type Segment } from "./router.ts";

// deno-lint-ignore no-explicit-any
export type PageComponent = ComponentType<PageProps<any>> | AsyncRoute;

export interface Layer {
  component: PageComponent;
  config: RouteConfig;
}

export interface Route {
  label: string;
  pattern: string;
  folder: string[];
  component?: PageComponent;
  config: RouteConfig;
  /** The handler for a method, or null when the method is not allowed. */
  handlerFor(method: string): Handler | null;
  allow: string;
  middlewares: MiddlewareHandler[];
  layouts: Layer[];
  app?: Layer;
}

export interface RouteTable {
  router: Router<Route>;
  /** Middlewares that run when no route matched (and for static and internal files): the root ones. */
  rootMiddlewares: MiddlewareHandler[];
  notFound: Route;
  error: Route;
}

interface FolderItems {
  middlewares: Map<string, MiddlewareHandler[]>;
  layouts: Map<string, Layer>;
}

const SPECIAL = new Set(["_app", "_layout", "_middleware", "_404", "_500"]);

/** `./routes/(app)/blog/[id].tsx` → folder `["(app)", "blog"]`, name `[id]`. */
function splitFile(file: string): { folder: string[]; name: string } {
  const rel = file.replace(/^\.\/routes\//, "").replace(/\.[jt]sx?$/, "");
  const parts = rel.split("/");
  return { folder: parts.slice(0, -1), name: parts[parts.length - 1] };
}

function urlSegments(folder: string[], name: string): Segment[] {
  const parts = [...folder, name].filter((p) => !/^\(.*\)$/.test(p));
  if (parts[parts.length - 1] === "index") parts.pop();
  return parseFilePattern(parts.join("/"));
}

function isAsync(fn: unknown): fn is AsyncRoute {
  return typeof fn === "function" && fn.constructor.name === "AsyncFunction";
}
export { isAsync as isAsyncComponent };

const renderPage: Handler = (_req, ctx) => ctx.render();

function methodTable(label: string, mod: RouteModule): Pick<Route, "handlerFor" | "allow"> {
  if ("handlers" in mod && !("handler" in mod)) {
    throw new Error(`${label} exports "handlers"; did you mean "handler"?`);
  }
  const handler = mod.handler;
  if (typeof handler === "function") return { handlerFor: () => handler, allow: METHODS.join(", ") };
  const table: Handlers = { ...(handler ?? {}) };
  for (const key of Object.keys(table)) {
    if (!METHODS.includes(key as Method)) {
      throw new Error(`${label}: handler has a "${key}" key; methods are ${METHODS.join(", ")} (upper case).`);
    }
  }
  if (mod.default && !table.GET) table.GET = renderPage;
  // HEAD runs GET; the pipeline drops the body of every HEAD response.
  if (table.GET && !table.HEAD) table.HEAD = table.GET;
  const allowed = METHODS.filter((m) => table[m]);
  return { handlerFor: (method) => table[method as Method] ?? null, allow: allowed.join(", ") };
}

function chainFor(folder: string[], items: FolderItems): { middlewares: MiddlewareHandler[]; layouts: Layer[] } {
  const middlewares: MiddlewareHandler[] = [];
  let layouts: Layer[] = [];
  for (let depth = 0; depth <= folder.length; depth++) {
    const key = folder.slice(0, depth).join("/");
    middlewares.push(...(items.middlewares.get(key) ?? []));
    const layout = items.layouts.get(key);
    if (layout) layouts = layout.config.skipInheritedLayouts ? [layout] : [...layouts, layout];
  }
  return { middlewares, layouts };
}

function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

export function buildRoutes(manifest: Manifest, plugins: Plugin[]): RouteTable {
  const items: FolderItems = { middlewares: new Map(), layouts: new Map() };
  const addMiddleware = (folder: string[], handler: MiddlewareModule["handler"]) => {
    const key = folder.join("/");
    items.middlewares.set(key, [...(items.middlewares.get(key) ?? []), ...asList(handler)]);
  };
  for (const plugin of plugins) {
    for (const mw of plugin.middlewares ?? []) addMiddleware(mw.path.split("/").filter(Boolean), mw.middleware.handler);
  }

  let app: Layer | undefined;
  let notFoundMod: RouteModule | undefined;
  let errorMod: RouteModule | undefined;
  const pages: { label: string; folder: string[]; name: string; mod: RouteModule }[] = [];

  for (const [file, mod] of Object.entries(manifest.routes).sort(([a], [b]) => a.localeCompare(b))) {
    const { folder, name } = splitFile(file);
    if (name === "_middleware") {
      const handler = (mod as MiddlewareModule).handler;
      if (!handler) throw new Error(`${file} must export "handler" (a function or an array of functions).`);
      addMiddleware(folder, handler);
    } else if (name === "_layout") {
      const m = mod as RouteModule;
      if (!m.default) throw new Error(`${file} must have a default export (the layout component).`);
      items.layouts.set(folder.join("/"), { component: m.default, config: m.config ?? {} });
    } else if (SPECIAL.has(name) && folder.length > 0) {
      throw new Error(`${file}: ${name} is only allowed in the routes folder itself.`);
    } else if (name === "_app") {
      const m = mod as RouteModule;
      if (!m.default) throw new Error(`${file} must have a default export (the app component).`);
      app = { component: m.default, config: m.config ?? {} };
    } else if (name === "_404") notFoundMod = mod as RouteModule;
    else if (name === "_500") errorMod = mod as RouteModule;
    else pages.push({ label: file, folder, name, mod: mod as RouteModule });
  }

  const router = new Router<Route>();
  const makeRoute = (label: string, folder: string[], segments: Segment[], mod: RouteModule): Route => {
    const config = mod.config ?? {};
    const chain = chainFor(folder, items);
    return {
      label,
      pattern: patternString(segments),
      folder,
      component: mod.default,
      config,
      ...methodTable(label, mod),
      middlewares: chain.middlewares,
      layouts: config.skipInheritedLayouts ? [] : chain.layouts,
      app: config.skipAppWrapper ? undefined : app,
    };
  };
  for (const { label, folder, name, mod } of pages) {
    const segments = mod.config?.routeOverride
      ? parseOverridePattern(mod.config.routeOverride)
      : urlSegments(folder, name);
    router.add(segments, makeRoute(label, folder, segments, mod), label);
  }
  for (const plugin of plugins) {
    for (const r of plugin.routes ?? []) {
      const segments = parseFilePattern(r.path);
      const folder = r.path.split("/").filter(Boolean).slice(0, -1);
      const label = `plugin ${plugin.name} route ${r.path}`;
      router.add(segments, makeRoute(label, folder, segments, { default: r.component, handler: r.handler }), label);
    }
  }

  const rootChain = chainFor([], items);
  const special = (label: string, mod: RouteModule | undefined, fallback: PageComponent): Route => {
    const route = makeRoute(label, [], [], { ...mod, default: mod?.default ?? fallback });
    const handler = mod?.handler;
    // _404 and _500 take one handler for every method (Fresh's UnknownHandler and ErrorHandler).
    const only = typeof handler === "function" ? handler : null;
    return { ...route, pattern: "", handlerFor: () => only ?? renderPage, layouts: rootChain.layouts };
  };
  return {
    router,
    rootMiddlewares: rootChain.middlewares,
    notFound: special("./routes/_404", notFoundMod, DefaultNotFound),
    error: special("./routes/_500", errorMod, DefaultError),
  };
}

function DefaultNotFound() {
  return "404 - Page not found";
}

function DefaultError() {
  return "500 - Internal server error";
}
