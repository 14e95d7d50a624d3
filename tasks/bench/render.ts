// "Render alone" (QUALITY.md): the feed page's component tree with 20 posts rendered to HTML, in a loop, in its own
// process; prints renders per second as JSON. The bench compares it with the hello baseline of the same run.
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import { FeedPage } from "../../components/FeedPage.tsx";
import { Generator } from "../seed/generate.ts";

const seconds = Number(Deno.args[0] ?? 5);
const gen = new Generator(7);
const now = new Date();
const posts = Array.from({ length: 20 }, (_, i) => {
  const m = gen.member(i);
  return {
    id: String(1000 + i),
    author: {
      id: String(i),
      firstName: m.firstName,
      lastName: m.lastName,
      headline: m.headline,
      profilePictureUrl: null,
    },
    content: gen.post(),
    mediaUrl: null,
    media: [],
    createdAt: new Date(now.getTime() - i * 3_600_000).toISOString(),
  };
});
const props = { composer: { csrf: "token", value: "" }, posts, nextCursor: "cursor", paged: false, now };
const render = () => renderToString(h(FeedPage, props));

const warmUntil = performance.now() + 1000;
while (performance.now() < warmUntil) render();
let count = 0;
const start = performance.now();
const end = start + seconds * 1000;
while (performance.now() < end) {
  render();
  count++;
}
console.log(JSON.stringify({ rendersPerSecond: count / ((performance.now() - start) / 1000), bytes: render().length }));
