import type { ComponentChildren } from "preact";

/** A form as a page shows it: its CSRF token, the values to keep, and what went wrong. */
export interface FormState {
  csrf: string;
  values: Record<string, string>;
  /** A sentence per field name, shown next to the field and in the summary. */
  errors: Record<string, string>;
  /** What went wrong as a whole (wrong credentials, an expired form, too many attempts). */
  problem?: string;
}

export const FOCUS = "focus:outline-none focus:ring-2 focus:ring-offset-2 focus:ring-brand-600";
const CONTROL = "mt-1 block w-full rounded-md border bg-white px-3 py-2 text-gray-900 shadow-sm " +
  "focus:outline-none focus:ring-2 focus:ring-brand-600 focus:border-brand-600";

export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

export interface FieldProps {
  name: string;
  label: string;
  /** Defaults to the name; must be unique on the page (the summary links to it). */
  id?: string;
  value?: string;
  error?: string;
  hint?: string;
  type?: "text" | "email" | "password" | "url";
  autocomplete?: string;
  maxlength?: number;
  minlength?: number;
  required?: boolean;
  /** A textarea with this many rows. */
  rows?: number;
}

/** A labelled text field with its hint and error tied to it for assistive technology. */
export function Field(props: FieldProps) {
  const id = props.id ?? props.name;
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    name: props.name,
    required: props.required,
    maxlength: props.maxlength,
    minlength: props.minlength,
    "aria-describedby": describedBy,
    "aria-invalid": props.error ? ("true" as const) : undefined,
    class: `${CONTROL} ${props.error ? "border-red-700" : "border-gray-500"}`,
  };
  return (
    <div class="mt-4">
      <label for={id} class="block text-sm font-semibold text-gray-900">
        {props.label}
        {!props.required && <span class="ml-1 font-normal text-gray-600">(optional)</span>}
      </label>
      {props.hint && <p id={hintId} class="mt-1 text-sm text-gray-600">{props.hint}</p>}
      {props.error && <p id={errorId} class="mt-1 text-sm font-medium text-red-700">{props.error}</p>}
      {props.rows ? <textarea {...common} rows={props.rows}>{props.value ?? ""}</textarea> : (
        <input
          {...common}
          type={props.type ?? "text"}
          value={props.value}
          autocomplete={props.autocomplete}
          spellcheck={props.type === "email" || props.type === "url" ? false : undefined}
          autocapitalize={props.type === "email" || props.type === "url" ? "none" : undefined}
        />
      )}
    </div>
  );
}

export function Checkbox(props: { name: string; label: string; checked?: boolean; hint?: string }) {
  const hintId = props.hint ? `${props.name}-hint` : undefined;
  return (
    <div class="mt-4 flex items-start gap-2">
      <input
        id={props.name}
        name={props.name}
        type="checkbox"
        value="yes"
        checked={props.checked}
        aria-describedby={hintId}
        class={`mt-1 h-4 w-4 rounded border-gray-500 text-brand-700 ${FOCUS}`}
      />
      <div>
        <label for={props.name} class="text-sm font-semibold text-gray-900">{props.label}</label>
        {props.hint && <p id={hintId} class="text-sm text-gray-600">{props.hint}</p>}
      </div>
    </div>
  );
}

/**
 * What went wrong, at the top of the form: announced when the page loads, focused so that keyboard and screen
 * reader users start there, and linking to each field with a problem.
 */
export function ErrorSummary(props: { form: FormState; id?: string; ids?: Record<string, string>; level?: 2 | 3 }) {
  const Heading = props.level === 3 ? "h3" : "h2";
  const titleId = `${props.id ?? "error-summary"}-title`;
  const fields = Object.entries(props.form.errors);
  if (!props.form.problem && fields.length === 0) return null;
  return (
    <div
      role="alert"
      tabIndex={-1}
      autofocus
      aria-labelledby={titleId}
      class="mt-6 rounded-md border-2 border-red-700 bg-red-50 p-4 focus:outline-none focus:ring-2 focus:ring-red-700"
    >
      <Heading id={titleId} class="font-semibold text-red-800">
        {fields.length ? "Please check the form" : "That didn't work"}
      </Heading>
      {props.form.problem && <p class="mt-1 text-red-800">{props.form.problem}</p>}
      {fields.length > 0 && (
        <ul class="mt-2 list-disc pl-5">
          {fields.map(([name, message]) => (
            <li key={name}>
              <a href={`#${props.ids?.[name] ?? name}`} class={`text-red-800 underline ${FOCUS}`}>{message}</a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A link in running text. */
export const LINK = `font-semibold text-brand-700 underline ${FOCUS}`;

/** Why a page cannot show what was asked (a forged link, a search that failed), with the way back. */
export function ProblemNotice(
  props: { children: ComponentChildren; back?: { href: string; label: string }; tight?: boolean },
) {
  return (
    <p
      role="alert"
      class={`${props.tight ? "mt-4" : "mt-6"} rounded-md border-2 border-red-700 bg-red-50 p-4 text-red-800`}
    >
      {props.children}
      {props.back && (
        <>
          {" "}
          <a href={props.back.href} class={LINK}>{props.back.label}</a>
        </>
      )}
    </p>
  );
}

/** A quiet confirmation ("Your profile was saved."). */
export function Notice(props: { children: ComponentChildren }) {
  return (
    <p role="status" class="mt-6 rounded-md border border-green-700 bg-green-50 p-4 text-green-900">
      {props.children}
    </p>
  );
}

export function SubmitButton(props: { children: ComponentChildren; danger?: boolean }) {
  const colour = props.danger ? "bg-red-700 hover:bg-red-800" : "bg-brand-700 hover:bg-brand-800";
  return (
    <button type="submit" class={`mt-6 rounded-full px-6 py-2.5 font-semibold text-white ${colour} ${FOCUS}`}>
      {props.children}
    </button>
  );
}

/** The white card an account form sits in, with its title. */
export function FormCard(props: { title: string; children: ComponentChildren; intro?: ComponentChildren }) {
  return (
    <section
      aria-labelledby="form-title"
      class="mx-auto max-w-md rounded-lg border border-gray-200 bg-white p-6 shadow-sm"
    >
      <h1 id="form-title" class="text-2xl font-bold text-gray-900">{props.title}</h1>
      {props.intro && <p class="mt-2 text-gray-700">{props.intro}</p>}
      {props.children}
    </section>
  );
}
