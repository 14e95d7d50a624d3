import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { deleteMedia, mediaView, ownMedia, setMediaAlt } from "../../../services/media/media.ts";
import { json, readJson } from "../../../http/api.ts";
import { mediaPatch } from "../../../services/schemas.ts";
import { mediaJson } from "../../../http/serialize.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    return json(mediaJson(mediaView(await ownMedia(domainDeps(ctx.state.app), user, ctx.params.id))));
  },
  async PUT(req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    const { alt } = await readJson(req, mediaPatch);
    return json(mediaJson(mediaView(await setMediaAlt(domainDeps(ctx.state.app), user, ctx.params.id, alt))));
  },
  async DELETE(_req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    await deleteMedia(domainDeps(ctx.state.app), user, ctx.params.id);
    return new Response(null, { status: 204 });
  },
};
