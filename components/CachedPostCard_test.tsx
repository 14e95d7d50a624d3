import { renderToString } from "preact-render-to-string";
import { assert, assertEquals, assertStringIncludes } from "$fresh/testing/assert.ts";
import { CardCache } from "./CachedPostCard.tsx";
import { type CardPost, PostCard } from "./PostCard.tsx";

const NOW = new Date("2026-11-26T12:00:00Z");

function post(id: string, content = `Post ${id} about shipping https://example.com/${id}`): CardPost {
  return {
    id,
    content,
    mediaUrl: null,
    media: [],
    createdAt: "2026-11-26T09:00:00.000Z",
    author: { id: "u1", firstName: "Ada", lastName: "Lovelace", headline: "Engineer", profilePictureUrl: null },
  };
}

Deno.test("[cards] a cached card is the card as rendered, rendered once while nothing it shows changes", () => {
  const cache = new CardCache(1024 * 1024);
  const first = cache.card(post("p1"), NOW);
  assertEquals(first.html, renderToString(<PostCard post={post("p1")} now={NOW} />));
  assert(cache.card(post("p1"), new Date(NOW.getTime() + 60_000)) === first, "same text, same time shown: reused");
  assertEquals(cache.size, 1);
});

Deno.test("[cards] an edit, an author's new name or a new relative time shows at once", () => {
  const cache = new CardCache(1024 * 1024);
  const before = cache.card(post("p1"), NOW).html;
  assertStringIncludes(cache.card(post("p1", "Edited <text>"), NOW).html, "Edited &lt;text>");
  const renamed = { ...post("p1"), author: { ...post("p1").author, lastName: "King" } };
  assertStringIncludes(cache.card(renamed, NOW).html, "Ada King");
  const later = cache.card(post("p1"), new Date(NOW.getTime() + 3 * 3600_000)).html;
  assert(later !== before);
  assertStringIncludes(later, "6 h ago");
  assertStringIncludes(before, "3 h ago");
});

Deno.test("[cards] the cache stays under its size, dropping the least recently shown cards first", () => {
  const bytes = 2 * renderToString(<PostCard post={post("p0")} now={NOW} />).length; // a card, give or take its key
  const cache = new CardCache(4 * bytes); // room for a few cards only
  const kept = cache.card(post("p0"), NOW);
  for (let i = 1; i < 50; i++) {
    cache.card(post(`p${i}`), NOW);
    assert(cache.card(post("p0"), NOW) === kept, `the card shown on every page stays (after ${i})`);
  }
  assert(cache.size < 4, `${cache.size} cards kept`);
  assert(cache.size >= 2);
});
