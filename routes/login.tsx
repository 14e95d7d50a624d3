import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import { login } from "../services/auth.ts";
import { authDeps } from "../services/app.ts";
import { ValidationError } from "../services/errors.ts";
import { CsrfField, ErrorSummary, Field, FOCUS, FormCard, SubmitButton } from "../components/forms.tsx";
import { validate } from "../http/api.ts";
import {
  signedOutForm,
  type SignedOutFormData as Data,
  submitSignedOutForm,
  textFields,
  withNext,
} from "../http/forms.ts";
import { loginBody } from "../services/schemas.ts";

const LABELS = { email: "Email", password: "Password" };

export const handler: Handlers<Data, AppState> = {
  GET: (_req, ctx) => signedOutForm(ctx),
  POST: (req, ctx) =>
    submitSignedOutForm(req, ctx, LABELS, (form) => {
      const { email, password } = textFields(form, ["email", "password"]);
      return {
        kept: { email },
        act: () => {
          const input = validate(loginBody, { email: email.trim(), password });
          // Not a sign-in attempt yet, so it costs no attempt against the account.
          const empty = Object.entries(input).filter(([, value]) => value === "");
          if (empty.length) {
            throw new ValidationError(
              "Fill in both fields.",
              empty.map(([path]) => ({ path, message: "must not be empty" })),
            );
          }
          return login(authDeps(ctx.state.app), input, { ip: ctx.state.ip });
        },
      };
    }),
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
