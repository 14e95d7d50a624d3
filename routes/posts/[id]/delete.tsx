import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { ForbiddenError } from "../../../services/errors.ts";
import { deletePost } from "../../../services/posts.ts";
import { Refusal } from "../../../components/Refusal.tsx";
import { assertFormSameSite, formFailure, NO_STORE, readForm, seeOther, signInFirst } from "../../../http/forms.ts";

interface Refused {
  back: string;
  problem: string;
}

const postPath = (id: string) => `/posts/${encodeURIComponent(id)}`;

// The delete button of a post's page. Only its author (or an admin) may; anyone else is told so (403).
export const handler: Handlers<Refused, AppState> = {
  GET: (_req, ctx) => seeOther(postPath(ctx.params.id)),
  async POST(req, ctx) {
    const { caller } = ctx.state.session;
    const id = ctx.params.id;
    if (!caller) return signInFirst(postPath(id));
    try {
      const form = await readForm(req);
      assertFormSameSite(req, ctx, form);
    } catch (err) {
      const failure = formFailure(ctx, err, {});
      if (!failure) throw err;
      return ctx.render({ back: postPath(id), problem: failure.problem ?? "" }, failure);
    }
    try {
      await deletePost(domainDeps(ctx.state.app), caller.user, id);
    } catch (err) {
      if (!(err instanceof ForbiddenError)) throw err;
      ctx.state.app.log({
        msg: "authorization failure",
        status: 403,
        method: req.method,
        path: ctx.url.pathname,
        userId: caller.user.id,
        ip: ctx.state.ip,
      });
      return ctx.render({ back: postPath(id), problem: err.message }, { status: 403, headers: NO_STORE });
    }
    return seeOther("/feed");
  },
};

export default function DeletePost({ data }: PageProps<Refused>) {
  return <Refusal title="The post was not deleted" backLabel="Back to the post" {...data} />;
}
