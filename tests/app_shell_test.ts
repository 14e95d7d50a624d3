// The app shell through its real routes and middleware: landing page, errors, health.
import type { Plugin } from "$fresh/server.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotIncludes,
  assertStringIncludes,
} from "../framework/testing/assert.ts";
import { requireServer } from "../services/testing.ts";
import { captureLogs } from "../services/testing.ts";
import { createTestApp, gzipSize, withTestApp } from "./testing.ts";
import { Visitor } from "./visitor.ts";

const failing: Plugin = {
  name: "failing-routes",
  routes: [
    {
      path: "/boom",
      handler: () => {
        throw new Error("db password is hunter2");
      },
    },
    {
      path: "/api/boom",
      handler: async () => {
        await Promise.resolve();
        throw new TypeError("SELECT * FROM users");
      },
    },
    { path: "/api/only-get", handler: { GET: () => Response.json({ ok: true }) } },
  ],
};

Deno.test("[shell] the landing page presents Prok with a nonce CSP, no script, and fits the first round trip", async () => {
  const t = await createTestApp();
  try {
    const { result: res, lines } = await captureLogs(() => t.fetch("/"));
    const html = await res.text();
    assertEquals(res.status, 200);
    assertMatch(res.headers.get("content-security-policy")!, /^script-src 'nonce-[\w-]+' 'strict-dynamic'; /);
    assertNotIncludes(html, "<script");
    assertStringIncludes(html, "<title>Prok — the open professional network</title>");
    assertStringIncludes(html, '<html lang="en">');
    assertMatch(html, /<h1[^>]*>Your professional network, open and fast.<\/h1>/);
    assertStringIncludes(html, '<style id="__TWIND"');
    const icon = html.match(/<link rel="icon" href="(\/favicon\.svg\?__frsh_c=\w+)"/)![1];
    const iconRes = await t.fetch(icon);
    assertEquals(iconRes.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assertEquals(iconRes.headers.get("content-type"), "image/svg+xml");
    await iconRes.body?.cancel();
    const gz = await gzipSize(html);
    assert(gz <= 14_000, `landing page is ${gz} bytes gzip, over the 14,000-byte first-screen budget`);
    const id = res.headers.get("x-request-id")!;
    assertMatch(id, /^[0-9a-f-]{36}$/);
    const line = JSON.parse(lines.find((l) => l.includes('"msg":"request"'))!);
    assertEquals([line.requestId, line.method, line.path, line.status, line.level], [id, "GET", "/", 200, "info"]);
  } finally {
    await t.close();
  }
});

Deno.test("[shell] a well-formed incoming request id is kept; a malformed one is replaced", async () => {
  await withTestApp(async (t) => {
    const kept = await t.fetch("/healthz", { headers: { "x-request-id": "edge-1234567890" } });
    assertEquals(kept.headers.get("x-request-id"), "edge-1234567890");
    const replaced = await t.fetch("/healthz", { headers: { "x-request-id": "bad id {injected}" } });
    assertMatch(replaced.headers.get("x-request-id")!, /^[0-9a-f-]{36}$/);
    await kept.body?.cancel();
    await replaced.body?.cancel();
  });
});

Deno.test("[shell] an unknown page gets the friendly 404 page; under /api it gets problem+json", async () => {
  await withTestApp(async (t) => {
    const page = await t.fetch("/no/such/page");
    const html = await page.text();
    assertEquals(page.status, 404);
    assertStringIncludes(page.headers.get("content-type")!, "text/html");
    assertStringIncludes(html, "We can't find that page");
    assertStringIncludes(html, "<header"); // inside the site layout
    assert(page.headers.get("x-request-id"));

    const api = await t.fetch("/api/no/such/thing");
    assertEquals(api.status, 404);
    assertEquals(api.headers.get("content-type"), "application/problem+json");
    assert(api.headers.get("x-request-id"));
    const body = await api.json();
    assertEquals([body.type, body.title, body.status], ["about:blank", "Not Found", 404]);
  });
});

Deno.test("[shell] a thrown error gets the 500 page or problem+json, with a request id and no stack or detail", async () => {
  const lines = await withTestApp(async (t) => {
    const page = await t.fetch("/boom");
    const html = await page.text();
    assertEquals(page.status, 500);
    assertStringIncludes(html, "Something went wrong");
    const id = page.headers.get("x-request-id")!;
    assert(id, "the 500 page carries the request id");
    assertStringIncludes(html, id, "and shows it as a reference");
    for (const leak of ["hunter2", "file://", ".ts:", "Error:"]) assertNotIncludes(html, leak);

    const api = await t.fetch("/api/boom");
    const text = await api.text();
    assertEquals(api.status, 500);
    assertEquals(api.headers.get("content-type"), "application/problem+json");
    assert(api.headers.get("x-request-id"));
    assertNotIncludes(text, "SELECT");
    assertEquals(JSON.parse(text).title, "Internal Server Error");
  }, { plugins: [failing] });
  const errors = lines.filter((l) => l.includes('"level":"error"'));
  assertEquals(errors.length, 2, "each failure is logged once, server side");
  assertStringIncludes(errors[0], "hunter2");
  const requests = lines.filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l).status);
  assertEquals(requests, [500, 500]);
});

Deno.test("[shell] a method an API route lacks is 405 problem+json with allow", async () => {
  await withTestApp(async (t) => {
    const res = await t.fetch("/api/only-get", { method: "DELETE" });
    assertEquals(res.status, 405);
    assertEquals(res.headers.get("allow"), "GET, HEAD");
    assertEquals(res.headers.get("content-type"), "application/problem+json");
    assertEquals((await res.json()).status, 405);
  }, { plugins: [failing] });
});

Deno.test("[shell] /healthz answers while the process runs; /readyz checks the embedded store", async () => {
  await withTestApp(async (t) => {
    const health = await t.fetch("/healthz");
    assertEquals([health.status, (await health.json()).status], [200, "ok"]);
    const ready = await t.fetch("/readyz");
    assertEquals(ready.status, 200);
    assertEquals((await ready.json()).checks, [{ name: "deno-kv", ok: true }, { name: "media-folder", ok: true }]);
    t.app.accepting = false;
    const draining = await t.fetch("/readyz");
    assertEquals(draining.status, 503);
    assertEquals((await draining.json()).checks[0], { name: "process", ok: false, error: "shutting down" });
  });
});

Deno.test("[shell] /readyz stays 200 but degraded, naming each secondary backend that does not answer", async () => {
  await withTestApp(async (t) => {
    const res = await t.fetch("/readyz");
    assertEquals(res.status, 200);
    const { status, degraded, checks } = await res.json();
    assertEquals(status, "degraded");
    assertEquals(degraded, ["redis", "meilisearch", "smtp"]);
    const failed = checks.filter((c: { ok: boolean }) => !c.ok).map((c: { name: string }) => c.name);
    assertEquals(failed, ["redis", "meilisearch", "smtp"]);
    t.app.accepting = false;
    assertEquals((await t.fetch("/readyz")).status, 503, "shutting down still takes it out, degraded or not");
  }, {
    env: {
      REDIS_URL: "redis://127.0.0.1:1",
      MEILI_URL: "http://127.0.0.1:1",
      SMTP_URL: "smtp://127.0.0.1:1",
    },
  });
});

const databaseUrl = requireServer("DATABASE_URL");
const redisUrl = requireServer("REDIS_URL");

Deno.test({
  name: "[shell] /readyz is ready against the real MySQL and Redis that CI provides",
  ignore: !databaseUrl || !redisUrl,
  fn: async () => {
    await withTestApp(async (t) => {
      const res = await t.fetch("/readyz");
      const body = await res.json();
      assertEquals(res.status, 200, JSON.stringify(body));
      assertEquals(body.checks.map((c: { name: string }) => c.name), ["mysql", "redis", "media-folder"]);
    }, { env: { DATABASE_URL: databaseUrl!, REDIS_URL: redisUrl! } });
  },
});

Deno.test("[shell] behind a TLS proxy (PROK_ORIGIN https, requests arriving as http) HSTS and __Host- Secure cookies", async () => {
  const behindProxy = { PROK_ENV: "production", PROK_SECRET: "s".repeat(40), PROK_ORIGIN: "https://prok.example" };
  await withTestApp(async (t) => {
    for (const path of ["/", "/healthz", "/favicon.svg", "/login/", "/api/nope", "/register"]) {
      const res = await t.fetch(path, { redirect: "manual" });
      assertMatch(res.headers.get("strict-transport-security") ?? "", /^max-age=\d+/, path);
      await res.body?.cancel();
    }
    const v = new Visitor(t);
    const joined = await v.submit("/register", "/register", {
      firstName: "Ada",
      lastName: "Proxy",
      email: `proxy.${crypto.randomUUID().slice(0, 8)}@example.com`,
      password: "correct horse battery",
    }, { origin: "https://prok.example" });
    assertEquals(joined.status, 303, joined.html);
    const cookies = joined.res.headers.getSetCookie();
    assert(cookies.length >= 2, cookies.join("\n"));
    for (const c of cookies) {
      assertMatch(c, /^__Host-/, c);
      assertMatch(c, /; Secure(;|$)/, c);
    }
  }, { env: behindProxy });
  await withTestApp(async (t) => {
    const res = await t.fetch("/healthz");
    assertEquals(res.headers.get("strict-transport-security"), null, "an http origin gets no HSTS");
    await res.body?.cancel();
  }, { env: { PROK_ORIGIN: "http://localhost" } });
});
