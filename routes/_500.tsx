import type { FreshContext, PageProps } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import { ErrorNotice } from "../components/ErrorNotice.tsx";
import { isApiPath, problem } from "../http/problem.ts";

// The root middleware never sees this response (the error escaped it), so the request id is added here.
export async function handler(_req: Request, ctx: FreshContext<AppState>) {
  const headers = ctx.state.requestId ? { "x-request-id": ctx.state.requestId } : undefined;
  if (isApiPath(ctx.url)) {
    return problem(
      { status: 500, title: "Internal Server Error", detail: "Something went wrong on our side." },
      headers,
    );
  }
  return await ctx.render(undefined, { headers });
}

export default function ServerError({ state }: PageProps<unknown, Partial<AppState>>) {
  return (
    <ErrorNotice title="Something went wrong">
      <p class="mt-4 text-gray-700">We couldn't finish that request. Please try again in a moment.</p>
      {state.requestId && (
        <p class="mt-2 text-sm text-gray-600">
          If it keeps happening, quote this reference: <code>{state.requestId}</code>
        </p>
      )}
    </ErrorNotice>
  );
}
