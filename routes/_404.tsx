import { Head } from "$fresh/runtime.ts";
import type { FreshContext, PageProps } from "$fresh/server.ts";
import { isApiPath, problem } from "./(_http)/problem.ts";

export function handler(_req: Request, ctx: FreshContext) {
  if (isApiPath(ctx.url)) {
    return problem({ status: 404, title: "Not Found", detail: `Nothing is at ${ctx.url.pathname}.` });
  }
  return ctx.render();
}

export default function NotFound({ url }: PageProps) {
  return (
    <>
      <Head>
        <title>Page not found — Prok</title>
      </Head>
      <section class="py-16 text-center" aria-labelledby="nf-title">
        <h1 id="nf-title" class="text-3xl font-bold">We can't find that page</h1>
        <p class="mt-4 text-gray-700">
          Nothing lives at <code class="break-all">{url.pathname}</code>. Check the address, or head back home.
        </p>
        <p class="mt-8">
          <a
            href="/"
            class="font-semibold text-brand-700 underline focus:outline-none focus:ring-2 focus:ring-brand-600"
          >
            Go to the home page
          </a>
        </p>
      </section>
    </>
  );
}
