import { parseAutocannon, parseWrk, parseWrkTime } from "./load.ts";

function assertEquals(actual: unknown, expected: unknown) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

const WRK = `Running 10s test @ http://127.0.0.1:8000/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.51ms    2.10ms  45.12ms   91.20%
    Req/Sec    21.38k     1.31k   23.43k    80.00%
  Latency Distribution
     50%  268.00us
     75%    1.23ms
     90%    2.00s
     99%    1.50m
  212345 requests in 10.00s, 30.83MB read
  Socket errors: connect 1, read 2, write 3, timeout 4
  Non-2xx or 3xx responses: 5
Requests/sec:  21234.56
Transfer/sec:      3.08MB
`;

Deno.test("[bench] wrk times are read in their units", () => {
  assertEquals([parseWrkTime("268.00us"), parseWrkTime("1.23ms"), parseWrkTime("2.00s")], [0.268, 1.23, 2000]);
});

Deno.test("[bench] wrk --latency output is parsed", () => {
  const r = parseWrk(WRK);
  assertEquals(r.requests, 212345);
  assertEquals(r.rps, 21234.56);
  assertEquals(r.latencyMs, { p50: 0.268, p75: 1.23, p90: 2000, p99: 90_000 });
  assertEquals(r.errors, { socket: 6, timeout: 4, non2xx: 5 });
});

Deno.test("[bench] a clean wrk run has no errors", () => {
  const clean = WRK.replace(/^\s*(Socket errors|Non-2xx).*\n/gm, "");
  assertEquals(parseWrk(clean).errors, { socket: 0, timeout: 0, non2xx: 0 });
});

Deno.test("[bench] autocannon --json output is parsed", () => {
  const json = JSON.stringify({
    requests: { average: 4495, total: 13483 },
    latency: { p50: 4, p75: 8, p90: 12, p99: 39 },
    errors: 3,
    timeouts: 1,
    non2xx: 2,
  });
  assertEquals(parseAutocannon(`npx noise\n${json}`), {
    requests: 13483,
    rps: 4495,
    latencyMs: { p50: 4, p75: 8, p90: 12, p99: 39 },
    errors: { socket: 2, timeout: 1, non2xx: 2 },
  });
});
