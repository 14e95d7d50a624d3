import type { ComponentChildren } from "preact";
import { Head } from "$fresh/runtime.ts";

/** The body of an error page: a title, what happened in plain words, and a way home. */
export function ErrorNotice(props: { title: string; children: ComponentChildren }) {
  return (
    <>
      <Head>
        <title>{props.title} — Prok</title>
      </Head>
      <section class="py-16 text-center" aria-labelledby="error-title">
        <h1 id="error-title" class="text-3xl font-bold">{props.title}</h1>
        {props.children}
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
