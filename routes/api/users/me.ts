import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { json } from "../../../http/api.ts";
import { me } from "../../../http/serialize.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  GET(_req, ctx) {
    return json(me(requireCaller(ctx.state.session).user));
  },
};
