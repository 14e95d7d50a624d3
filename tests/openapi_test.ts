// The OpenAPI document as client generators and linters read it: Redocly's recommended rules, one server, and an
// operationId on every operation. (Every app test also checks its answers against the document: api_client.ts.)
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { assertEquals } from "../framework/testing/assert.ts";
import { call } from "./api_client.ts";
import { withTestApp } from "./testing.ts";

type Paths = Record<string, Record<string, { operationId?: string }>>;

Deno.test("[openapi] the document lints clean under Redocly's recommended rules, errors and warnings alike", async () => {
  await withTestApp(async (t) => {
    const doc = (await call(t, "GET", "/api/openapi.json")).json;
    assertEquals(doc.servers, [{ url: "https://prok.test" }]);
    // Prok has no licence file, so the document has no licence to name; every other rule applies as shipped.
    const config = await createConfig({ extends: ["recommended"], rules: { "info-license": "off" } });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: "openapi.json", config });
    const found = problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    assertEquals(found, []);
  }, { env: { PROK_ORIGIN: "https://prok.test" } });
});

Deno.test("[openapi] its server is the origin the request came to when PROK_ORIGIN is not set", async () => {
  await withTestApp(async (t) => {
    assertEquals((await call(t, "GET", "/api/openapi.json")).json.servers, [{ url: "http://localhost" }]);
  });
});

Deno.test("[openapi] every operation has its own operationId", async () => {
  await withTestApp(async (t) => {
    const paths = (await call(t, "GET", "/api/openapi.json")).json.paths as Paths;
    const ops = Object.entries(paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ at: `${method} ${path}`, id: op.operationId }))
    );
    assertEquals(ops.filter((o) => !o.id).map((o) => o.at), []);
    const ids = ops.map((o) => o.id);
    assertEquals(ids.length, new Set(ids).size);
    assertEquals(ops.length, 36);
  });
});
