import { assert, assertEquals } from "../framework/testing/assert.ts";
import { inRanges, parseRange } from "./net.ts";

Deno.test("[net] addresses and CIDR ranges of both families parse; anything else does not", () => {
  assertEquals(parseRange("10.1.2.3/8"), { v6: false, base: 0x0a000000n, prefix: 8 });
  assertEquals(parseRange(" 192.168.0.7 "), { v6: false, base: 0xc0a80007n, prefix: 32 });
  assertEquals(parseRange("fd00::/8")?.prefix, 8);
  assertEquals(parseRange("::1")?.prefix, 128);
  for (
    const bad of ["", "10.0.0", "10.0.0.256", "10.0.0.0/33", "fd00::/129", "1::2::3", "10.0.0.0/8/1", "evil", "::g"]
  ) {
    assertEquals(parseRange(bad), null, bad);
  }
});

Deno.test("[net] an address is in a range by its prefix, in its own family", () => {
  const ranges = ["10.0.0.0/8", "2001:db8::/32", "192.168.1.9"].map((r) => parseRange(r)!);
  assert(inRanges("10.255.0.1", ranges));
  assert(!inRanges("11.0.0.1", ranges));
  assert(inRanges("2001:db8:0:1::7", ranges));
  assert(inRanges("[2001:db8::1]", ranges), "bracketed");
  assert(!inRanges("2001:db9::1", ranges));
  assert(inRanges("192.168.1.9", ranges) && !inRanges("192.168.1.10", ranges), "a single address");
  assert(inRanges("::ffff:10.1.1.1", ranges), "IPv4-mapped");
  assert(!inRanges("not an address", ranges));
  assert(inRanges("anything", [parseRange("0.0.0.0/0")!]) === false, "garbage is in no range");
});
