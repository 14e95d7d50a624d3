import type { Plugin } from "$fresh/server.ts";
import type { App } from "../services/app.ts";
import type { SessionState } from "../http/session.ts";
import { UnavailableError } from "../services/errors.ts";
import { log } from "../services/log.ts";

export interface AppState {
  app: App;
  requestId: string;
  /** The client address (socket, or trusted proxy's X-Forwarded-For). */
  ip: string;
  session: SessionState;
}

/** Gives every request the app's resources as `ctx.state.app`, before any route middleware runs. */
export function appPlugin(app: App): Plugin<AppState> {
  return {
    name: "prok-app",
    // HSTS follows PROK_ORIGIN: behind the TLS proxy we recommend, the request URL itself is http.
    configResolved: (config) => {
      config.origin ??= app.config.origin ?? null;
    },
    // The chain has unwound by now, so the request id comes from the state rather than from the logger's context.
    onError: (error, req, ctx) => {
      const fields = { requestId: ctx.state.requestId, method: req.method, path: ctx.url.pathname };
      // An unreachable backend is an outage to watch, not a bug: _500 answers it with 503, and no stack helps.
      if (error instanceof UnavailableError) log.warn("backend unavailable", { ...fields, backend: error.backend });
      else log.error("unhandled error", { ...fields, error });
    },
    middlewares: [{
      path: "/",
      middleware: {
        handler: (_req, ctx) => {
          ctx.state.app = app;
          return ctx.next();
        },
      },
    }],
  };
}
