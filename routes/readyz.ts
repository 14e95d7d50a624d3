import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import { checkReadiness } from "../services/app.ts";

// 503 only when this instance cannot serve (the primary store, or shutting down); a secondary backend that is down
// is named in `degraded` with 200, so the load balancer keeps the instance (API.md, Operations).
export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const { ready, degraded, checks } = await checkReadiness(ctx.state.app);
    const status = !ready ? "unavailable" : degraded.length ? "degraded" : "ready";
    return Response.json(
      { status, ...(degraded.length ? { degraded } : {}), checks },
      { status: ready ? 200 : 503, headers: { "cache-control": "no-store" } },
    );
  },
};
