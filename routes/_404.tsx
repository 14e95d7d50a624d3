import type { FreshContext, PageProps } from "$fresh/server.ts";
import { ErrorNotice } from "../components/ErrorNotice.tsx";
import { isApiPath, problem } from "../http/problem.ts";

/** What the root middleware passes for an address whose query does not decode: the page answers 400 instead. */
export interface NotFoundData {
  malformedQuery?: boolean;
}

export function handler(_req: Request, ctx: FreshContext<unknown, NotFoundData | undefined>) {
  if (isApiPath(ctx.url)) {
    return problem({ status: 404, title: "Not Found", detail: `Nothing is at ${ctx.url.pathname}.` });
  }
  const data = ctx.data as NotFoundData | undefined;
  return data?.malformedQuery ? ctx.render(data, { status: 400 }) : ctx.render();
}

export default function NotFound({ url, data }: PageProps<NotFoundData | undefined>) {
  if (data?.malformedQuery) {
    return (
      <ErrorNotice title="That address is not quite right">
        <p class="mt-4 text-gray-700">
          Part of the address after the <code>?</code> could not be read (a <code>%</code>{" "}
          that is not followed by two hexadecimal digits). Check the link, or head back home.
        </p>
      </ErrorNotice>
    );
  }
  return (
    <ErrorNotice title="We can't find that page">
      <p class="mt-4 text-gray-700">
        Nothing lives at <code class="break-all">{url.pathname}</code>. Check the address, or head back home.
      </p>
    </ErrorNotice>
  );
}
