import { assertEquals, assertThrows } from "../testing/assert.ts";
import { parseFilePattern, parseOverridePattern, patternString, Router } from "./router.ts";

function router(...paths: string[]) {
  const r = new Router<string>();
  for (const p of paths) r.add(parseFilePattern(p), p, p);
  return r;
}

Deno.test("[router] a literal segment wins over a parameter, and a parameter over a catch-all", () => {
  const r = router("/users/[id]", "/users/me", "/users/[...rest]", "/[...all]");
  assertEquals(r.match("/users/me")?.value, "/users/me");
  assertEquals(r.match("/users/42")?.value, "/users/[id]");
  assertEquals(r.match("/users/42/posts")?.value, "/users/[...rest]");
  assertEquals(r.match("/elsewhere/deep/path")?.params, { all: "elsewhere/deep/path" });
});

Deno.test("[router] backs up when a literal branch dead-ends", () => {
  const r = router("/users/me/settings", "/users/[id]/posts");
  assertEquals(r.match("/users/me/posts"), { value: "/users/[id]/posts", params: { id: "me" } });
});

Deno.test("[router] params are percent-decoded; malformed escapes are kept as sent", () => {
  const r = router("/tags/[tag]");
  assertEquals(r.match("/tags/caf%C3%A9%20au%20lait")?.params, { tag: "café au lait" });
  assertEquals(r.match("/tags/100%")?.params, { tag: "100%" });
  assertEquals(r.match("/tags/a%2Fb")?.params, { tag: "a/b" });
});

Deno.test("[router] routes sharing a position keep their own parameter names", () => {
  const r = router("/u/[id]", "/u/[userId]/posts");
  assertEquals(r.match("/u/7")?.params, { id: "7" });
  assertEquals(r.match("/u/7/posts")?.params, { userId: "7" });
});

Deno.test("[router] a catch-all also matches the empty rest; an optional segment matches with and without", () => {
  const r = router("/docs/[...path]", "/shop/[[lang]]/cart");
  assertEquals(r.match("/docs")?.params, { path: "" });
  assertEquals(r.match("/shop/cart")?.params, {});
  assertEquals(r.match("/shop/fr/cart")?.params, { lang: "fr" });
  assertEquals(r.match("/shop/fr/de/cart"), null);
});

Deno.test("[router] two routes for the same URLs are an error naming both", () => {
  const err = assertThrows(() => router("/blog/[id]", "/blog/[slug]"));
  assertEquals((err as Error).message.includes("/blog/[id]") && (err as Error).message.includes("/blog/[slug]"), true);
});

Deno.test("[router] override patterns and pattern strings use Fresh's syntax", () => {
  assertEquals(patternString(parseOverridePattern("/posts/:id/:rest*")), "/posts/:id/:rest*");
  assertEquals(patternString(parseFilePattern("/a/[[b]]/[...c]")), "/a/:b?/:c*");
  assertThrows(() => parseFilePattern("/a/x[id]"));
  assertThrows(() => router("/a/[...rest]/b"));
});
