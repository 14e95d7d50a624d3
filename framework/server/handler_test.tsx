import { Head } from "../runtime.ts";
import type { FreshContext, Handlers, PageProps } from "../types.ts";
import { testApp } from "../testing/app.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotIncludes,
  assertRejects,
  assertStringIncludes,
} from "../testing/assert.ts";

type Log = { log: string[] };

function recorder(name: string) {
  return {
    handler: async (_req: Request, ctx: FreshContext<Log>) => {
      (ctx.state.log ??= []).push(`${name}:${ctx.destination}`);
      const res = await ctx.next();
      res.headers.append("x-trail", name);
      return res;
    },
  };
}

const showLog = { handler: (_req: Request, ctx: FreshContext<Log>) => Response.json(ctx.state.log) };

Deno.test("[framework] middleware runs shallowest first, groups scope it, and each can change the response", async () => {
  const app = await testApp({
    "./routes/_middleware.ts": recorder("root"),
    "./routes/api/_middleware.ts": { handler: [recorder("api-1").handler, recorder("api-2").handler] },
    "./routes/api/v1/_middleware.ts": recorder("v1"),
    "./routes/(admin)/_middleware.ts": recorder("admin"),
    "./routes/api/v1/items.ts": showLog,
    "./routes/(admin)/panel.ts": showLog,
    "./routes/other.ts": showLog,
  }, {
    config: {
      plugins: [{ name: "p", middlewares: [{ path: "/", middleware: recorder("plugin") }] }],
    },
  });
  let res = await app.fetch("/api/v1/items");
  assertEquals(await res.json(), ["plugin:route", "root:route", "api-1:route", "api-2:route", "v1:route"]);
  assertEquals(res.headers.get("x-trail"), "v1, api-2, api-1, root, plugin");
  res = await app.fetch("/panel");
  assertEquals(await res.json(), ["plugin:route", "root:route", "admin:route"]);
  res = await app.fetch("/other");
  assertEquals(await res.json(), ["plugin:route", "root:route"]);
});

Deno.test("[framework] with no route matched only root middleware runs; it sees static files too", async () => {
  const seen: string[] = [];
  const mw = (name: string) => ({
    handler: (_req: Request, ctx: FreshContext) => {
      seen.push(`${name}:${ctx.destination}:${ctx.route}`);
      return ctx.next();
    },
  });
  const app = await testApp({
    "./routes/_middleware.ts": mw("root"),
    "./routes/api/_middleware.ts": mw("api"),
    "./routes/api/x.ts": { handler: () => new Response("x") },
  }, { static: { "robots.txt": "User-agent: *" } });
  assertEquals((await app.fetch("/api/nope")).status, 404);
  assertEquals((await app.fetch("/robots.txt")).status, 200);
  assertEquals(seen, ["root:notFound:", "root:static:"]);
});

Deno.test("[framework] _app wraps layouts from the outermost folder in; skip flags are honoured", async () => {
  const wrap = (name: string) => ({ Component }: PageProps) => (
    <div data-l={name}>
      <Component />
    </div>
  );
  const app = await testApp({
    "./routes/_app.tsx": {
      default: ({ Component }: PageProps) => (
        <html>
          <body>
            <Component />
          </body>
        </html>
      ),
    },
    "./routes/_layout.tsx": { default: wrap("root") },
    "./routes/a/_layout.tsx": { default: wrap("a") },
    "./routes/a/b/_layout.tsx": { default: wrap("b"), config: { skipInheritedLayouts: true } },
    "./routes/a/page.tsx": { default: () => <p>page</p> },
    "./routes/a/b/page.tsx": { default: () => <p>deep</p> },
    "./routes/a/bare.tsx": { default: () => <p>bare</p>, config: { skipAppWrapper: true, skipInheritedLayouts: true } },
  });
  const page = await (await app.fetch("/a/page")).text();
  assertStringIncludes(page, '<body><div data-l="root"><div data-l="a"><p>page</p></div></div></body>');
  const deep = await (await app.fetch("/a/b/page")).text();
  assertStringIncludes(deep, '<body><div data-l="b"><p>deep</p></div></body>');
  const bare = await (await app.fetch("/a/bare")).text();
  assertStringIncludes(bare, "<body><p>bare</p></body>");
});

Deno.test("[framework] a missing method is 405 with allow; HEAD answers from GET without a body", async () => {
  const handler: Handlers = {
    GET: () => new Response("hello", { headers: { "x-from": "get" } }),
    POST: () => new Response(null, { status: 201 }),
  };
  const app = await testApp({ "./routes/thing.ts": { handler }, "./routes/page.tsx": { default: () => <p>hi</p> } });
  const res = await app.fetch("/thing", { method: "DELETE" });
  assertEquals(res.status, 405);
  assertEquals(res.headers.get("allow"), "GET, HEAD, POST");
  await res.body?.cancel();
  const head = await app.fetch("/thing", { method: "HEAD" });
  assertEquals([head.status, head.headers.get("x-from"), await head.text()], [200, "get", ""]);
  assertEquals((await app.fetch("/page", { method: "POST" })).status, 405);
  const missing = await app.fetch("/nowhere", { method: "HEAD" });
  assertEquals([missing.status, await missing.text()], [404, ""]);
  assertStringIncludes(await (await app.fetch("/page")).text(), "<p>hi</p>");
});

Deno.test("[framework] exporting handlers by mistake is an error that suggests handler", async () => {
  await assertRejects(
    () => testApp({ "./routes/x.ts": { handlers: { GET: () => new Response("") } } }),
    'did you mean "handler"?',
  );
});

Deno.test("[framework] async pages get (req, ctx), may return a Response, and params arrive decoded", async () => {
  const app = await testApp({
    "./routes/_layout.tsx": {
      default: async (_req: Request, ctx: FreshContext) => {
        await Promise.resolve();
        return <section data-route={ctx.route}>{<ctx.Component />}</section>;
      },
    },
    "./routes/u/[name].tsx": {
      default: async (_req: Request, ctx: FreshContext) => {
        await Promise.resolve();
        if (ctx.params.name === "old") return new Response(null, { status: 301, headers: { location: "/u/new" } });
        return <h1>{ctx.params.name}</h1>;
      },
    },
  });
  const res = await app.fetch("/u/J%C3%BCrgen%20M");
  assertStringIncludes(await res.text(), '<section data-route="/u/:name"><h1>Jürgen M</h1></section>');
  const moved = await app.fetch("/u/old");
  assertEquals([moved.status, moved.headers.get("location")], [301, "/u/new"]);
});

Deno.test("[framework] ctx.render takes data and status; ctx.renderNotFound renders _404", async () => {
  const app = await testApp({
    "./routes/_404.tsx": { default: ({ url }: PageProps) => <p>missing {url.pathname}</p> },
    "./routes/item/[id].tsx": {
      handler: {
        GET: (_req: Request, ctx: FreshContext) =>
          ctx.params.id === "0" ? ctx.renderNotFound() : ctx.render({ n: ctx.params.id }, { status: 202 }),
      },
      default: ({ data }: PageProps<{ n: string }>) => <p>item {data.n}</p>,
    },
  });
  const ok = await app.fetch("/item/7");
  assertEquals(ok.status, 202);
  assertStringIncludes(await ok.text(), "<p>item 7</p>");
  const gone = await app.fetch("/item/0");
  assertEquals(gone.status, 404);
  assertStringIncludes(await gone.text(), "<p>missing /item/0</p>");
  const unknown = await app.fetch("/no/such/page");
  assertEquals(unknown.status, 404);
  assertStringIncludes(await unknown.text(), "<p>missing /no/such/page</p>");
});

Deno.test("[framework] errors thrown anywhere, sync or async, render _500 without a stack", async () => {
  const boom = (where: string) => {
    throw new Error(`secret detail from ${where}`);
  };
  const app = await testApp({
    "./routes/_500.tsx": {
      default: ({ error }: PageProps) => <p>failed: {error instanceof Error ? "an Error" : "?"}</p>,
    },
    "./routes/_middleware.ts": {
      handler: (_req: Request, ctx: FreshContext) => ctx.url.pathname === "/mw" ? boom("middleware") : ctx.next(),
    },
    "./routes/sync.ts": { handler: () => boom("sync handler") },
    "./routes/async.ts": {
      handler: async () => {
        await new Promise((r) => setTimeout(r, 1));
        return boom("async handler");
      },
    },
    "./routes/render.tsx": { default: () => boom("render") },
    "./routes/mw.ts": { handler: () => new Response("never") },
  });
  const logged: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(args.join(" "));
  try {
    for (const path of ["/sync", "/async", "/render", "/mw"]) {
      const res = await app.fetch(path);
      const body = await res.text();
      assertEquals(res.status, 500, path);
      assertStringIncludes(body, "<p>failed: an Error</p>", path);
      assertNotIncludes(body, "secret detail", path);
      assertNotIncludes(body, "handler_test", path);
      assertEquals(res.headers.get("content-type"), "text/html; charset=utf-8");
    }
  } finally {
    console.error = original;
  }
  assertEquals(logged.length, 4);
  assertStringIncludes(logged[0], "secret detail from sync handler");
});

Deno.test("[framework] a failing _500 page still answers a plain 500", async () => {
  const app = await testApp({
    "./routes/_500.tsx": {
      default: () => {
        throw new Error("the error page fails too");
      },
    },
    "./routes/x.ts": {
      handler: () => {
        throw new Error("first");
      },
    },
  });
  const original = console.error;
  console.error = () => {};
  try {
    const res = await app.fetch("/x");
    assertEquals([res.status, await res.text()], [500, "Internal Server Error"]);
  } finally {
    console.error = original;
  }
});

Deno.test("[framework] a trailing slash redirects (307, query kept); repeated slashes collapse", async () => {
  const app = await testApp({
    "./routes/a/b.ts": { handler: (_req: Request, ctx: FreshContext) => new Response(ctx.url.pathname) },
  });
  const res = await app.fetch("/a/b/?x=1&y=2");
  assertEquals([res.status, res.headers.get("location")], [307, "/a/b?x=1&y=2"]);
  assertEquals(await (await app.fetch("//a///b")).text(), "/a/b");
});

Deno.test("[framework] HTML gets a per-request nonce CSP on every script and style; other headers on all", async () => {
  const app = await testApp({
    "./routes/page.tsx": { default: () => <p class="x">hi</p> },
    "./routes/data.ts": { handler: () => Response.json({ ok: true }) },
    "./routes/go.ts": { handler: () => Response.redirect("http://localhost/page", 302) },
  }, {
    config: {
      plugins: [{ name: "css", render: (ctx) => ({ styles: [{ cssText: `/*${ctx.render().htmlText.length}*/` }] }) }],
    },
  });
  const a = await app.fetch("/page");
  const b = await app.fetch("/page");
  const csp = a.headers.get("content-security-policy")!;
  const nonce = csp.match(/'nonce-([A-Za-z0-9_-]{16,})'/)![1];
  assertStringIncludes(csp, "'strict-dynamic'");
  assertStringIncludes(csp, "object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
  assert(b.headers.get("content-security-policy") !== csp, "each response has its own nonce");
  const html = await a.text();
  assertStringIncludes(html, `<style nonce="${nonce}">`);
  assertNotIncludes(html, "<script", "a page without islands ships no script");
  await b.body?.cancel();
  for (const res of [a, await app.fetch("/data"), await app.fetch("/go")]) {
    assertEquals(res.headers.get("x-content-type-options"), "nosniff");
    assert(res.headers.get("referrer-policy"));
    assertEquals(res.headers.get("strict-transport-security"), null, "no HSTS over http");
    if (!res.bodyUsed) await res.body?.cancel();
  }
  assertEquals((await app.fetch("/data")).headers.get("content-security-policy"), null);
  const secure = await app.handler(new Request("https://prok.example/data"));
  assertMatch(secure.headers.get("strict-transport-security") ?? "", /max-age=\d+/);
});

Deno.test("[framework] <Head> content lands in <head>, the last title wins, charset and viewport are added", async () => {
  const app = await testApp({
    "./routes/_layout.tsx": {
      default: ({ Component }: PageProps) => (
        <>
          <Head>
            <title>Layout title</title>
          </Head>
          <Component />
        </>
      ),
    },
    "./routes/p.tsx": {
      default: () => (
        <>
          <Head>
            <title>Page title</title>
            <meta name="description" content="d" />
          </Head>
          <p>body</p>
        </>
      ),
    },
  });
  const html = await (await app.fetch("/p")).text();
  assertMatch(html, /^<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport"[^>]*>/);
  assertStringIncludes(html, '<title>Page title</title><meta name="description" content="d"/></head>');
  assertNotIncludes(html, "Layout title");
  assertStringIncludes(html, "<body><p>body</p></body>");
});

Deno.test("[framework] static files: ETag, 304, HEAD with length, immutable when stamped, old stamps redirect", async () => {
  const app = await testApp({
    "./routes/img.tsx": { default: () => <img src="/logo.svg" alt="logo" /> },
  }, { static: { "logo.svg": "<svg/>", "docs/a b.txt": "spaced" } });
  const res = await app.fetch("/logo.svg");
  const etag = res.headers.get("etag")!;
  assertEquals([res.status, res.headers.get("content-type"), await res.text()], [200, "image/svg+xml", "<svg/>"]);
  assertMatch(etag, /^"[0-9a-f]{32}"$/);
  const again = await app.fetch("/logo.svg", { headers: { "if-none-match": etag } });
  assertEquals([again.status, await again.text()], [304, ""]);
  const head = await app.fetch("/logo.svg", { method: "HEAD" });
  assertEquals([head.headers.get("content-length"), await head.text()], ["6", ""]);
  assertEquals(await (await app.fetch("/docs/a%20b.txt")).text(), "spaced");

  const page = await (await app.fetch("/img")).text();
  const stamped = page.match(/src="(\/logo\.svg\?__frsh_c=[0-9a-f]+)"/)![1];
  const cached = await app.fetch(stamped);
  assertEquals(cached.headers.get("cache-control"), "public, max-age=31536000, immutable");
  await cached.body?.cancel();
  const old = await app.fetch("/logo.svg?__frsh_c=stale");
  assertEquals([old.status, old.headers.get("location")], [307, "/logo.svg"]);
});

Deno.test("[framework] plugin routes are served like file routes", async () => {
  const app = await testApp({}, {
    config: {
      plugins: [{
        name: "hello",
        routes: [{ path: "/hello/[who]", handler: (_req, ctx) => new Response(`hi ${ctx.params.who}`) }],
      }],
    },
  });
  assertEquals(await (await app.fetch("/hello/ada")).text(), "hi ada");
});

Deno.test("[framework] in development pages reload when the server restarts; elsewhere there is no such script", async () => {
  const routes = { "./routes/p.tsx": { default: () => <p>x</p> } };
  const dev = await testApp(routes, { config: { dev: true } });
  const page = await dev.fetch("/p");
  const nonce = page.headers.get("content-security-policy")!.match(/'nonce-([^']+)'/)![1];
  assertStringIncludes(
    await page.text(),
    `<script type="module" nonce="${nonce}">let r;new EventSource("/_frsh/alive")`,
  );
  const alive = await dev.fetch("/_frsh/alive");
  assertEquals(alive.headers.get("content-type"), "text/event-stream");
  assertMatch(await alive.text(), /^retry: 1000\ndata: [0-9a-f-]{36}\n\n$/);

  const prod = await testApp(routes);
  assertNotIncludes(await (await prod.fetch("/p")).text(), "<script");
  const none = await prod.fetch("/_frsh/alive");
  assertEquals(none.status, 404);
  await none.body?.cancel();
});

Deno.test("[framework] routeOverride replaces the file's pattern; [[optional]] and [...rest] params reach the page", async () => {
  const echo = {
    handler: (_req: Request, ctx: FreshContext) => Response.json({ route: ctx.route, params: ctx.params }),
  };
  const app = await testApp({
    "./routes/legacy.ts": { ...echo, config: { routeOverride: "/old/:year/:slug*" } },
    "./routes/shop/[[lang]]/cart.ts": echo,
    "./routes/files/[...path].ts": echo,
  });
  assertEquals(await (await app.fetch("/old/2024/a/b")).json(), {
    route: "/old/:year/:slug*",
    params: { year: "2024", slug: "a/b" },
  });
  assertEquals((await app.fetch("/legacy")).status, 404);
  assertEquals((await (await app.fetch("/shop/cart")).json()).params, {});
  assertEquals((await (await app.fetch("/shop/de/cart")).json()).params, { lang: "de" });
  assertEquals(await (await app.fetch("/files/a%20b/c.txt")).json(), {
    route: "/files/:path*",
    params: { path: "a b/c.txt" },
  });
});
