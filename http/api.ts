// Reading requests and writing answers for /api: JSON bodies with size, type and shape checks; strict zod schemas;
// domain errors as problem+json (API.md, Conventions).
import { z } from "zod";
import {
  AuthenticationError,
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  RateLimitError,
  UnavailableError,
  UnsupportedMediaError,
  ValidationError,
} from "../services/errors.ts";
import { problem } from "./problem.ts";

export const MAX_BODY_BYTES = 64 * 1024;
const MAX_DEPTH = 16;
const MAX_ARRAY = 1000;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** A request the server will not read: malformed (400), too large (413), wrong type (415). */
export class HttpProblem extends Error {
  constructor(readonly status: 400 | 413 | 415, readonly title: string, message: string) {
    super(message);
  }
}

/** Reads a body of at most MAX_BODY_BYTES; a larger one (declared or streamed) is a 413 with `tooLarge`. */
export async function readCapped(
  req: Request,
  tooLarge: string | (() => Error) = `Bodies are limited to ${MAX_BODY_BYTES} bytes.`,
  max = MAX_BODY_BYTES,
): Promise<Uint8Array<ArrayBuffer>> {
  const refuse = () => typeof tooLarge === "string" ? new HttpProblem(413, "Content Too Large", tooLarge) : tooLarge();
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > max) throw refuse();
  if (!req.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body) {
    size += chunk.byteLength;
    if (size > max) throw refuse();
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) out.set(c, at), at += c.byteLength;
  return out;
}

// JSON.parse accepts any depth and keys like __proto__; walk once to refuse what no client of this API sends.
function checkShape(value: unknown, path: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new ValidationError("The body is nested too deeply.", [{ path, message: "too deep" }]);
  if (Array.isArray(value)) {
    if (value.length > MAX_ARRAY) {
      throw new ValidationError("A list in the body is too long.", [{ path, message: `at most ${MAX_ARRAY} items` }]);
    }
    value.forEach((v, i) => checkShape(v, `${path}[${i}]`, depth + 1));
  } else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) {
        throw new ValidationError(`The field ${at} is not allowed.`, [{ path: at, message: "is not allowed" }]);
      }
      checkShape(v, at, depth + 1);
    }
  }
}

export function fieldIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => ({ path: path ? `${path}.${k}` : k, message: "is not a field you can set" }));
    }
    return [{ path, message: issue.message }];
  }).flat();
}

/** Parses with a strict schema; any mismatch is a ValidationError naming each field. */
export function validate<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError("Some fields are not valid.", fieldIssues(result.error));
  return result.data;
}

/**
 * Reads a JSON body (64 KiB at most) and validates it against a strict schema. An empty body (none sent, whatever
 * the headers say) is validated as `{}`: a POST without a body means "no options", not a body of the wrong type.
 */
export async function readJson<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T>> {
  const bytes = await readCapped(req);
  if (bytes.byteLength === 0) return validate(schema, {});
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)) {
    throw new HttpProblem(415, "Unsupported Media Type", "Send the body as application/json.");
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new HttpProblem(400, "Bad Request", "The body is not valid JSON.");
  }
  checkShape(value, "", 0);
  return validate(schema, value);
}

/** Reads the query string as single values and validates it against a strict schema. */
export function readQuery<T extends z.ZodType>(url: URL, schema: T): z.infer<T> {
  const values: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key in values) throw new ValidationError(`Give ${key} once.`, [{ path: key, message: "is repeated" }]);
    values[key] = value;
  }
  return validate(schema, values);
}

/** JSON with its length stated (so large answers get compressed) and no caching of personal data. */
export function json(data: unknown, init: ResponseInit = {}): Response {
  const body = new TextEncoder().encode(JSON.stringify(data));
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("content-length", String(body.byteLength));
  if (!headers.has("cache-control")) headers.set("cache-control", "no-store");
  return new Response(body, { ...init, headers });
}

const STATUS: [new (...args: never[]) => DomainError, number, string][] = [
  [ValidationError, 422, "Unprocessable Content"],
  [NotFoundError, 404, "Not Found"],
  [AuthenticationError, 401, "Unauthorized"],
  [ForbiddenError, 403, "Forbidden"],
  [ConflictError, 409, "Conflict"],
  [RateLimitError, 429, "Too Many Requests"],
  [UnavailableError, 503, "Service Unavailable"],
  [UnsupportedMediaError, 415, "Unsupported Media Type"],
];

/** The problem+json answer for a known error, or null for anything else (which then becomes a 500). */
export function problemFor(error: unknown): Response | null {
  if (error instanceof HttpProblem) return problem({ status: error.status, title: error.title, detail: error.message });
  if (!(error instanceof DomainError)) return null;
  const [, status, title] = STATUS.find(([type]) => error instanceof type) ?? [DomainError, 400, "Bad Request"];
  const headers = new Headers();
  if (error instanceof AuthenticationError) headers.set("www-authenticate", 'Bearer realm="prok"');
  const retryAfter = error instanceof RateLimitError || error instanceof UnavailableError ||
      error instanceof ConflictError
    ? error.retryAfterSeconds
    : undefined;
  if (retryAfter !== undefined) headers.set("retry-after", String(Math.max(1, retryAfter)));
  return problem({
    status,
    title,
    type: status === 422 ? "/problems/validation" : undefined,
    detail: error.message,
    errors: error instanceof ValidationError ? error.issues : undefined,
  }, headers);
}
