import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import { seeOther } from "../http/forms.ts";

const POINTS = [
  {
    title: "Light on any link",
    text:
      "Pages arrive rendered and work without JavaScript. The first screen fits in one round trip, even on a slow phone.",
  },
  {
    title: "Conversations in real time",
    text: "Message your connections and see replies as they are typed, with nothing lost when the signal drops.",
  },
  {
    title: "Jobs that find you",
    text: "Recruiters post openings; members search them by title, place and type, signed in or not.",
  },
  {
    title: "Yours to run",
    text: "One command starts it with an embedded database. Grow into MySQL, Redis and search when you need them.",
  },
];

// Members start at their feed; everyone else gets the landing page.
export const handler: Handlers<unknown, AppState> = {
  GET: (_req, ctx) => ctx.state.session.caller ? seeOther("/feed") : ctx.render(),
};

export default function Landing({ url }: PageProps) {
  return (
    <>
      <Head>
        <title>Prok — the open professional network</title>
        <meta
          name="description"
          content="Keep a profile, grow your network, talk in real time and find work, on an open network anyone can run."
        />
      </Head>
      {url.searchParams.get("deleted") === "1" && (
        <p role="status" class="rounded-md border border-green-700 bg-green-50 p-4 text-green-900">
          Your account was deleted. Thank you for being part of Prok.
        </p>
      )}
      <section class="py-10 md:py-16" aria-labelledby="hero-title">
        <h1 id="hero-title" class="text-4xl md:text-5xl font-bold tracking-tight text-gray-900 max-w-2xl">
          Your professional network, open and fast.
        </h1>
        <p class="mt-4 text-lg text-gray-700 max-w-xl">
          Prok keeps your profile, your connections, your conversations and your next job in one place that loads in a
          blink and belongs to its community.
        </p>
        <div class="mt-8 flex flex-wrap gap-3">
          <a
            href="/register"
            class="inline-block rounded-full bg-brand-700 px-6 py-3 font-semibold text-white hover:bg-brand-800 focus:outline-none focus:ring-2 focus:ring-offset-2 focus:ring-brand-600"
          >
            Join Prok
          </a>
          <a
            href="/login"
            class="inline-block rounded-full border border-brand-700 px-6 py-3 font-semibold text-brand-700 hover:bg-brand-50 focus:outline-none focus:ring-2 focus:ring-offset-2 focus:ring-brand-600"
          >
            Sign in
          </a>
        </div>
      </section>
      <section aria-labelledby="why-title" class="py-8">
        <h2 id="why-title" class="text-2xl font-semibold text-gray-900">Why members choose Prok</h2>
        <ul class="mt-6 grid gap-6 md:grid-cols-2">
          {POINTS.map((p) => (
            <li key={p.title} class="rounded-lg bg-white p-6 shadow-sm border border-gray-200">
              <h3 class="text-lg font-semibold text-gray-900">{p.title}</h3>
              <p class="mt-2 text-gray-700">{p.text}</p>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
