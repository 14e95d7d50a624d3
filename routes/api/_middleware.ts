import type { FreshContext } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { problemFor } from "../../http/api.ts";
import { problem } from "../../http/problem.ts";
import { assertSameSite } from "../../http/session.ts";

// Domain errors become problem+json; cookie-authenticated writes must carry the CSRF token in x-csrf-token; the
// framework's plain 405 is rewritten in the API's own shape.
export async function handler(req: Request, ctx: FreshContext<AppState>) {
  let res: Response;
  try {
    const { app, session } = ctx.state;
    assertSameSite(req, ctx.url, app, session, req.headers.get("x-csrf-token"), "cookie-sessions");
    res = await ctx.next();
  } catch (err) {
    const mapped = problemFor(err);
    if (!mapped) throw err;
    if (mapped.status === 401 || mapped.status === 403) {
      ctx.state.app.log({
        msg: "authorization failure",
        status: mapped.status,
        method: req.method,
        path: ctx.url.pathname,
        requestId: ctx.state.requestId,
        ip: ctx.state.ip,
        ...(ctx.state.session?.caller ? { userId: ctx.state.session.caller.user.id } : {}),
      });
    }
    return mapped;
  }
  if (res.status === 405 && !res.headers.get("content-type")?.includes("json")) {
    const allow = res.headers.get("allow") ?? "";
    return problem({ status: 405, title: "Method Not Allowed", detail: `Use one of: ${allow}.` }, { allow });
  }
  return res;
}
