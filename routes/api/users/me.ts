import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { json } from "../../(_http)/api.ts";
import { me } from "../../(_http)/serialize.ts";
import { requireCaller } from "../../(_http)/session.ts";

export const handler: Handlers<unknown, AppState> = {
  GET(_req, ctx) {
    return json(me(requireCaller(ctx.state.session).user));
  },
};
