// The media path: what PROK_MEDIA_BASE_URL's CDN fetches, or what browsers fetch when there is none. Only image
// variants the service wrote are served (services/media/urls.ts): never SVG, HTML or a résumé from here.
import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { serveMedia } from "../../http/media.ts";

export const handler: Handlers<unknown, AppState> = {
  GET: (req, ctx) => serveMedia(req, ctx.state.app.blobs, ctx.params.key),
  HEAD: (req, ctx) => serveMedia(req, ctx.state.app.blobs, ctx.params.key),
};
