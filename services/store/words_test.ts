import { assertEquals } from "../../framework/testing/assert.ts";
import { headlineWords, indexWords, MAX_HEADLINE_WORDS, MAX_QUERY_WORDS, queryWords } from "./words.ts";

Deno.test("headline words are lowercased, split on anything but letters and digits, and deduplicated", () => {
  assertEquals(headlineWords("Rust, KOTLIN & rust/Go — full-stack dev @ACME 2024!"), [
    "rust",
    "kotlin",
    "full",
    "stack",
    "dev",
    "acme",
    "2024",
  ]);
  assertEquals(headlineWords(""), []);
  assertEquals(headlineWords("a an to · 🚀 🧑🏽‍💻"), []);
});

Deno.test("headline words are Unicode-aware and count characters, not bytes", () => {
  assertEquals(headlineWords("Zoë · 李小龍 · Ñandú · עברית · ÉCOLE"), ["zoë", "李小龍", "ñandú", "עברית", "école"]);
  assertEquals(headlineWords("Ze\u0301phyr"), ["zéphyr"], "a decomposed accent is the same word");
  assertEquals(headlineWords("𝓜𝓜 𝓜𝓜𝓜"), ["𝓜𝓜𝓜"]);
});

Deno.test("headline words are bounded in length and number", () => {
  assertEquals(headlineWords(`${"x".repeat(85)} ${"y".repeat(84)}`), ["y".repeat(84)]);
  const many = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
  const words = headlineWords(many);
  assertEquals(words.length, MAX_HEADLINE_WORDS);
  assertEquals(words[0], "word0");
  assertEquals(words.at(-1), `word${MAX_HEADLINE_WORDS - 1}`);
});

Deno.test("index words of any text keep the headline rules, up to the number asked", () => {
  const text = "Rust, KOTLIN & rust/Go — full-stack dev @ACME 2024!";
  assertEquals(indexWords(text, MAX_HEADLINE_WORDS), headlineWords(text));
  assertEquals(indexWords(text, 3), ["rust", "kotlin", "full"]);
  assertEquals(indexWords(text, 0), []);
  const long = Array.from({ length: 600 }, (_, i) => `w${i}x`).join(" ");
  assertEquals(indexWords(long, 500).length, 500, "a long post keeps more words than a headline");
  assertEquals(indexWords(long, Infinity).length, 600);
});

Deno.test("query words: index words, the last one kept as a prefix from two characters", () => {
  assertEquals(queryWords("Senior JAVA dev"), ["senior", "java", "dev"]);
  assertEquals(queryWords("java de"), ["java", "de"], "the word being typed");
  assertEquals(queryWords("de java"), ["java"], "a short word that is not the last is no word");
  assertEquals(queryWords("java j"), ["java"], "one character is too short even as a prefix");
  assertEquals(queryWords("rust java Rust"), ["java", "rust"], "a repeated word counts once, last when it is last");
  assertEquals(queryWords("  ·  !! "), []);
  assertEquals(queryWords("Ze\u0301phyr"), ["zéphyr"]);
  assertEquals(queryWords(`java ${"x".repeat(85)}`), ["java"], "an overlong last word is dropped");
});

Deno.test("query words are bounded: the first ones and the last", () => {
  const q = Array.from({ length: 20 }, (_, i) => `word${i}`).join(" ");
  const words = queryWords(q);
  assertEquals(words.length, MAX_QUERY_WORDS);
  assertEquals(words.slice(0, 2), ["word0", "word1"]);
  assertEquals(words.at(-1), "word19", "the word being typed survives");
});
