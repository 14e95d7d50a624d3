// Public types of the Fresh 1.x-compatible runtime. Names and meanings follow Fresh 1.x so that app code written for
// Fresh compiles unchanged against `$fresh/server.ts`.
import type { ComponentChildren, ComponentType, JSX, VNode } from "preact";

export type Destination = "route" | "static" | "internal" | "notFound";

export interface ServeInfo {
  remoteAddr: Deno.NetAddr;
}

export interface RenderInit {
  status?: number;
  statusText?: string;
  headers?: HeadersInit;
}

/** The context every handler, middleware and async page receives. */
// deno-lint-ignore no-explicit-any
export interface FreshContext<State = Record<string, unknown>, Data = any> {
  readonly url: URL;
  readonly params: Record<string, string>;
  state: State;
  readonly route: string;
  destination: Destination;
  readonly remoteAddr: Deno.NetAddr;
  /** Per-request nonce for inline scripts and styles; the runtime puts it in the CSP header. */
  readonly nonce: string;
  data: Data;
  error: unknown;
  readonly config: ResolvedConfig;
  // deno-lint-ignore no-explicit-any
  Component: ComponentType<any>;
  render(data?: Data, init?: RenderInit): Promise<Response>;
  renderNotFound(data?: Data): Promise<Response>;
  next(): Promise<Response>;
}

// Fresh 1.x aliases.
export type HandlerContext<Data = unknown, State = Record<string, unknown>> = FreshContext<State, Data>;
export type MiddlewareHandlerContext<State = Record<string, unknown>> = FreshContext<State>;
export type UnknownHandlerContext<State = Record<string, unknown>> = FreshContext<State>;
export type ErrorHandlerContext<State = Record<string, unknown>> = FreshContext<State>;
export type RouteContext<Data = unknown, State = Record<string, unknown>> = FreshContext<State, Data>;

// deno-lint-ignore no-explicit-any
export type Handler<Data = any, State = Record<string, unknown>> = (
  req: Request,
  ctx: FreshContext<State, Data>,
) => Response | Promise<Response>;

export type Method = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";
export const METHODS: readonly Method[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

// deno-lint-ignore no-explicit-any
export type Handlers<Data = any, State = Record<string, unknown>> = {
  [M in Method]?: Handler<Data, State>;
};

export type MiddlewareHandler<State = Record<string, unknown>> = (
  req: Request,
  ctx: FreshContext<State>,
) => Response | Promise<Response>;

export interface MiddlewareModule<State = Record<string, unknown>> {
  handler: MiddlewareHandler<State> | MiddlewareHandler<State>[];
}

// deno-lint-ignore no-explicit-any
export interface PageProps<Data = any, State = Record<string, unknown>> {
  url: URL;
  params: Record<string, string>;
  state: State;
  route: string;
  data: Data;
  error?: unknown;
  // deno-lint-ignore no-explicit-any
  Component: ComponentType<any>;
}
export type AppProps<Data = unknown, State = Record<string, unknown>> = PageProps<Data, State>;
export type LayoutProps<Data = unknown, State = Record<string, unknown>> = PageProps<Data, State>;
export type ErrorPageProps = PageProps<unknown> & { error: unknown };
export type UnknownPageProps = PageProps<unknown>;

export interface RouteConfig {
  routeOverride?: string;
  skipAppWrapper?: boolean;
  skipInheritedLayouts?: boolean;
}

/** An async route component: called as `(req, ctx)`, may return JSX or a Response. */
// deno-lint-ignore no-explicit-any
export type AsyncRoute<Data = any, State = Record<string, unknown>> = (
  req: Request,
  ctx: FreshContext<State, Data>,
) => Promise<ComponentChildren | Response>;
export type AsyncLayout<Data = unknown, State = Record<string, unknown>> = AsyncRoute<Data, State>;

/** Wraps an async route so that its type is checked (identity at run time). */
// deno-lint-ignore no-explicit-any
export function defineRoute<State = Record<string, unknown>>(fn: AsyncRoute<any, State>): AsyncRoute<any, State> {
  return fn;
}
export const defineLayout = defineRoute;
export const defineApp = defineRoute;

export interface RouteModule {
  // deno-lint-ignore no-explicit-any
  default?: ComponentType<PageProps<any>> | AsyncRoute;
  handler?: Handler | Handlers;
  config?: RouteConfig;
  [key: string]: unknown;
}

export interface IslandModule {
  [name: string]: unknown;
}

export interface Manifest {
  // Route modules type their handlers with their own state types, so the table only promises modules.
  // deno-lint-ignore no-explicit-any
  routes: Record<string, any>;
  islands: Record<string, IslandModule>;
  baseUrl: string;
}

export interface PluginRenderStyleTag {
  cssText: string;
  media?: string;
  id?: string;
}

/** What a plugin's render hook can see of the page being rendered. */
export interface PluginRenderContext {
  render(): {
    htmlText: string;
    requiresHydration: boolean;
    islands: string[];
    /** The distinct class attribute values rendered on the page (collected during rendering). */
    classes?: ReadonlySet<string>;
  };
}

export interface PluginRenderResult {
  styles?: PluginRenderStyleTag[];
}

export interface PluginMiddleware<State = Record<string, unknown>> {
  /** A folder path such as `/` or `/admin/`; the middleware runs where a `_middleware` file there would. */
  path: string;
  middleware: { handler: MiddlewareHandler<State> | MiddlewareHandler<State>[] };
}

export interface PluginRoute {
  /** A route pattern in file-route form, e.g. `/plugin/[id]`. */
  path: string;
  // deno-lint-ignore no-explicit-any
  component?: ComponentType<PageProps<any>> | AsyncRoute;
  handler?: Handler | Handlers;
}

export interface Plugin<State = Record<string, unknown>> {
  name: string;
  render?(ctx: PluginRenderContext): PluginRenderResult;
  renderAsync?(ctx: PluginRenderContext): Promise<PluginRenderResult>;
  middlewares?: PluginMiddleware<State>[];
  routes?: PluginRoute[];
  buildStart?(config: ResolvedConfig): void | Promise<void>;
  buildEnd?(): void | Promise<void>;
  configResolved?(config: ResolvedConfig): void | Promise<void>;
  /**
   * Told of every error that escaped the middleware chain, before the error page answers: the app's own logger
   * writes the line (with its request id) instead of the runtime's plain fallback.
   */
  onError?(error: unknown, req: Request, ctx: FreshContext<State>): void;
}

export interface FreshConfig {
  // Each plugin types the state its middleware sets; the config accepts any of them.
  // deno-lint-ignore no-explicit-any
  plugins?: Plugin<any>[];
  /**
   * `prebuilt`: use the bundle `deno task build` made and never build at start (Deno Deploy, an image whose app folder
   * is read-only); start fails when it is missing or stale.
   */
  build?: { outDir?: string; target?: string | string[]; prebuilt?: boolean };
  staticDir?: string;
  router?: { trailingSlash?: boolean };
  server?: Partial<Deno.ServeTcpOptions> & { port?: number; hostname?: string };
  /** Development mode. Defaults to false. */
  dev?: boolean;
  /** gzip text responses for clients that accept it (default true); turn off behind a proxy that compresses. */
  compress?: boolean;
  /**
   * The public origin (`https://prok.example`) when it is not the request URL's: behind a TLS-terminating proxy
   * requests arrive as http, yet browsers must still get HSTS. Unset, the request URL decides.
   */
  origin?: string;
}

export interface ResolvedConfig {
  root: string;
  // deno-lint-ignore no-explicit-any
  plugins: Plugin<any>[];
  build: { outDir: string; target: string | string[]; prebuilt: boolean };
  staticDir: string;
  router: { trailingSlash: boolean };
  server: Partial<Deno.ServeTcpOptions> & { port?: number; hostname?: string };
  dev: boolean;
  compress: boolean;
  origin: string | null;
}

/** Identity, with types. */
export function defineConfig(config: FreshConfig): FreshConfig {
  return config;
}

export type { ComponentChildren, JSX, VNode };
