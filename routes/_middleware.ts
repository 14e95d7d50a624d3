import type { FreshContext } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import { logRequest, requestIdFor } from "./(_http)/request_log.ts";

// Tags every response with its request id and logs it; a thrown error is logged as the 500 that _500 will answer.
export async function handler(req: Request, ctx: FreshContext<AppState>) {
  const started = performance.now();
  const id = ctx.state.requestId = requestIdFor(req);
  let status = 500;
  try {
    const res = await ctx.next();
    status = res.status;
    if (res.status === 101) return res;
    try {
      res.headers.set("x-request-id", id);
      return res;
    } catch {
      // Redirects carry immutable headers.
      const copy = new Response(res.body, res);
      copy.headers.set("x-request-id", id);
      return copy;
    }
  } finally {
    logRequest({
      id,
      method: req.method,
      path: ctx.url.pathname,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      remote: ctx.remoteAddr.hostname,
    });
  }
}
