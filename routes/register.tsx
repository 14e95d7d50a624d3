import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import { register } from "../services/auth.ts";
import { authDeps } from "../services/app.ts";
import { Checkbox, CsrfField, ErrorSummary, Field, FOCUS, FormCard, SubmitButton } from "../components/forms.tsx";
import { validate } from "../http/api.ts";
import {
  signedOutForm,
  type SignedOutFormData as Data,
  submitSignedOutForm,
  textFields,
  withNext,
} from "../http/forms.ts";
import { registerBody } from "../services/schemas.ts";

const LABELS = { firstName: "First name", lastName: "Last name", email: "Email", password: "Password" };
const FIELDS = ["firstName", "lastName", "email", "password", "hiring"] as const;

export const handler: Handlers<Data, AppState> = {
  GET: (_req, ctx) => signedOutForm(ctx),
  POST: (req, ctx) =>
    submitSignedOutForm(req, ctx, LABELS, (form) => {
      const { hiring, password, ...kept } = textFields(form, FIELDS);
      return {
        kept: { ...kept, hiring },
        act: () => {
          const input = validate(registerBody, {
            ...kept,
            email: kept.email.trim(),
            password,
            role: hiring ? "recruiter" : "member",
          });
          return register(authDeps(ctx.state.app), input, { ip: ctx.state.ip });
        },
      };
    }),
};

export default function Register({ data }: PageProps<Data>) {
  const { form, next } = data;
  const v = form.values;
  return (
    <>
      <Head>
        <title>Join Prok</title>
      </Head>
      <FormCard title="Join Prok" intro="Make the most of your professional life.">
        <ErrorSummary form={form} />
        <form method="post" action={withNext("/register", next)}>
          <CsrfField token={form.csrf} />
          <Field
            name="firstName"
            label="First name"
            value={v.firstName}
            error={form.errors.firstName}
            autocomplete="given-name"
            maxlength={100}
            required
          />
          <Field
            name="lastName"
            label="Last name"
            value={v.lastName}
            error={form.errors.lastName}
            autocomplete="family-name"
            maxlength={100}
            required
          />
          <Field
            name="email"
            label="Email"
            type="email"
            value={v.email}
            error={form.errors.email}
            autocomplete="email"
            maxlength={255}
            required
          />
          <Field
            name="password"
            label="Password"
            type="password"
            hint="At least 8 characters. A few unrelated words make a strong one."
            error={form.errors.password}
            autocomplete="new-password"
            minlength={8}
            maxlength={256}
            required
          />
          <Checkbox
            name="hiring"
            label="I'm hiring"
            checked={!!v.hiring}
            hint="Recruiters can post jobs on Prok."
          />
          <SubmitButton>Create account</SubmitButton>
        </form>
        <p class="mt-6 text-gray-700">
          Already on Prok?{" "}
          <a href={withNext("/login", next)} class={`font-semibold text-brand-700 underline ${FOCUS}`}>Sign in</a>
        </p>
      </FormCard>
    </>
  );
}
