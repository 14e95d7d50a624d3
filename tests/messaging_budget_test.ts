// QUALITY.md / issue budget for messaging: a thread page loads at most 50 KB of JavaScript (gzip), all islands
// together (Chat, NotificationBell, the shared socket client, Preact and signals).
import { assert, assertEquals } from "../framework/testing/assert.ts";
import { connected } from "./api_client.ts";
import { pageScripts, withTestApp } from "./testing.ts";

const THREAD_JS_BUDGET = 50_000;

Deno.test("[budget] a messaging thread loads at most 50 KB of JavaScript, every island included", async () => {
  let bytes = 0;
  await withTestApp(async (t) => {
    const [a, b] = await connected(t);
    const res = await t.fetch(`/messaging/${b.user.id}`, { headers: { cookie: `prok_at=${a.accessToken}` } });
    assertEquals(res.status, 200);
    const scripts = await pageScripts(t, await res.text());
    for (const island of ["Chat", "NotificationBell"]) {
      assert(scripts.urls.some((u) => u.endsWith(`/islands/${island}.js`)), `${island} is preloaded: ${scripts.urls}`);
    }
    bytes = scripts.gzipBytes;
  });
  console.log(`messaging budget: JS ${bytes} B gzip`);
  assert(bytes <= THREAD_JS_BUDGET, `a thread's JavaScript is ${bytes} bytes gzip, over ${THREAD_JS_BUDGET}`);
});
