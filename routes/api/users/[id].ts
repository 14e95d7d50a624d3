import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { usersDeps } from "../../../services/app.ts";
import { deleteAccount, getMember, updateProfile } from "../../../services/users.ts";
import { json, readJson } from "../../(_http)/api.ts";
import { profilePatch } from "../../(_http)/schemas.ts";
import { me, publicUser } from "../../(_http)/serialize.ts";
import { requireCaller } from "../../(_http)/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const caller = requireCaller(ctx.state.session);
    const user = await getMember(usersDeps(ctx.state.app), ctx.params.id);
    return json(user.id === caller.user.id ? me(user) : publicUser(user));
  },
  async PUT(req, ctx) {
    const caller = requireCaller(ctx.state.session);
    const patch = await readJson(req, profilePatch);
    const updated = await updateProfile(usersDeps(ctx.state.app), caller.user, ctx.params.id, patch);
    return json(updated.id === caller.user.id ? me(updated) : publicUser(updated));
  },
  async DELETE(_req, ctx) {
    const caller = requireCaller(ctx.state.session);
    await deleteAccount(usersDeps(ctx.state.app), caller.user, ctx.params.id);
    return new Response(null, { status: 204 });
  },
};
