import { assertEquals } from "../../framework/testing/assert.ts";
import { headlineWords, MAX_HEADLINE_WORDS } from "./words.ts";

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
