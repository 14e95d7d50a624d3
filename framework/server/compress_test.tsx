import { assertEquals } from "../testing/assert.ts";
import { testApp } from "../testing/app.ts";
import { acceptsGzip } from "./compress.ts";

const big = "<p>" + "professional network ".repeat(200) + "</p>";

Deno.test("[compress] pages are gzipped for clients that take gzip, with vary and a weak validator", async () => {
  const app = await testApp({
    "./routes/page.tsx": { default: () => <div dangerouslySetInnerHTML={{ __html: big }} /> },
    "./routes/stream.ts": { handler: () => Response.json({ text: big }) },
    "./routes/tiny.ts": { handler: () => new Response("x".repeat(10), { headers: { "content-length": "10" } }) },
  }, { static: { "big.css": "a{color:red}".repeat(200) } });
  const gz = await app.fetch("/page", { headers: { "accept-encoding": "gzip, br" } });
  assertEquals([gz.headers.get("content-encoding"), gz.headers.get("vary")], ["gzip", "accept-encoding"]);
  const text = await new Response(gz.body!.pipeThrough(new DecompressionStream("gzip"))).text();
  assertEquals(text.includes(big), true);

  const plain = await app.fetch("/page");
  assertEquals([plain.headers.get("content-encoding"), plain.headers.get("vary")], [null, "accept-encoding"]);
  await plain.body?.cancel();

  const css = await app.fetch("/big.css", { headers: { "accept-encoding": "gzip" } });
  const etag = css.headers.get("etag")!;
  assertEquals([css.headers.get("content-encoding"), etag.startsWith('W/"')], ["gzip", true]);
  await css.body?.cancel();
  const revalidated = await app.fetch("/big.css", { headers: { "accept-encoding": "gzip", "if-none-match": etag } });
  assertEquals(revalidated.status, 304);

  const tiny = await app.fetch("/tiny", { headers: { "accept-encoding": "gzip" } });
  assertEquals(tiny.headers.get("content-encoding"), null, "small bodies are not worth it");
  await tiny.body?.cancel();
  const stream = await app.fetch("/stream", { headers: { "accept-encoding": "gzip" } });
  assertEquals(stream.headers.get("content-encoding"), null, "a body of unknown length flows as it is");
  assertEquals((await stream.json()).text, big);
});

Deno.test("[compress] accept-encoding is read with its q-values", () => {
  const req = (v: string) => new Request("http://x", { headers: { "accept-encoding": v } });
  assertEquals(acceptsGzip(req("gzip")), true);
  assertEquals(acceptsGzip(req("br;q=1.0, gzip;q=0.5")), true);
  assertEquals(acceptsGzip(req("gzip;q=0")), false);
  assertEquals(acceptsGzip(req("identity")), false);
  assertEquals(acceptsGzip(req("*")), true);
});
