// The Docker image, built from the Dockerfile and run as it ships: deploy/docker/build-and-smoke-test.sh builds it with
// buildah (no Docker engine here; base images made from Debian packages, reused once made), runs it as uid 10001 with
// /app read-only and smoke-tests it over HTTP. About ten minutes on a first run (the base images), three after.
import { assert } from "../framework/testing/assert.ts";
import { requireBinaries } from "../services/testing.ts";
import { freePort } from "../tasks/bench/processes.ts";

const SCRIPT = new URL("../deploy/docker/build-and-smoke-test.sh", import.meta.url).pathname;
const bin = requireBinaries("buildah", "debootstrap", "curl");

Deno.test({
  name: "[image] the Dockerfile builds, and the image serves members as uid 10001 with its app folder read-only",
  ignore: !bin,
  fn: async () => {
    const out = await new Deno.Command("bash", {
      args: [SCRIPT],
      env: { PROK_SMOKE_PORT: String(freePort()) },
      stdin: "null",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert(out.success, `${SCRIPT} failed:\n${text}`);
    console.log(text.trim());
  },
});
