import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { logout, sessionOfRefreshToken } from "../../../services/auth.ts";
import { authDeps } from "../../../services/app.ts";
import { readJson } from "../../../http/api.ts";
import { refreshBody } from "../../../services/schemas.ts";
import { clearedSessionCookies, cookieNames, readCookie, requireCaller } from "../../../http/session.ts";

// Ends the caller's session (from the access token), or the one a refresh token belongs to.
export const handler: Handlers<unknown, AppState> = {
  async POST(req, ctx) {
    const { session } = ctx.state;
    const body = await readJson(req, refreshBody);
    const deps = authDeps(ctx.state.app);
    const refreshToken = body.refreshToken ?? readCookie(req, cookieNames(session.secure).refresh);
    const family = session.caller?.session ?? (refreshToken ? await sessionOfRefreshToken(deps, refreshToken) : null);
    if (!family) requireCaller(session);
    await logout(deps, family!);
    const headers = new Headers();
    for (const c of clearedSessionCookies(session.secure)) headers.append("set-cookie", c);
    return new Response(null, { status: 204, headers });
  },
};
