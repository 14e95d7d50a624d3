import type { FreshContext, PageProps } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import { ErrorNotice } from "../components/ErrorNotice.tsx";
import { UnavailableError } from "../services/errors.ts";
import { problemFor } from "../http/api.ts";
import { isApiPath, problem } from "../http/problem.ts";

interface ErrorData {
  unavailable: boolean;
}

// The root middleware never sees this response (the error escaped it), so the request id is added here. A backend
// that cannot be reached (the database down or stalled) is a 503 with retry-after, never a 500: it passes.
export async function handler(_req: Request, ctx: FreshContext<AppState>) {
  const headers = new Headers();
  if (ctx.state.requestId) headers.set("x-request-id", ctx.state.requestId);
  const unavailable = ctx.error instanceof UnavailableError;
  if (unavailable) headers.set("retry-after", String((ctx.error as UnavailableError).retryAfterSeconds));
  if (isApiPath(ctx.url)) {
    const mapped = unavailable ? problemFor(ctx.error) : null;
    if (mapped) {
      if (ctx.state.requestId) mapped.headers.set("x-request-id", ctx.state.requestId);
      return mapped;
    }
    return problem(
      { status: 500, title: "Internal Server Error", detail: "Something went wrong on our side." },
      headers,
    );
  }
  return await ctx.render({ unavailable } satisfies ErrorData, { status: unavailable ? 503 : 500, headers });
}

export default function ServerError({ state, data }: PageProps<ErrorData | undefined, Partial<AppState>>) {
  if (data?.unavailable) {
    return (
      <ErrorNotice title="Prok is briefly unavailable">
        <p class="mt-4 text-gray-700">
          We can&apos;t reach our data right now. Please try again in a few seconds.
        </p>
      </ErrorNotice>
    );
  }
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
