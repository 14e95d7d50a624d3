import type { FreshContext } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import { clientIp } from "../http/client.ts";
import { logRequest, requestIdFor } from "../http/request_log.ts";
import { isSafeMethod, resolveSession } from "../http/session.ts";
import { UnavailableError } from "../services/errors.ts";
import { withRequestId } from "../services/log.ts";
import { recordRequest } from "../services/telemetry.ts";
import { withRequestReads } from "../services/store/reads.ts";
import { hasMalformedEscape, isApiPath, problem } from "../http/problem.ts";
import { notFoundPage } from "../http/pages.ts";

/** Adds a header, copying the response first when its headers are immutable (redirects). */
function withHeader(res: Response, name: string, value: string): Response {
  try {
    res.headers.append(name, value);
    return res;
  } catch {
    const copy = new Response(res.body, res);
    copy.headers.append(name, value);
    return copy;
  }
}

// Tags every response with its request id, logs it and records it for telemetry; a thrown error is logged as the 500
// (or, for an unreachable store, the 503) that _500 will answer. Every line logged while the request runs carries its
// id.
async function requestLog(req: Request, ctx: FreshContext<AppState>) {
  const started = performance.now();
  const id = ctx.state.requestId = requestIdFor(req);
  let status = 500;
  try {
    const res = await withRequestId(id, () => ctx.next());
    status = res.status;
    return res.status === 101 ? res : withHeader(res, "x-request-id", id);
  } catch (err) {
    if (err instanceof UnavailableError) status = 503;
    throw err;
  } finally {
    const ms = performance.now() - started;
    recordRequest(req.method, ctx.route, status, ms / 1000);
    logRequest({
      requestId: id,
      method: req.method,
      path: ctx.url.pathname,
      status,
      // To 10 µs: a feed read takes under half a millisecond, and the bench compares such times by their ratio.
      ms: Math.round(ms * 100) / 100,
      remote: ctx.state.ip ?? ctx.remoteAddr.hostname,
    });
  }
}

// Who is asking, for pages and the API alike; a self-refreshed web session sends its new cookies back. With read
// replicas the request runs in a scope that keeps a member's reads on the primary until a replica has their latest
// write, and records an unsafe request's write for their next request (services/store/reads.ts).
function session(req: Request, ctx: FreshContext<AppState>) {
  if (ctx.destination !== "route" && ctx.destination !== "notFound") return ctx.next();
  // Media are public and the same for everyone (a CDN's origin): no session to resolve.
  if (ctx.url.pathname.startsWith("/media/")) return ctx.next();
  if (!ctx.state.app.config.databaseReadUrls.length) return answerAs(req, ctx);
  return withRequestReads(!isSafeMethod(req.method), () => answerAs(req, ctx));
}

async function answerAs(req: Request, ctx: FreshContext<AppState>) {
  const app = ctx.state.app;
  ctx.state.ip = clientIp(req, ctx.remoteAddr, app.config);
  ctx.state.session = await resolveSession(req, ctx.url, app, ctx.state.ip);
  let res = await ctx.next();
  if (res.status === 101) return res;
  for (const cookie of ctx.state.session.setCookies) res = withHeader(res, "set-cookie", cookie);
  return res;
}

// A broken percent escape in the query is the client's mistake, answered 400 before any route reads the query: as
// problem+json under /api, as the friendly "not found" page in its 400 form elsewhere.
function wellFormedQuery(_req: Request, ctx: FreshContext<AppState>) {
  if (ctx.destination !== "route" && ctx.destination !== "notFound") return ctx.next();
  if (!hasMalformedEscape(ctx.url.search)) return ctx.next();
  if (isApiPath(ctx.url)) {
    return problem({
      status: 400,
      title: "Bad Request",
      detail: "The query string has a malformed percent escape (such as %zz). Write a literal % as %25.",
    });
  }
  return ctx.renderNotFound({ malformedQuery: true });
}

// notFoundPage sits inside session so that the 404 page it answers still carries a refreshed session's cookies.
export const handler = [requestLog, session, wellFormedQuery, notFoundPage];
