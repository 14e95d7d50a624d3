import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { createPost, homeFeed, listPosts, type PostView } from "../../../services/posts.ts";
import { json, readJson, readQuery } from "../../../http/api.ts";
import { answer, idempotent } from "../../../http/idempotency.ts";
import { postBody, postsQuery } from "../../../services/schemas.ts";
import { postJson } from "../../../http/serialize.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    const { feed, authorId, limit, cursor } = readQuery(ctx.url, postsQuery);
    const deps = domainDeps(ctx.state.app);
    const page = authorId || feed === "all"
      ? await listPosts(deps, { authorId, limit, cursor })
      : await homeFeed(deps, user, { limit, cursor });
    return json({ items: page.items.map(postJson), nextCursor: page.nextCursor });
  },
  async POST(req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    const body = await readJson(req, postBody);
    const created = (view: PostView) => answer(201, postJson(view), `/api/posts/${view.post.id}`);
    return await idempotent(req, ctx.state.app.store, user.id, body, async (claim) => {
      return created(await createPost(domainDeps(ctx.state.app), user, body, claim?.answering(created)));
    });
  },
};
