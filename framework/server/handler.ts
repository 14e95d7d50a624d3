// The request pipeline: normalise the URL, pick a destination (internal bundle, static file, route or not found), run
// the middleware chain for it, and put the security headers on whatever comes out. Errors thrown anywhere end in
// _500, never in a stack trace on the wire.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setBuildId } from "../runtime.ts";
import type {
  Destination,
  FreshConfig,
  FreshContext,
  Handler,
  Manifest,
  MiddlewareHandler,
  RenderInit,
  ResolvedConfig,
  ServeInfo,
} from "../types.ts";
import type { BuildMeta } from "./build_meta.ts";
import { DEV_REVISION, registerIslands, renderPage } from "./render.tsx";
import { buildRoutes, type Route, type RouteTable } from "./routes.ts";
import { BundleFiles, StaticFiles } from "./static.ts";
import { maybeCompress } from "./compress.ts";

export type RequestHandler = (req: Request, info?: ServeInfo) => Promise<Response>;

export function resolveConfig(manifest: Manifest, config: FreshConfig = {}): ResolvedConfig {
  const root = dirname(fileURLToPath(manifest.baseUrl));
  return {
    root,
    plugins: config.plugins ?? [],
    build: {
      outDir: resolve(root, config.build?.outDir ?? "_fresh"),
      target: config.build?.target ?? "es2022",
      prebuilt: config.build?.prebuilt ?? false,
    },
    staticDir: resolve(root, config.staticDir ?? "static"),
    router: { trailingSlash: config.router?.trailingSlash ?? false },
    server: config.server ?? {},
    dev: config.dev ?? false,
    compress: config.compress ?? true,
    origin: config.origin ?? null,
  };
}

const LOCAL: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 0 };

function nonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, (c) => c === "+" ? "-" : c === "/" ? "_" : "");
}

class Context implements FreshContext {
  state: Record<string, unknown> = {};
  destination: Destination = "notFound";
  route = "";
  params: Record<string, string> = {};
  data: unknown = undefined;
  error: unknown = undefined;
  Component = (() => null) as FreshContext["Component"];
  readonly nonce = nonce();
  // Set by the pipeline for each stage: what render(), renderNotFound() and next() do.
  page!: Route;
  defaultStatus = 200;
  chain: MiddlewareHandler[] = [];
  final!: () => Promise<Response>;
  pipeline!: Pipeline;

  constructor(
    readonly req: Request,
    readonly url: URL,
    readonly remoteAddr: Deno.NetAddr,
    readonly config: ResolvedConfig,
  ) {}

  render(data?: unknown, init?: RenderInit): Promise<Response> {
    return this.pipeline.render(this, data, init);
  }

  renderNotFound(data?: unknown): Promise<Response> {
    return this.pipeline.notFound(this, data);
  }

  next(): Promise<Response> {
    const mw = this.chain.shift();
    return mw ? Promise.resolve(mw(this.req, this)) : this.final();
  }
}

/** One JSON line for an error no plugin reports itself. */
function fallbackLog(msg: string, ctx: Context, error: unknown): void {
  console.error(JSON.stringify({
    time: new Date().toISOString(),
    level: "error",
    msg,
    method: ctx.req.method,
    path: ctx.url.pathname,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    stack: error instanceof Error ? error.stack : undefined,
  }));
}

class Pipeline {
  constructor(
    readonly config: ResolvedConfig,
    readonly table: RouteTable,
    readonly statics: StaticFiles,
    readonly bundles: BundleFiles,
    readonly build: BuildMeta | null,
    readonly buildId: string,
  ) {}

  render(ctx: Context, data: unknown, init?: RenderInit): Promise<Response> {
    const page = ctx.page;
    if (!page.component) {
      throw new Error(`${page.label} has no default export, so ctx.render() has nothing to render.`);
    }
    return renderPage({
      req: ctx.req,
      ctx,
      page: page.component,
      layouts: page.layouts,
      app: page.app,
      data,
      init,
      defaultStatus: ctx.defaultStatus,
      plugins: this.config.plugins,
      build: this.build,
      dev: this.config.dev,
    });
  }

  async notFound(ctx: Context, data?: unknown): Promise<Response> {
    ctx.page = this.table.notFound;
    ctx.route = "";
    ctx.defaultStatus = 404;
    ctx.data = data;
    const handler = this.table.notFound.handlerFor(ctx.req.method)!;
    return await handler(ctx.req, ctx);
  }

  async error(ctx: Context, error: unknown): Promise<Response> {
    const reporters = this.config.plugins.filter((p) => p.onError);
    for (const plugin of reporters) {
      try {
        plugin.onError!(error, ctx.req, ctx);
      } catch (again) {
        fallbackLog("a plugin's onError failed", ctx, again);
      }
    }
    if (reporters.length === 0) fallbackLog("unhandled error", ctx, error);
    ctx.error = error;
    ctx.page = this.table.error;
    ctx.defaultStatus = 500;
    try {
      return await this.table.error.handlerFor(ctx.req.method)!(ctx.req, ctx);
    } catch (again) {
      fallbackLog("the 500 page failed", ctx, again);
      return new Response("Internal Server Error", { status: 500, headers: { "content-type": "text/plain" } });
    }
  }

  /** Whether browsers reach this site over https: the configured public origin says so, else the request URL. */
  #https(url: URL): boolean {
    return (this.config.origin ?? url.origin).startsWith("https:");
  }

  async handle(req: Request, info?: ServeInfo): Promise<Response> {
    const url = new URL(req.url);
    const collapsed = url.pathname.replace(/\/{2,}/g, "/");
    if (collapsed !== url.pathname) url.pathname = collapsed;
    const path = url.pathname;

    const slash = path.length > 1 && path.endsWith("/");
    if (slash !== this.config.router.trailingSlash && path !== "/" && !path.startsWith("/_frsh/")) {
      if (!(this.config.router.trailingSlash && /\.[a-z0-9]+$/i.test(path))) {
        const target = (slash ? path.replace(/\/+$/, "") : path + "/") + url.search;
        const redirect = new Response(null, { status: 307, headers: { location: target } });
        return withSecurityHeaders(redirect, this.#https(url), null);
      }
    }

    const ctx = new Context(req, url, info?.remoteAddr ?? LOCAL, this.config);
    ctx.pipeline = this;
    this.#destination(ctx, path);
    let res: Response;
    try {
      res = await ctx.next();
    } catch (error) {
      res = await this.error(ctx, error);
    }
    // Whatever answered (a 404 page, a function handler), HEAD gets the headers only.
    if (req.method === "HEAD" && res.body) {
      await res.body.cancel();
      res = new Response(null, { status: res.status, statusText: res.statusText, headers: res.headers });
    }
    const isHtml = (res.headers.get("content-type") ?? "").startsWith("text/html");
    const secured = withSecurityHeaders(res, this.#https(url), isHtml ? ctx.nonce : null);
    return this.config.compress ? await maybeCompress(req, secured) : secured;
  }

  #destination(ctx: Context, path: string): void {
    const req = ctx.req;
    if (path.startsWith("/_frsh/")) {
      ctx.destination = "internal";
      ctx.chain = [...this.table.rootMiddlewares];
      ctx.final = async () => this.#internal(req, path) ?? await this.notFound(ctx);
      return;
    }
    if (this.statics.has(path)) {
      ctx.destination = "static";
      ctx.chain = [...this.table.rootMiddlewares];
      ctx.final = () => this.statics.serve(req, ctx.url, this.buildId);
      return;
    }
    const match = this.table.router.match(path);
    if (!match) {
      ctx.destination = "notFound";
      ctx.chain = [...this.table.rootMiddlewares];
      ctx.final = () => this.notFound(ctx);
      return;
    }
    const route = match.value;
    ctx.destination = "route";
    ctx.route = route.pattern;
    ctx.params = match.params;
    ctx.page = route;
    ctx.chain = [...route.middlewares];
    const handler: Handler | null = route.handlerFor(req.method);
    ctx.final = handler
      ? async () => await handler(req, ctx)
      : () => Promise.resolve(new Response("Method not allowed", { status: 405, headers: { allow: route.allow } }));
  }

  #internal(req: Request, path: string): Response | null {
    if (path === "/_frsh/alive" && this.config.dev) {
      return new Response(`retry: 1000\ndata: ${DEV_REVISION}\n\n`, {
        headers: { "content-type": "text/event-stream", "cache-control": "no-store" },
      });
    }
    const prefix = `/_frsh/js/${this.build?.buildId}/`;
    if (!this.build || !path.startsWith(prefix)) return null;
    return this.bundles.serve(req, path.slice(prefix.length));
  }
}

const CSP_REST = "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** Headers every response gets; HTML gets the nonce CSP too. Immutable headers (redirects) are copied first. */
function withSecurityHeaders(res: Response, https: boolean, nonce: string | null): Response {
  if (res.status === 101) return res; // a WebSocket upgrade cannot be rebuilt or changed
  const apply = (headers: Headers) => {
    headers.set("x-content-type-options", "nosniff");
    if (!headers.has("referrer-policy")) headers.set("referrer-policy", "strict-origin-when-cross-origin");
    if (https) headers.set("strict-transport-security", "max-age=63072000; includeSubDomains");
    if (nonce) {
      headers.set("content-security-policy", `script-src 'nonce-${nonce}' 'strict-dynamic'; ${CSP_REST}`);
    }
  };
  try {
    apply(res.headers);
    return res;
  } catch {
    const copy = new Response(res.body, res);
    apply(copy.headers);
    return copy;
  }
}

/**
 * Builds the request handler for a manifest. `build` is the island build to serve (null when the app has no
 * islands); `buildId` stamps assets.
 */
export async function createPipeline(parts: {
  manifest: Manifest;
  config: ResolvedConfig;
  statics: StaticFiles;
  build: BuildMeta | null;
  buildId: string;
}): Promise<RequestHandler> {
  const { manifest, config, statics, build, buildId } = parts;
  const table = buildRoutes(manifest, config.plugins);
  registerIslands(manifest.islands);
  for (const plugin of config.plugins) await plugin.configResolved?.(config);
  const bundles = build ? await BundleFiles.load(resolve(config.build.outDir, "js", build.buildId)) : new BundleFiles();
  setBuildId(buildId);
  const pipeline = new Pipeline(config, table, statics, bundles, build, buildId);
  return (req, info) => pipeline.handle(req, info);
}
