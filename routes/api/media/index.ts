import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { assertUploadRoom, mediaView, uploadMedia } from "../../../services/media/media.ts";
import { json } from "../../../http/api.ts";
import { mediaJson } from "../../../http/serialize.ts";
import { readUpload } from "../../../http/uploads.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async POST(req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    const deps = domainDeps(ctx.state.app);
    await assertUploadRoom(deps, user);
    const { bytes, purpose } = await readUpload(req, ctx.url);
    const media = await uploadMedia(deps, user, bytes, purpose);
    return json(mediaJson(mediaView(media)), { status: 201, headers: { location: `/api/media/${media.id}` } });
  },
};
