import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { deleteAccount, updateProfile, viewMember } from "../../../services/users.ts";
import { json, readJson } from "../../../http/api.ts";
import { profilePatch } from "../../../services/schemas.ts";
import { me, publicUser } from "../../../http/serialize.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const caller = requireCaller(ctx.state.session);
    const { user, relation } = await viewMember(domainDeps(ctx.state.app), caller.user, ctx.params.id);
    return json(user.id === caller.user.id ? me(user) : publicUser(user, relation));
  },
  async PUT(req, ctx) {
    const caller = requireCaller(ctx.state.session);
    const patch = await readJson(req, profilePatch);
    const { user, relation } = await updateProfile(domainDeps(ctx.state.app), caller.user, ctx.params.id, patch);
    return json(user.id === caller.user.id ? me(user) : publicUser(user, relation));
  },
  async DELETE(_req, ctx) {
    const caller = requireCaller(ctx.state.session);
    await deleteAccount(domainDeps(ctx.state.app), caller.user, ctx.params.id);
    return new Response(null, { status: 204 });
  },
};
