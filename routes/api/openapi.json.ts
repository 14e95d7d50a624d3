import type { Handlers } from "$fresh/server.ts";
import { json } from "../../http/api.ts";
import { openApiDocument } from "../../http/openapi.ts";

export const handler: Handlers = {
  GET: () => json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } }),
};
