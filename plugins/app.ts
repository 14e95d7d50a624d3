import type { Plugin } from "$fresh/server.ts";
import type { App } from "../services/app.ts";

export interface AppState {
  app: App;
  requestId: string;
}

/** Gives every request the app's resources as `ctx.state.app`, before any route middleware runs. */
export function appPlugin(app: App): Plugin<AppState> {
  return {
    name: "prok-app",
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
