import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { ComposePage, type ComposePageProps } from "../../components/ComposePage.tsx";
import { assertFormSameSite, formFailure, NO_STORE, readForm, signInFirst, textFields } from "../../http/forms.ts";
import { csrfToken } from "../../http/session.ts";

// The page a post with photos is written on without JavaScript; the feed's "Add photos" brings the typed text here.
export const handler: Handlers<ComposePageProps, AppState> = {
  async GET(_req, ctx) {
    if (!ctx.state.session.caller) return signInFirst("/posts/new");
    const csrf = await csrfToken(ctx.state.app, ctx.state.session);
    return ctx.render({ csrf, content: "" }, { headers: NO_STORE });
  },
  async POST(req, ctx) {
    if (!ctx.state.session.caller) return signInFirst("/posts/new");
    const csrf = await csrfToken(ctx.state.app, ctx.state.session);
    try {
      const form = await readForm(req);
      assertFormSameSite(req, ctx, form);
      const content = textFields(form, ["content"]).content.replace(/\r\n?/g, "\n");
      return ctx.render({ csrf, content }, { headers: NO_STORE });
    } catch (err) {
      const failure = formFailure(ctx, err, {});
      if (!failure) throw err;
      return ctx.render({ csrf, content: "", problem: failure.problem }, {
        status: failure.status,
        headers: failure.headers,
      });
    }
  },
};

export default function NewPost({ data }: PageProps<ComposePageProps>) {
  return <ComposePage {...data} />;
}
