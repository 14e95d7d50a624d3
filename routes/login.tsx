import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import { login } from "../services/auth.ts";
import { authDeps } from "../services/app.ts";
import { ValidationError } from "../services/errors.ts";
import { CsrfField, ErrorSummary, Field, FOCUS, FormCard, SubmitButton } from "../components/forms.tsx";
import { validate } from "./(_http)/api.ts";
import {
  assertFormSameSite,
  formFailure,
  formState,
  profilePath,
  readForm,
  safeNext,
  seeOther,
  setSessionCookies,
  signedOutForm,
  type SignedOutFormData as Data,
  textFields,
  withNext,
} from "./(_http)/forms.ts";
import { loginBody } from "./(_http)/schemas.ts";
import { sessionCookies } from "./(_http)/session.ts";

const LABELS = { email: "Email", password: "Password" };

export const handler: Handlers<Data, AppState> = {
  GET: (_req, ctx) => signedOutForm(ctx),
  async POST(req, ctx) {
    const next = safeNext(ctx.url.searchParams.get("next"));
    let values: Record<string, string> = {};
    try {
      const form = await readForm(req);
      const { email, password } = textFields(form, ["email", "password"]);
      values = { email };
      await assertFormSameSite(req, ctx, form);
      const input = validate(loginBody, { email: email.trim(), password });
      // Not a sign-in attempt yet, so it costs no attempt against the account.
      const empty = Object.entries(input).filter(([, value]) => value === "");
      if (empty.length) {
        throw new ValidationError(
          "Fill in both fields.",
          empty.map(([path]) => ({ path, message: "must not be empty" })),
        );
      }
      const signedIn = await login(authDeps(ctx.state.app), input, { ip: ctx.state.ip });
      setSessionCookies(ctx.state.session, sessionCookies(signedIn, ctx.state.session.secure));
      return seeOther(next ?? profilePath(signedIn.user.id));
    } catch (err) {
      const failure = formFailure(ctx, err, LABELS);
      if (!failure) throw err;
      const form = await formState(ctx, values, failure);
      return ctx.render({ form, next }, { status: failure.status, headers: failure.headers });
    }
  },
};

export default function Login({ data }: PageProps<Data>) {
  const { form, next } = data;
  return (
    <>
      <Head>
        <title>Sign in — Prok</title>
      </Head>
      <FormCard title="Sign in" intro="Stay updated on your professional world.">
        <ErrorSummary form={form} />
        <form method="post" action={withNext("/login", next)}>
          <CsrfField token={form.csrf} />
          <Field
            name="email"
            label="Email"
            type="email"
            value={form.values.email}
            error={form.errors.email}
            autocomplete="email"
            maxlength={255}
            required
          />
          <Field
            name="password"
            label="Password"
            type="password"
            error={form.errors.password}
            autocomplete="current-password"
            maxlength={256}
            required
          />
          <SubmitButton>Sign in</SubmitButton>
        </form>
        <p class="mt-6 text-gray-700">
          New to Prok?{" "}
          <a href={withNext("/register", next)} class={`font-semibold text-brand-700 underline ${FOCUS}`}>Join now</a>
        </p>
      </FormCard>
    </>
  );
}
