// A small API client for app tests: JSON in and out through the in-process handler.
import { assert, assertEquals } from "../framework/testing/assert.ts";
import type { TestApp } from "./testing.ts";
import { openApiDocument } from "../http/openapi.ts";
import { type ResourceName, RESOURCES } from "../http/resources.ts";

export type Json = Record<string, unknown>;

export async function call(
  t: TestApp,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
  headers: HeadersInit = {},
) {
  const h = new Headers(headers);
  if (body !== undefined && !h.has("content-type")) h.set("content-type", "application/json");
  if (token) h.set("authorization", `Bearer ${token}`);
  const res = await t.fetch(path, {
    method,
    headers: h,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) as Json : {};
  assertDocumented(method, path, res.status, json);
  return { status: res.status, headers: res.headers, text, json };
}

type Documented = Record<string, Record<string, { responses: Record<string, { content?: Json }> }>>;
const documented = Object.entries(openApiDocument("http://localhost").paths as Documented).map(([template, ops]) => ({
  pattern: new RegExp(`^${template.replace("{id}", "[^/]+")}$`),
  ops,
}));

/**
 * Every answer an app test gets is checked against the schema the OpenAPI document gives for its operation and
 * status, so a serialiser that drifts from resources.ts fails whichever test meets it.
 */
function assertDocumented(method: string, path: string, status: number, json: Json): void {
  const pathname = new URL(path, "http://localhost").pathname;
  const op = documented.find((d) => d.pattern.test(pathname))?.ops[method.toLowerCase()];
  const content = op?.responses[status]?.content;
  if (!content) return;
  const { schema } = Object.values(content)[0] as { schema: { $ref: string } };
  const name = schema.$ref.split("/").pop() as ResourceName;
  const result = RESOURCES[name].safeParse(json);
  assert(result.success, `${method} ${pathname} ${status} is not a ${name}: ${result.error?.message}`);
}

/**
 * A POST as Deno.serve hands over one sent without a body: no content-type, no content-length, and a body stream that
 * ends at once (a `new Request` without a body would have `body === null`, which a real server never gives).
 */
export async function postWithoutBody(t: TestApp, path: string, token?: string) {
  const headers = new Headers(token ? { authorization: `Bearer ${token}` } : {});
  const body = new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  const res = await t.fetch(path, { method: "POST", headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) as Json : {} };
}

let n = 0;
export function person(extra: Json = {}) {
  n++;
  return {
    email: `person${n}.${crypto.randomUUID().slice(0, 8)}@example.com`,
    password: "correct horse battery",
    firstName: "Ada",
    lastName: `Lovelace${n}`,
    ...extra,
  };
}

export async function signUp(t: TestApp, extra: Json = {}) {
  const body = person(extra);
  const res = await call(t, "POST", "/api/auth/register", body);
  assertEquals(res.status, 201, res.text);
  return { ...res.json, email: body.email, password: body.password } as Json & {
    user: Json & { id: string };
    accessToken: string;
    refreshToken: string;
    email: string;
    password: string;
  };
}

type Signed = Awaited<ReturnType<typeof signUp>>;

export function assertProblem(res: { status: number; headers: Headers; json: Json }, status: number) {
  assertEquals(res.status, status, JSON.stringify(res.json));
  assertEquals(res.headers.get("content-type"), "application/problem+json");
  assertEquals(res.json.status, status);
  assert(typeof res.json.title === "string");
}

/** Two members connected through the API, as members connect. */
export async function connected(t: TestApp): Promise<[Signed, Signed]> {
  const [a, b] = [await signUp(t), await signUp(t)];
  const invite = await call(t, "POST", "/api/connections", { receiverId: b.user.id }, a.accessToken);
  const res = await call(t, "PUT", `/api/connections/${invite.json.id}`, { status: "accepted" }, b.accessToken);
  assertEquals(res.status, 200, res.text);
  return [a, b];
}
