import { assertEquals } from "../framework/testing/assert.ts";
import { safeNext, withNext } from "./forms.ts";

Deno.test("[forms] safeNext keeps a same-site path and refuses anything a browser would read as another host", () => {
  const hostile = [
    "/.//evil.example/phish",
    "/x/..//evil.example",
    "/%2e//evil.example",
    "/%2E%2E//evil.example",
    "/./%2e/..//evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/.\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n//evil.example",
    "/%2f%2fevil.example",
    "/%2F/evil.example",
    "/%5cevil.example",
    "/%zz",
    "https://evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
    " /evil.example",
    "",
    null,
    undefined,
    "/" + "a".repeat(2048),
  ];
  for (const raw of hostile) assertEquals(safeNext(raw), null, JSON.stringify(raw));
  const kept: [string, string][] = [
    ["/settings", "/settings"],
    ["/settings?tab=1#top", "/settings?tab=1#top"],
    ["/a/./b/../c", "/a/c"],
    ["/..", "/"],
    ["/search?q=//evil.example", "/search?q=//evil.example"],
    ["/in/%C3%A9", "/in/%C3%A9"],
  ];
  for (const [raw, path] of kept) assertEquals(safeNext(raw), path, raw);
});

Deno.test("[forms] withNext drops a target that safeNext refuses", () => {
  assertEquals(withNext("/login", "/.//evil.example"), "/login");
  assertEquals(withNext("/login", "/jobs/new"), "/login?next=%2Fjobs%2Fnew");
});
