// QUALITY.md's budgets for the feed, measured on a full first page through the real app: the HTML with its inline CSS,
// the first screen (everything before the third post), and the JavaScript the page loads.
import { assert, assertEquals } from "../framework/testing/assert.ts";
import { gzipSize, pageScripts, withTestApp } from "./testing.ts";

const FEED_HTML_BUDGET = 30_000;
const FIRST_SCREEN_BUDGET = 14_000;
const FEED_JS_BUDGET = 25_000;

// Real prose, so that gzip meets text as varied as members write (repeated sample sentences would flatter it).
const PROSE = (await Deno.readTextFile(new URL("../README.md", import.meta.url)))
  .replace(/```[\s\S]*?```/g, " ")
  .replace(/[#|`*_>\[\]()-]+/g, " ")
  .split(/\s+/)
  .filter((w) => w && !w.includes("/"));

/** ~280 characters of prose, different for each post, with a link of its own. */
function realistic(i: number): string {
  const words: string[] = [];
  let at = (i * 47) % PROSE.length;
  while (words.join(" ").length < 220) words.push(PROSE[at++ % PROSE.length]);
  const link = `https://blog.example.com/2026/${String(i + 1).padStart(2, "0")}/${words.slice(0, 3).join("-")}`;
  return `${words.join(" ")} More: ${link}`.slice(0, 300);
}

Deno.test("[budget] a full 20-post feed fits 30 KB gzip, its first screen 14,000 bytes, its JavaScript 25 KB", async () => {
  const figures: Record<string, number> = {};
  await withTestApp(async (t) => {
    const store = t.app.store;
    const reg = await t.fetch("/api/auth/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        email: "budget@example.com",
        password: "correct horse battery",
        firstName: "Margaret",
        lastName: "Hamilton",
      }),
    });
    assertEquals(reg.status, 201);
    const { accessToken, user } = await reg.json();
    const authors = [user.id];
    for (const [firstName, lastName] of [["Katherine", "Johnson"], ["Grace", "Hopper"], ["Radia", "Perlman"]]) {
      const other = await store.createUser({
        email: `${firstName.toLowerCase()}@example.com`,
        passwordHash: "x",
        firstName,
        lastName,
        role: "member",
      });
      await store.updateUser(other.id, { headline: "Principal engineer, distributed systems and developer tools" });
      const c = await store.createConnection({ senderId: user.id, receiverId: other.id, message: "" });
      await store.setConnectionStatus(c.id, "accepted");
      authors.push(other.id);
    }
    for (let i = 0; i < 20; i++) {
      await store.createPost({ authorId: authors[i % authors.length], content: realistic(i) });
    }

    const res = await t.fetch("/feed", { headers: { cookie: `prok_at=${accessToken}` } });
    assertEquals(res.status, 200);
    const html = await res.text();
    assertEquals(html.match(/<article/g)?.length, 20, "a full page");

    figures.html = await gzipSize(html);
    let third = -1;
    for (let i = 0, at = 0; i < 3; i++) third = at = html.indexOf("<article", at + 1);
    assert(third > 0);
    figures.firstScreen = await gzipSize(html.slice(0, third));

    // No render-blocking request: CSS is inline, scripts are modules (deferred by nature).
    assert(!/<link[^>]+rel="?stylesheet/i.test(html), "no external stylesheet");
    assert(![...html.matchAll(/<script\b[^>]*>/g)].some((m) => /\ssrc=/.test(m[0]) && !/type="module"/.test(m[0])));

    const scripts = await pageScripts(t, html);
    assert(scripts.urls.some((p) => p.endsWith("/islands/Composer.js")), `Composer is preloaded: ${scripts.urls}`);
    assert(scripts.urls.some((p) => p.endsWith("/client/boot.js")), `boot is preloaded: ${scripts.urls}`);
    figures.js = scripts.gzipBytes;
  });
  console.log(`feed budget: HTML ${figures.html} B gzip, first screen ${figures.firstScreen} B, JS ${figures.js} B`);
  assert(figures.html <= FEED_HTML_BUDGET, `feed HTML is ${figures.html} bytes gzip, over ${FEED_HTML_BUDGET}`);
  assert(figures.firstScreen <= FIRST_SCREEN_BUDGET, `first screen is ${figures.firstScreen} bytes gzip`);
  assert(figures.js <= FEED_JS_BUDGET, `feed JavaScript is ${figures.js} bytes gzip, over ${FEED_JS_BUDGET}`);
});
