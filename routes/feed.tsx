import type { FreshContext, Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import { domainDeps } from "../services/app.ts";
import { listProblem } from "../http/pages.ts";
import { createPost, homeFeed, type PostsPageView } from "../services/posts.ts";
import type { User } from "../services/store/model.ts";
import { FeedPage, type FeedPageProps } from "../components/FeedPage.tsx";
import type { FormState } from "../components/forms.tsx";
import { MAX_BODY_BYTES, validate } from "../http/api.ts";
import {
  assertFormSameSite,
  formFailure,
  formState,
  NO_STORE,
  readForm,
  seeOther,
  signInFirst,
  textFields,
} from "../http/forms.ts";
import { postBody } from "../services/schemas.ts";
import { postCard } from "../http/serialize.ts";
import { formImages, readUploadForm } from "../http/uploads.ts";
import { assertUploadRoom, MAX_POST_MEDIA, uploadPostImages } from "../services/media/media.ts";

const LABELS = { content: "Your post" };
const PAGE_SIZE = 20;

/** The feed page at `cursor` (the newest posts without one); a cursor that is not ours is a 422 with a way back. */
async function renderFeed(
  ctx: FreshContext<AppState>,
  user: User,
  form: FormState,
  init: { status?: number; headers: Record<string, string> },
  cursor?: string,
): Promise<Response> {
  let page: PostsPageView = { items: [], nextCursor: null };
  let problem: string | undefined;
  let status = init.status ?? 200;
  try {
    page = await homeFeed(domainDeps(ctx.state.app), user, { limit: PAGE_SIZE, cursor });
  } catch (err) {
    const failure = listProblem(err, "page of your feed");
    if (!failure) throw err;
    ({ status, problem } = failure);
  }
  const data: FeedPageProps = {
    composer: { csrf: form.csrf, value: form.values.content ?? "", error: form.errors.content ?? form.problem },
    posts: page.items.map(postCard),
    nextCursor: page.nextCursor,
    paged: cursor !== undefined,
    problem,
    now: new Date(),
  };
  return ctx.render(data, { status, headers: init.headers });
}

export const handler: Handlers<FeedPageProps, AppState> = {
  async GET(_req, ctx) {
    const caller = ctx.state.session.caller;
    if (!caller) return signInFirst("/feed");
    const cursor = ctx.url.searchParams.get("cursor") || undefined;
    return await renderFeed(ctx, caller.user, await formState(ctx), { headers: NO_STORE }, cursor);
  },
  // The Composer without JavaScript.
  async POST(req, ctx) {
    const caller = ctx.state.session.caller;
    if (!caller) return signInFirst("/feed");
    let content = "";
    try {
      // With images the form is multipart (and larger than any text form may be).
      const multipart = req.headers.get("content-type")?.startsWith("multipart/form-data");
      // A body of photos is only read for a member with uploads left (a form with none is small anyway).
      if (multipart && Number(req.headers.get("content-length")) > MAX_BODY_BYTES) {
        await assertUploadRoom(domainDeps(ctx.state.app), caller.user);
      }
      const form = multipart ? await readUploadForm(req, ctx.url, MAX_POST_MEDIA) : await readForm(req);
      // Browsers send a textarea's line breaks as CRLF; one break is one character, as the counter counted it.
      content = textFields(form, ["content"]).content.replace(/\r\n?/g, "\n");
      assertFormSameSite(req, ctx, form);
      // Only blanks is no post, as the Composer's disabled button says with JavaScript.
      const input = validate(postBody, { content: content.trim() ? content : "" });
      const deps = domainDeps(ctx.state.app);
      const mediaIds = await uploadPostImages(deps, caller.user, await formImages(form));
      await createPost(deps, caller.user, { ...input, mediaIds });
      return seeOther("/feed");
    } catch (err) {
      const failure = formFailure(ctx, err, LABELS);
      if (!failure) throw err;
      const form = await formState(ctx, { content }, failure);
      return await renderFeed(ctx, caller.user, form, failure);
    }
  },
};

export default function Feed({ data }: PageProps<FeedPageProps>) {
  return <FeedPage {...data} />;
}
