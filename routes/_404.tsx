import type { FreshContext, PageProps } from "$fresh/server.ts";
import { ErrorNotice } from "../components/ErrorNotice.tsx";
import { isApiPath, problem } from "./(_http)/problem.ts";

export function handler(_req: Request, ctx: FreshContext) {
  if (isApiPath(ctx.url)) {
    return problem({ status: 404, title: "Not Found", detail: `Nothing is at ${ctx.url.pathname}.` });
  }
  return ctx.render();
}

export default function NotFound({ url }: PageProps) {
  return (
    <ErrorNotice title="We can't find that page">
      <p class="mt-4 text-gray-700">
        Nothing lives at <code class="break-all">{url.pathname}</code>. Check the address, or head back home.
      </p>
    </ErrorNotice>
  );
}
