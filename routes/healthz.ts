import type { Handlers } from "$fresh/server.ts";

// Liveness: answers while the process runs, whatever the backends do.
export const handler: Handlers = {
  GET: () => Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } }),
};
