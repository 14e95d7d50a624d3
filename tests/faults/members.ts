// What fault tests do as members, over the app's HTTP API: sign up, sign in, connect, read a home feed.
import { assertEquals } from "../../framework/testing/assert.ts";

export type Json = Record<string, unknown>;

export async function api(origin: string, method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(origin + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Json, text };
}

export interface Member {
  id: string;
  token: string;
  email: string;
  password: string;
}

export async function register(origin: string, name: string, lastName = "Stop"): Promise<Member> {
  const email = `${name}.${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = "correct horse battery";
  const res = await api(origin, "POST", "/api/auth/register", { email, password, firstName: name, lastName });
  assertEquals(res.status, 201, res.text);
  return { id: (res.json.user as Json).id as string, token: res.json.accessToken as string, email, password };
}

export async function signIn(origin: string, email: string, password: string): Promise<string> {
  const res = await api(origin, "POST", "/api/auth/login", { email, password });
  assertEquals(res.status, 200, res.text);
  return res.json.accessToken as string;
}

/** `from` invites `to` through `origin`, and `to` accepts through `acceptAt` (another instance, say). */
export async function connect(origin: string, from: Member, to: Member, acceptAt = origin): Promise<void> {
  const invite = await api(origin, "POST", "/api/connections", { receiverId: to.id }, from.token);
  assertEquals(invite.status, 201, invite.text);
  const accepted = await api(acceptAt, "PUT", `/api/connections/${invite.json.id}`, { status: "accepted" }, to.token);
  assertEquals(accepted.status, 200, accepted.text);
}

/** Every post id in the member's home feed (their timeline, filled by the fan-out), page by page. */
export async function homeFeedIds(origin: string, token: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const query: string = `/api/posts?feed=home&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const res = await api(origin, "GET", query, undefined, token);
    assertEquals(res.status, 200, res.text);
    for (const post of res.json.items as Json[]) ids.add(post.id as string);
    cursor = (res.json.nextCursor as string | null) ?? null;
  } while (cursor);
  return ids;
}
