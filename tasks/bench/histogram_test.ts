import { Histogram } from "./histogram.ts";

function assertEquals(actual: unknown, expected: unknown) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

Deno.test("[bench] histogram percentiles are within one 0.05 ms bucket", () => {
  const h = new Histogram();
  for (let i = 1; i <= 1000; i++) h.record(i / 10); // 0.1 .. 100 ms
  assertEquals(h.count, 1000);
  assertEquals(h.percentile(50).toFixed(2), "50.05");
  assertEquals(h.percentile(99).toFixed(2), "99.05");
  assertEquals(h.percentile(100), 100);
});

Deno.test("[bench] histograms merge, values above 5 s included", () => {
  const a = new Histogram();
  const b = new Histogram();
  a.record(1);
  b.record(2);
  b.record(7_000);
  const merged = Histogram.from(a.toJSON(), b.toJSON());
  assertEquals(merged.count, 3);
  assertEquals(merged.max, 7_000);
  assertEquals(merged.percentile(100), 7_000);
  assertEquals(merged.percentile(50).toFixed(2), "2.05"); // the upper edge of its bucket
});
