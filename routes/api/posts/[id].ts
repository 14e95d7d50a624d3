import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { deletePost, getPostView, updatePost } from "../../../services/posts.ts";
import { json, readJson } from "../../../http/api.ts";
import { postPatch } from "../../../services/schemas.ts";
import { postJson } from "../../../http/serialize.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    requireCaller(ctx.state.session);
    return json(postJson(await getPostView(domainDeps(ctx.state.app), ctx.params.id)));
  },
  async PUT(req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    const patch = await readJson(req, postPatch);
    return json(postJson(await updatePost(domainDeps(ctx.state.app), user, ctx.params.id, patch)));
  },
  async DELETE(_req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    await deletePost(domainDeps(ctx.state.app), user, ctx.params.id);
    return new Response(null, { status: 204 });
  },
};
