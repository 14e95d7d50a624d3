// One JSON logger for the server (services/log.ts): every line has its time and level, and the request id while a
// request is answered; an error is one line, its stack a string field; a queue handler's failure is one JSON line and
// nothing else (Deno's own multi-line "Exception in queue handler" never appears).
import type { Plugin } from "$fresh/server.ts";
import { assert, assertEquals, assertMatch } from "../framework/testing/assert.ts";
import { log } from "../services/log.ts";
import { withTestApp } from "./testing.ts";

const routes: Plugin = {
  name: "logging-routes",
  routes: [
    {
      path: "/api/explode",
      handler: async () => {
        await Promise.resolve();
        log.info("about to fail", { step: 1 });
        throw new RangeError("the widget overflowed");
      },
    },
  ],
};

function parse(line: string): Record<string, unknown> {
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`not a JSON line: ${line}`);
  }
}

Deno.test("[logging] a request that throws is one error line with its time, level and the response's request id", async () => {
  let id = "";
  const lines = await withTestApp(async (t) => {
    const res = await t.fetch("/api/explode");
    assertEquals(res.status, 500);
    await res.body?.cancel();
    id = res.headers.get("x-request-id") ?? "";
  }, { plugins: [routes] });
  assertMatch(id, /^[0-9a-f-]{36}$/);
  const records = lines.map(parse);
  for (const r of records) {
    assert(typeof r.time === "string" && !Number.isNaN(Date.parse(r.time)), JSON.stringify(r));
    assert(["debug", "info", "warn", "error"].includes(r.level as string), JSON.stringify(r));
  }
  const errors = records.filter((r) => r.level === "error");
  assertEquals(errors.length, 1, lines.join("\n"));
  const [error] = errors;
  assertEquals([error.msg, error.requestId, error.method, error.path], ["unhandled error", id, "GET", "/api/explode"]);
  const detail = error.error as Record<string, unknown>;
  assertEquals([detail.name, detail.message], ["RangeError", "the widget overflowed"]);
  assert(typeof detail.stack === "string" && detail.stack.includes("logging_test.ts"), String(detail.stack));
  // A line written inside the handler carries the id too, through the async context.
  const inside = records.find((r) => r.msg === "about to fail");
  assertEquals([inside?.requestId, inside?.step, inside?.level], [id, 1, "info"]);
  const request = records.find((r) => r.msg === "request");
  assertEquals([request?.requestId, request?.status], [id, 500]);
});

Deno.test("[logging] a queue handler's exception is one JSON line, and the process prints nothing else", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tests/fixtures/failing_worker.ts"],
    cwd: new URL("../", import.meta.url).pathname,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert(out.success, text);
  const lines = text.split("\n").filter((l) => l.trim());
  const records = lines.map(parse);
  const failed = records.filter((r) => r.msg === "worker failed; the event will be retried");
  assertEquals(failed.length, 1, text);
  assertEquals([failed[0].level, failed[0].worker, failed[0].kind], ["error", "broken", "worker"]);
  assert(typeof failed[0].time === "string", text);
  assertEquals((failed[0].error as Record<string, unknown>).message, "the search engine said no");
  assertEquals(records.filter((r) => r.msg === "an event failed for good; kept as a dead letter").length, 1, text);
  assertEquals(records.length, 2, text);
});
