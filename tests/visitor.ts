// A cookie-keeping client for page tests, like a browser with JavaScript off: plain form posts with the CSRF token
// scraped from the page and cookies sent back.
import { assert, assertEquals } from "../framework/testing/assert.ts";
import type { TestApp } from "./testing.ts";

/** A cookie-keeping client, like a browser with JavaScript off. */
export class Visitor {
  cookies = new Map<string, string>();
  constructor(readonly t: TestApp) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await this.t.fetch(path, { ...init, headers, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i);
      if (/;\s*Max-Age=0(;|$)/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(i + 1));
    }
    return res;
  }

  async page(path: string): Promise<{ status: number; html: string; res: Response }> {
    const res = await this.request(path);
    return { status: res.status, html: await res.text(), res };
  }

  /** GETs the form page, then posts `fields` with its CSRF token (unless `_csrf` is given). */
  async submit(
    formPath: string,
    action: string,
    fields: Record<string, string>,
    headers: HeadersInit = {},
  ): Promise<{ status: number; html: string; res: Response }> {
    const { html } = await this.page(formPath);
    const token = csrfOf(html);
    return await this.post(action, { _csrf: token, ...fields }, headers);
  }

  async post(path: string, fields: Record<string, string>, headers: HeadersInit = {}) {
    const h = new Headers(headers);
    h.set("content-type", "application/x-www-form-urlencoded");
    const res = await this.request(path, { method: "POST", headers: h, body: new URLSearchParams(fields).toString() });
    return { status: res.status, html: await res.text(), res };
  }

  /** A multipart form post (files included), as a browser sends a form with enctype="multipart/form-data". */
  async postForm(path: string, form: FormData, headers: HeadersInit = {}) {
    const res = await this.request(path, { method: "POST", headers, body: form });
    return { status: res.status, html: await res.text(), res };
  }
}

export function csrfOf(html: string): string {
  const token = html.match(/name="_csrf" value="([^"]+)"/)?.[1];
  assert(token, "the page has a CSRF field");
  return token;
}

/** The ways a forged form post comes, given a real `token`: what each adds to the form's fields, and its headers. */
export function forgeries(token: string): [what: string, fields: Record<string, string>, headers: HeadersInit][] {
  return [
    ["missing token", {}, {}],
    ["wrong token", { _csrf: "x".repeat(43) }, {}],
    ["cross-site origin", { _csrf: token }, { origin: "https://evil.example" }],
    ["cross-site fetch", { _csrf: token }, { "sec-fetch-site": "cross-site" }],
  ];
}

let joined = 0;

/** A member who joined through the form and is signed in, with a last name unique to this test run. */
export async function joinAs(t: TestApp, firstName: string, family = "Lovelace") {
  const v = new Visitor(t);
  joined++;
  const lastName = `${family}${joined}`;
  const res = await v.submit("/register", "/register", {
    firstName,
    lastName,
    email: `${family.toLowerCase()}${joined}.${crypto.randomUUID().slice(0, 8)}@example.com`,
    password: "correct horse battery",
  });
  assertEquals(res.status, 303, res.html);
  return { v, id: res.res.headers.get("location")!.replace("/in/", ""), name: `${firstName} ${lastName}` };
}
