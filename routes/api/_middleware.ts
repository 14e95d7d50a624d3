import type { FreshContext } from "$fresh/server.ts";
import { problem } from "../(_http)/problem.ts";

// The framework answers a method a route lacks with a plain 405; the API speaks problem+json.
export async function handler(_req: Request, ctx: FreshContext) {
  const res = await ctx.next();
  if (res.status === 405 && !res.headers.get("content-type")?.includes("json")) {
    const allow = res.headers.get("allow") ?? "";
    return problem({ status: 405, title: "Method Not Allowed", detail: `Use one of: ${allow}.` }, { allow });
  }
  return res;
}
