import type { Plugin } from "$fresh/server.ts";
import type { App } from "../services/app.ts";
import type { SessionState } from "../http/session.ts";

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
