// The GitHub Actions workflows as GitHub reads them: each lints clean against the workflow schema (action-validator),
// and the CI workflow keeps its promises: the gate is .ci/run, the image waits for it, and only a version tag
// publishes.
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { assert, assertEquals } from "../framework/testing/assert.ts";

const WORKFLOWS = new URL("../.github/workflows/", import.meta.url);

Deno.test("[workflows] every workflow lints clean against GitHub's workflow schema", async () => {
  let count = 0;
  for await (const entry of Deno.readDir(WORKFLOWS)) {
    if (!/\.ya?ml$/.test(entry.name)) continue;
    count++;
    const { errors } = validateWorkflow(await Deno.readTextFile(new URL(entry.name, WORKFLOWS)));
    assertEquals(errors, [], `${entry.name}: ${JSON.stringify(errors, null, 2)}`);
  }
  assert(count > 0, "no workflow found");
});

Deno.test("[workflows] a misspelt key fails the lint (the linter is not a no-op)", () => {
  const { errors } = validateWorkflow(
    "on: push\njobs:\n  a:\n    runs-onn: ubuntu-24.04\n    steps:\n      - run: true\n",
  );
  assert(errors.length > 0);
});

Deno.test("[workflows] CI runs .ci/run with Meilisearch, then builds the image, publishing on version tags only", async () => {
  const ci = parse(await Deno.readTextFile(new URL("ci.yml", WORKFLOWS)));
  const test = ci.jobs.test;
  assert(test.steps.some((s: { run?: string }) => s.run === "bash .ci/run"), "the gate is .ci/run");
  assert(test.services.meilisearch, "Meilisearch beside the tests");
  assertEquals(test.env.MEILI_URL, "http://meilisearch:7700");
  assertEquals(ci.jobs.image.needs, "test");
  const build = ci.jobs.image.steps.find((s: { uses?: string }) => s.uses?.startsWith("docker/build-push-action"));
  assertEquals(build.with.push, "${{ startsWith(github.ref, 'refs/tags/v') }}");
  assertEquals(ci.on.push.tags, ["v*"]);
});
