// docker-compose.yml as Compose reads it: valid against the Compose Specification's JSON schema, and keeping README
// "Deploying"'s promises: one PROK_SECRET starts it, the origin is a variable, the optional services are profiles the
// app does not wait for or point at, and no healthcheck starts a runtime.
import { Ajv } from "ajv";
import { parse } from "yaml";
import { assert, assertEquals } from "../framework/testing/assert.ts";

const COMPOSE = new URL("../docker-compose.yml", import.meta.url).pathname;
const OPTIONAL = { meilisearch: "search", mailpit: "mail" };

// The schema compose-spec publishes (compose_spec.json), as the npm package dclint ships it; its version is deno.json's.
const SCHEMA = new URL("../node_modules/dclint/schemas/compose.schema.json", import.meta.url);
// It names draft-07 by an address ajv does not know; ajv's own for the same draft checks the schema too. Not strict:
// the schema uses keywords (deprecated) that strict mode refuses.
const validate = new Ajv({ allErrors: true, strict: false })
  .compile({ ...JSON.parse(await Deno.readTextFile(SCHEMA)), $schema: "http://json-schema.org/draft-07/schema#" });

/** The schema's complaints about a compose file. */
async function schemaErrors(path: string): Promise<string[]> {
  if (validate(parse(await Deno.readTextFile(path), { merge: true }))) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
}

// deno-lint-ignore no-explicit-any
const compose = async (): Promise<Record<string, any>> => parse(await Deno.readTextFile(COMPOSE));

Deno.test("[compose] docker-compose.yml is valid against the Compose Specification schema", async () => {
  assertEquals(await schemaErrors(COMPOSE), []);
});

Deno.test("[compose] a misplaced key fails the schema (the check is not a no-op)", async () => {
  const file = await Deno.makeTempFile({ suffix: ".yml" });
  try {
    await Deno.writeTextFile(file, "services:\n  app:\n    image: prok\n    healthchek:\n      test: [CMD, true]\n");
    assert((await schemaErrors(file)).length > 0);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("[compose] the app waits only for MariaDB and Redis; Meilisearch and Mailpit are opt-in profiles", async () => {
  const { services } = await compose();
  assertEquals(Object.keys(services.app.depends_on).sort(), ["mariadb", "redis"]);
  for (const [name, profile] of Object.entries(OPTIONAL)) assertEquals(services[name].profiles, [profile], name);
  for (const name of ["app", "mariadb", "redis"]) assertEquals(services[name].profiles, undefined, name);
  // With the profiles off, nothing points the app at them.
  for (const key of ["MEILI_URL", "MEILI_API_KEY", "SMTP_URL"]) {
    assertEquals(services.app.environment[key], `\${${key}:-}`, key);
  }
});

Deno.test("[compose] one PROK_SECRET starts it, and the origin is a variable", async () => {
  const { environment } = (await compose()).services.app;
  assert(environment.PROK_SECRET.startsWith("${PROK_SECRET:?"), "PROK_SECRET is required");
  assertEquals(environment.PROK_ORIGIN, "${PROK_ORIGIN:-http://localhost:8000}");
  const required = Object.values(environment).filter((v) => /\$\{\w+:\?/.test(String(v)));
  assertEquals(required.length, 1, "PROK_SECRET is the only variable without a default");
});

Deno.test("[compose] no healthcheck starts a runtime, the app's (the image's) included", async () => {
  const { services } = await compose();
  for (const [name, service] of Object.entries(services)) {
    const test = (service as { healthcheck?: { test: string[] } }).healthcheck?.test;
    if (test) assert(!/\b(deno|node)\b/.test(test.join(" ")), `${name}: ${test.join(" ")}`);
  }
  const dockerfile = await Deno.readTextFile(new URL("../Dockerfile", import.meta.url));
  const check = dockerfile.match(/^HEALTHCHECK[^\n]*\\\n\s*CMD (.*)$/m)?.[1];
  assert(check, "the Dockerfile has a HEALTHCHECK CMD");
  assertEquals(JSON.parse(check)[0], "bash", check);
});
