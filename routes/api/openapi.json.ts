import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { json } from "../../http/api.ts";
import { openApiDocument } from "../../http/openapi.ts";

export const handler: Handlers<unknown, AppState> = {
  GET: (_req, ctx) =>
    json(openApiDocument(ctx.state.app.config.origin ?? ctx.url.origin), {
      headers: { "cache-control": "public, max-age=300" },
    }),
};
