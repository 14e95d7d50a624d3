import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import { logout } from "../services/auth.ts";
import { authDeps } from "../services/app.ts";
import { CsrfField, ErrorSummary, FormCard, type FormState, SubmitButton } from "../components/forms.tsx";
import {
  assertFormSameSite,
  formFailure,
  formState,
  NO_STORE,
  readForm,
  seeOther,
  setSessionCookies,
} from "../http/forms.ts";
import { clearedSessionCookies } from "../http/session.ts";

// The header's "Sign out" button posts here. GET shows the same button on its own (and is where a refused post
// lands), so signing out works without JavaScript and can never be triggered by a link or an image.
export const handler: Handlers<FormState, AppState> = {
  async GET(_req, ctx) {
    if (!ctx.state.session.caller) return seeOther("/");
    return ctx.render(await formState(ctx), { headers: NO_STORE });
  },
  async POST(req, ctx) {
    const { session } = ctx.state;
    try {
      assertFormSameSite(req, ctx, await readForm(req));
    } catch (err) {
      const failure = formFailure(ctx, err, {});
      if (!failure) throw err;
      return ctx.render(await formState(ctx, {}, failure), { status: failure.status, headers: failure.headers });
    }
    if (session.caller) await logout(authDeps(ctx.state.app), session.caller.session);
    setSessionCookies(session, clearedSessionCookies(session.secure));
    return seeOther("/");
  },
};

export default function Logout({ data }: PageProps<FormState>) {
  return (
    <>
      <Head>
        <title>Sign out — Prok</title>
      </Head>
      <FormCard title="Sign out" intro="Sign out of Prok on this device?">
        <ErrorSummary form={data} />
        <form method="post" action="/logout">
          <CsrfField token={data.csrf} />
          <SubmitButton>Sign out</SubmitButton>
        </form>
      </FormCard>
    </>
  );
}
