import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import { checkReadiness } from "../services/app.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const { ready, checks } = await checkReadiness(ctx.state.app);
    return Response.json(
      { status: ready ? "ready" : "unavailable", checks },
      { status: ready ? 200 : 503, headers: { "cache-control": "no-store" } },
    );
  },
};
