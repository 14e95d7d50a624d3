import { assert, assertEquals } from "../framework/testing/assert.ts";
import { FOLD, foldText, linkify, type Segment, whenText } from "./post_text.ts";

const links = (segments: Segment[]) => segments.filter((s) => s.href).map((s) => [s.text, s.href]);
const joined = (segments: Segment[]) => segments.map((s) => s.text).join("");

Deno.test("[post text] http and https URLs become links; the text around them stays exactly as written", () => {
  const text = "Read https://example.com/a?b=1&c=2#d and http://EXAMPLE.org too";
  const segments = linkify(text);
  assertEquals(segments, [
    { text: "Read " },
    { text: "https://example.com/a?b=1&c=2#d", href: "https://example.com/a?b=1&c=2#d" },
    { text: " and " },
    { text: "http://EXAMPLE.org", href: "http://example.org/" },
    { text: " too" },
  ]);
  assertEquals(joined(segments), text);
  assertEquals(linkify(""), []);
  assertEquals(linkify("no links here"), [{ text: "no links here" }]);
});

Deno.test("[post text] javascript:, data: and other schemes are never linked", () => {
  for (
    const text of [
      "javascript:alert(1)",
      "JavaScript:alert(document.cookie)//http",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox",
      "file:///etc/passwd",
      "ftp://example.com/x",
      "//example.com/protocol-relative",
      "xhttps://example.com",
      "http://",
      "https://",
      "http:///no-host",
    ]
  ) {
    assertEquals(links(linkify(text)), [], text);
    assertEquals(joined(linkify(text)), text, text);
  }
  // A scheme spelled inside a link's own text is only text of an https link.
  const hidden = linkify("javascript://https://evil.example/%0aalert(1)");
  for (const [, href] of links(hidden)) assert(href!.startsWith("https://"), href);
});

Deno.test("[post text] markup in a post stays text: a link stops at < > and quotes", () => {
  const text = `<script>alert(1)</script> https://a.example/x"onmouseover="alert(1) <b>https://b.example/</b>`;
  const segments = linkify(text);
  assertEquals(joined(segments), text);
  assertEquals(links(segments), [
    ["https://a.example/x", "https://a.example/x"],
    ["https://b.example/", "https://b.example/"],
  ]);
});

Deno.test("[post text] punctuation after a URL ends the sentence, not the link; balanced brackets stay", () => {
  const cases: [string, string][] = [
    ["See https://example.com.", "https://example.com"],
    ["See https://example.com/a, then", "https://example.com/a"],
    ["Really? https://example.com/q?x=1!", "https://example.com/q?x=1"],
    ["(see https://example.com/docs)", "https://example.com/docs"],
    [
      "https://en.wikipedia.org/wiki/Ada_(programming_language)",
      "https://en.wikipedia.org/wiki/Ada_(programming_language)",
    ],
    ["(https://en.wikipedia.org/wiki/Ada_(language)).", "https://en.wikipedia.org/wiki/Ada_(language)"],
    ['"https://example.com/quoted"', "https://example.com/quoted"],
    ["https://example.com/…", "https://example.com/"],
    ["[link](https://example.com/md)", "https://example.com/md"],
    ["https://example.com/path:", "https://example.com/path"],
  ];
  for (const [text, url] of cases) {
    const segments = linkify(text);
    assertEquals(links(segments).map(([t]) => t), [url], text);
    assertEquals(joined(segments), text, text);
  }
});

Deno.test("[post text] link targets are normalised URLs (spaces and odd characters encoded)", () => {
  const [link] = links(linkify("https://example.com/ünï\u202ecode"));
  assertEquals(link[1], "https://example.com/%C3%BCn%C3%AF%E2%80%AEcode");
});

Deno.test("[post text] short posts are not folded; long ones are folded at a word, the rest kept whole", () => {
  const short = "Hello\nworld";
  assertEquals(foldText(short), { visible: [{ text: short }], more: null });
  const exactly = "x ".repeat(FOLD.maxChars / 2);
  assertEquals(foldText(exactly).more, null, "at the limit: shown whole");

  const words = Array.from({ length: 150 }, (_, i) => `word${i}`).join(" ");
  const { visible, more } = foldText(words);
  assert(more, "over 600 characters folds");
  const first = joined(visible);
  assert(first.length <= FOLD.keepChars && first.length > FOLD.keepChars / 2, `${first.length}`);
  assert(/word\d+$/.test(first), "cut at a word boundary");
  assertEquals(`${first} ${joined(more)}`, words, "nothing lost, nothing doubled");
});

Deno.test("[post text] many short lines fold after the first lines", () => {
  const lines = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`);
  const { visible, more } = foldText(lines.join("\n"));
  assertEquals(joined(visible), lines.slice(0, FOLD.keepLines).join("\n"));
  assertEquals(joined(more!), lines.slice(FOLD.keepLines).join("\n"));
  assertEquals(foldText(lines.slice(0, FOLD.maxLines).join("\n")).more, null, "eight lines are shown whole");
});

Deno.test("[post text] a fold never cuts a link, a surrogate pair or an emoji sequence in half", () => {
  const url = `https://example.com/${"a".repeat(500)}`;
  const folded = foldText(`${"b".repeat(100)} ${url} end`);
  assertEquals(links(folded.more!), [[url, url]], "the link moves whole into the fold");
  assertEquals(joined(folded.visible), "b".repeat(100));

  const longUrl = foldText(`${url} ${"c".repeat(200)}`);
  assertEquals(links(longUrl.visible), [[url, url]]);

  for (const unit of ["😀", "👩‍👩‍👧", "é", "🇫🇷"]) {
    const text = unit.repeat(700);
    const { visible, more } = foldText(text);
    assert(more, unit);
    assertEquals(joined(visible) + joined(more), text, unit);
    assert(!/^[\u200d\ufe0f\u0301\udc00-\udfff]/.test(joined(more)), `${unit}: the rest starts with a whole character`);
  }
});

Deno.test("[post text] one very long word folds too (CSS break-words wraps it on screen)", () => {
  const word = "x".repeat(3000);
  const { visible, more } = foldText(word);
  assertEquals(joined(visible).length, FOLD.keepChars);
  assertEquals(joined(visible) + joined(more!), word);
});

Deno.test("[post text] times read as relative when recent, as a date when older", () => {
  const now = new Date("2026-03-10T12:00:00Z");
  const ago = (ms: number) => whenText(new Date(now.getTime() - ms), now);
  assertEquals(ago(10_000), "just now");
  assertEquals(ago(-5_000), "just now", "a clock slightly ahead is not the future");
  assertEquals(ago(5 * 60_000), "5 min ago");
  assertEquals(ago(3 * 3600_000), "3 h ago");
  assertEquals(ago(2 * 86400_000), "2 d ago");
  assertEquals(whenText(new Date("2026-01-05T09:00:00Z"), now), "Jan 5");
  assertEquals(whenText(new Date("2024-12-31T23:00:00Z"), now), "Dec 31, 2024");
});
