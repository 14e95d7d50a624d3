// The login burst: sign-ins hammer bcrypt (in its worker pool) while /healthz is measured, next to /healthz measured
// alone, so the bench shows whether hashing leaks onto the event loop (QUALITY.md: other routes' p99 rises ≤ 10 ms).
import { type LoadResult, runLoad, type Tool } from "./load.ts";

export interface BurstResult {
  quiet: LoadResult;
  logins: LoadResult;
  during: LoadResult;
}

/** Registers a new bench member through the API: their email, password and access token. */
export async function registerMember(origin: string): Promise<{ email: string; password: string; token: string }> {
  const email = `bench-${crypto.randomUUID().slice(0, 8)}@prok.test`;
  const password = "bench password 123";
  const res = await fetch(`${origin}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, firstName: "Bench", lastName: "Member" }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 201) throw new Error(`registering the bench member answered ${res.status}`);
  return { email, password, token: body.accessToken };
}

export async function loginBurst(origin: string, tool: Tool, durationS: number): Promise<BurstResult> {
  if (tool !== "wrk") throw new Error("the login burst needs wrk (a POST body through a wrk script)");
  const { email, password } = await registerMember(origin);

  const script = await Deno.makeTempFile({ suffix: ".lua" });
  try {
    await Deno.writeTextFile(
      script,
      `wrk.method = "POST"\nwrk.body = ${JSON.stringify(JSON.stringify({ email, password }))}\n` +
        `wrk.headers["Content-Type"] = "application/json"\n`,
    );
    const health = { tool, url: `${origin}/healthz`, durationS, connections: 4, threads: 1 };
    const quiet = await runLoad(health);
    const [logins, during] = await Promise.all([
      runLoad({ tool, url: `${origin}/api/auth/login`, durationS, connections: 8, threads: 1, script }),
      runLoad(health),
    ]);
    return { quiet, logins, during };
  } finally {
    await Deno.remove(script).catch(() => {});
  }
}
