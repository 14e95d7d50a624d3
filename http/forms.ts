// Reading HTML form posts for the pages: capped bodies, allow-listed fields, safe redirects, and domain errors turned
// into what a form shows (a status, a summary, a sentence next to each field). The pages work without JavaScript.
import type { FreshContext } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import type { FormState } from "../components/forms.tsx";
import type { User } from "../services/store/model.ts";
import {
  AuthenticationError,
  ConflictError,
  DomainError,
  ForbiddenError,
  RateLimitError,
  UnsupportedMediaError,
  ValidationError,
} from "../services/errors.ts";
import type { SignedIn } from "../services/auth.ts";
import { HttpProblem, readCapped } from "./api.ts";
import { assertSameSite, cookieNames, csrfToken, sessionCookies, type SessionState } from "./session.ts";

/** Form pages carry a CSRF token and personal data: never cached. */
export const NO_STORE = { "cache-control": "no-store" };

const TOO_LARGE = "The form is too large to send (the limit is 64 KiB). Shorten the longest text and try again.";

/** Reads a urlencoded or multipart form of at most 64 KiB; 413 when larger, 400 when it is not a form. */
export async function readForm(req: Request): Promise<FormData> {
  const body = await readCapped(req, TOO_LARGE);
  const type = req.headers.get("content-type") ?? "";
  try {
    return await new Response(body, { headers: { "content-type": type } }).formData();
  } catch {
    throw new HttpProblem(400, "Bad Request", "The form could not be read. Reload the page and send it again.");
  }
}

/**
 * Refuses (403) a post from another site or without this visitor's CSRF token, sign-in included. Call it before
 * acting on the form; reading the fields first only lets a refused form be shown again as it was typed.
 */
export function assertFormSameSite(req: Request, ctx: FreshContext<AppState>, form: FormData): void {
  const token = form.get("_csrf");
  const { app, session } = ctx.state;
  assertSameSite(req, ctx.url, app, session, typeof token === "string" ? token : null, "everyone");
}

/** The named text fields of a form (files and unknown fields are ignored; a missing field is ""). */
export function textFields<K extends string>(form: FormData, names: readonly K[]): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const name of names) {
    const value = form.get(name);
    out[name] = typeof value === "string" ? value : "";
  }
  return out;
}

// Backslashes (browsers read them as "/") and control characters (URL parsers drop tabs and newlines).
// deno-lint-ignore no-control-regex
const UNSAFE_IN_PATH = /[\\\u0000-\u001F\u007F]/;
const BASE = "http://prok.invalid";

/**
 * The one check for a redirect target that came from input (`?next=`, a form's `next`): a same-site path, or null.
 * The path is normalised first (dot segments, `%2e`) and judged as the browser will read it: it must start with
 * exactly one "/", never "//host" or "/\\host" (nor "/%2f%2fhost": a later decode must not make one); no scheme and
 * no control characters.
 */
export function safeNext(raw: string | null | undefined): string | null {
  if (!raw || raw.length > 2048 || !raw.startsWith("/") || UNSAFE_IN_PATH.test(raw)) return null;
  let url: URL;
  let decoded: string;
  try {
    url = new URL(raw, BASE);
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (url.origin !== BASE || !startsWithOneSlash(url.pathname) || !startsWithOneSlash(decoded)) return null;
  return url.pathname + url.search + url.hash;
}

const startsWithOneSlash = (path: string) => path.startsWith("/") && path[1] !== "/" && path[1] !== "\\";

/** `/login?next=...` (or just `/login`) for a path the visitor should come back to; an unsafe `next` is dropped. */
export function withNext(path: string, next: string | null): string {
  const safe = safeNext(next);
  return safe ? `${path}?next=${encodeURIComponent(safe)}` : path;
}

/** 303 to the sign-in page, which brings the visitor back to `next` (a path of ours) once signed in. */
export function signInFirst(next: string): Response {
  return seeOther(withNext("/login", next));
}

/** A member's profile page. */
export function profilePath(id: string): string {
  return `/in/${encodeURIComponent(id)}`;
}

/** 303 See Other: the answer to a form post that worked. */
export function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { location } });
}

/**
 * Replaces the session cookies this response will set (a self-refresh earlier in the request would otherwise be
 * applied after, and win over, a sign-in or sign-out).
 */
export function setSessionCookies(session: SessionState, cookies: string[]): void {
  const { access, refresh } = cookieNames(session.secure);
  session.setCookies = session.setCookies.filter((c) => !c.startsWith(`${access}=`) && !c.startsWith(`${refresh}=`));
  session.setCookies.push(...cookies);
}

/** A form to show again: its token, the values to keep, and what went wrong. */
export async function formState(
  ctx: FreshContext<AppState>,
  values: Record<string, string> = {},
  failure?: FormFailure,
): Promise<FormState> {
  return {
    csrf: await csrfToken(ctx.state.app, ctx.state.session),
    values,
    errors: failure?.errors ?? {},
    problem: failure?.problem,
  };
}

/** What the sign-in and join pages render: the form and where to go afterwards. */
export interface SignedOutFormData {
  form: FormState;
  next: string | null;
}

/** GET of a form for signed-out visitors; a signed-in visitor goes where they were headed, or to their profile. */
export async function signedOutForm(ctx: FreshContext<AppState>): Promise<Response> {
  const next = safeNext(ctx.url.searchParams.get("next"));
  const caller = ctx.state.session.caller;
  if (caller) return seeOther(next ?? profilePath(caller.user.id));
  return ctx.render({ form: await formState(ctx), next } satisfies SignedOutFormData, { headers: NO_STORE });
}

/**
 * POST of the sign-in and join forms: read the fields, check the CSRF token, act, start the session and go on; or
 * show the form again with what went wrong. `read` returns the values to keep on the form and the action to take.
 */
export async function submitSignedOutForm(
  req: Request,
  ctx: FreshContext<AppState>,
  labels: Record<string, string>,
  read: (form: FormData) => { kept: Record<string, string>; act: () => Promise<SignedIn> },
): Promise<Response> {
  const next = safeNext(ctx.url.searchParams.get("next"));
  let values: Record<string, string> = {};
  try {
    const form = await readForm(req);
    const { kept, act } = read(form);
    values = kept;
    assertFormSameSite(req, ctx, form);
    const signedIn = await act();
    setSessionCookies(ctx.state.session, sessionCookies(signedIn, ctx.state.session.secure));
    return seeOther(next ?? profilePath(signedIn.user.id));
  } catch (err) {
    const failure = formFailure(ctx, err, labels);
    if (!failure) throw err;
    const form = await formState(ctx, values, failure);
    return ctx.render({ form, next } satisfies SignedOutFormData, { status: failure.status, headers: failure.headers });
  }
}

export interface FormFailure {
  status: number;
  /** What went wrong as a whole, for the summary. */
  problem?: string;
  /** A sentence per field name. */
  errors: Record<string, string>;
  headers: Record<string, string>;
}

function wait(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

/**
 * What a form shows for an error, or null for an error that is not the visitor's (it becomes the 500 page).
 * `labels` names the fields so that each message reads as a sentence ("First name must not be empty.").
 */
export function formFailure(
  ctx: FreshContext<AppState>,
  err: unknown,
  labels: Record<string, string>,
): FormFailure | null {
  const headers: Record<string, string> = { ...NO_STORE };
  if (err instanceof HttpProblem) return { status: err.status, problem: err.message, errors: {}, headers };
  if (!(err instanceof DomainError)) return null;
  if (err instanceof ValidationError) {
    // One sentence per field (its first issue), in the order the form shows the fields.
    const order = Object.keys(labels);
    const rank = (field: string) => (order.indexOf(field) + 1) || order.length + 1;
    const errors: Record<string, string> = {};
    for (const issue of [...err.issues].sort((a, b) => rank(a.path.split(".")[0]) - rank(b.path.split(".")[0]))) {
      const field = issue.path.split(".")[0];
      errors[field] ??= `${labels[field] ?? field} ${issue.message}.`;
    }
    const problem = Object.keys(errors).length ? undefined : err.message;
    return { status: 422, problem, errors, headers };
  }
  if (err instanceof ConflictError) {
    const field = err.field ?? "";
    if (field === "email") {
      return { status: 409, errors: { email: "An account with this email already exists. Sign in instead." }, headers };
    }
    return { status: 409, problem: err.message, errors: {}, headers };
  }
  if (err instanceof RateLimitError) {
    const seconds = Math.max(1, err.retryAfterSeconds);
    headers["retry-after"] = String(seconds);
    return { status: 429, problem: `Too many attempts. Wait ${wait(seconds)} and try again.`, errors: {}, headers };
  }
  if (err instanceof AuthenticationError) return { status: 401, problem: err.message, errors: {}, headers };
  if (err instanceof UnsupportedMediaError) return { status: 415, problem: err.message, errors: {}, headers };
  if (err instanceof ForbiddenError) {
    ctx.state.app.log({ msg: "form refused", reason: err.message, path: ctx.url.pathname, ip: ctx.state.ip });
    return {
      status: 403,
      problem: "This form had expired or did not come from Prok's own pages, so nothing was changed. " +
        "Check the details and send it again.",
      errors: {},
      headers,
    };
  }
  return { status: 400, problem: err.message, errors: {}, headers };
}

/** The profile form's fields as a member's profile fills them. */
export function profileValues(user: User): Record<string, string> {
  return {
    firstName: user.firstName,
    lastName: user.lastName,
    headline: user.headline,
    location: user.location,
    bio: user.bio,
  };
}
