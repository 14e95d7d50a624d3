import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { register } from "../../../services/auth.ts";
import { authDeps } from "../../../services/app.ts";
import { json, readJson } from "../../../http/api.ts";
import { registerBody } from "../../../services/schemas.ts";
import { me } from "../../../http/serialize.ts";

export const handler: Handlers<unknown, AppState> = {
  async POST(req, ctx) {
    const body = await readJson(req, registerBody);
    const { user, accessToken, refreshToken, expiresIn } = await register(authDeps(ctx.state.app), body, {
      ip: ctx.state.ip,
    });
    return json({ user: me(user), accessToken, refreshToken, expiresIn }, {
      status: 201,
      headers: { location: `/api/users/${user.id}` },
    });
  },
};
