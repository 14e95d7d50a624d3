import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { login } from "../../../services/auth.ts";
import { authDeps } from "../../../services/app.ts";
import { json, readJson } from "../../../http/api.ts";
import { loginBody } from "../../../services/schemas.ts";
import { me } from "../../../http/serialize.ts";

export const handler: Handlers<unknown, AppState> = {
  async POST(req, ctx) {
    const body = await readJson(req, loginBody);
    const { user, accessToken, refreshToken, expiresIn } = await login(authDeps(ctx.state.app), body, {
      ip: ctx.state.ip,
    });
    return json({ user: me(user), accessToken, refreshToken, expiresIn });
  },
};
