import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { domainDeps } from "../../services/app.ts";
import { getPostView } from "../../services/posts.ts";
import { PostPage, type PostPageProps } from "../../components/PostPage.tsx";
import { NO_STORE, signInFirst } from "../../http/forms.ts";
import { idParam } from "../../services/schemas.ts";
import { postCard } from "../../http/serialize.ts";
import { csrfToken } from "../../http/session.ts";

// Posts are for members: a visitor signs in first and comes back here.
export const handler: Handlers<PostPageProps, AppState> = {
  async GET(_req, ctx) {
    const { caller } = ctx.state.session;
    const id = ctx.params.id;
    if (!caller) return signInFirst(`/posts/${encodeURIComponent(id)}`);
    if (!idParam.safeParse(id).success) return ctx.renderNotFound();
    const view = await getPostView(domainDeps(ctx.state.app), id);
    const mayDelete = view.post.authorId === caller.user.id || caller.user.role === "admin";
    return ctx.render({
      post: postCard(view),
      now: new Date(),
      deleteCsrf: mayDelete ? await csrfToken(ctx.state.app, ctx.state.session) : undefined,
    }, { headers: NO_STORE });
  },
};

export default function Post({ data }: PageProps<PostPageProps>) {
  return <PostPage {...data} />;
}
