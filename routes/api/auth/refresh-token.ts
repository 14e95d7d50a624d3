import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { refresh } from "../../../services/auth.ts";
import { authDeps } from "../../../services/app.ts";
import { json, readJson } from "../../../http/api.ts";
import { refreshBody } from "../../../services/schemas.ts";
import { me } from "../../../http/serialize.ts";
import { cookieNames, readCookie, sessionCookies } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async POST(req, ctx) {
    const body = await readJson(req, refreshBody);
    const { secure } = ctx.state.session;
    const fromCookie = readCookie(req, cookieNames(secure).refresh);
    const token = body.refreshToken ?? fromCookie ?? "";
    const pair = await refresh(authDeps(ctx.state.app), token, { ip: ctx.state.ip });
    const res = json({ user: me(pair.user), ...pick(pair) });
    // A browser that refreshed with its cookie gets the new pair as cookies too.
    if (!body.refreshToken && fromCookie) {
      for (const c of sessionCookies(pair, secure)) res.headers.append("set-cookie", c);
    }
    return res;
  },
};

function pick(p: { accessToken: string; refreshToken: string; expiresIn: number }) {
  return { accessToken: p.accessToken, refreshToken: p.refreshToken, expiresIn: p.expiresIn };
}
