import { Head } from "$fresh/runtime.ts";
import { Avatar } from "./Avatar.tsx";
import { FOCUS, LINK, ProblemNotice } from "./forms.tsx";
import { type JobCard, JobList } from "./JobPages.tsx";
import { type CardPost, PostCard } from "./PostCard.tsx";

export type SearchTab = "people" | "posts" | "jobs";

export interface PersonHit {
  id: string;
  firstName: string;
  lastName: string;
  headline: string;
  profilePictureUrl: string | null;
}

export interface SearchPageProps {
  q: string;
  type: SearchTab;
  people: PersonHit[];
  posts: CardPost[];
  jobs: JobCard[];
  nextCursor: string | null;
  paged: boolean;
  /** People and posts are for members: a visitor is asked to sign in here, and comes back to this search after. */
  signInHref: string | null;
  problem?: string;
  now: Date;
}

const TABS: Record<SearchTab, string> = { people: "People", posts: "Posts", jobs: "Jobs" };

/** The search page for `q` on one tab (and a page of it). */
export const searchPath = (q: string, type: SearchTab, cursor?: string) =>
  "/search?" + new URLSearchParams({ q, type, ...(cursor ? { cursor } : {}) }).toString();

function Results(props: SearchPageProps) {
  const none = <p class="mt-4 text-gray-700">{props.paged ? "No more results." : `Nothing found for “${props.q}”.`}</p>;
  if (props.type === "jobs") {
    return <JobList jobs={props.jobs} empty={props.paged ? "No more results." : `Nothing found for “${props.q}”.`} />;
  }
  if (props.type === "posts") {
    if (props.posts.length === 0) return none;
    return (
      <ol class="mt-4 space-y-4">
        {props.posts.map((p) => (
          <li key={p.id}>
            <PostCard post={p} now={props.now} />
          </li>
        ))}
      </ol>
    );
  }
  if (props.people.length === 0) return none;
  return (
    <ul class="mt-4 divide-y divide-gray-200 rounded-lg border border-gray-200 bg-white">
      {props.people.map((u) => (
        <li key={u.id} class="flex items-center gap-4 p-4">
          <Avatar firstName={u.firstName} lastName={u.lastName} pictureUrl={u.profilePictureUrl} size="sm" />
          <div class="min-w-0">
            <a
              href={`/in/${encodeURIComponent(u.id)}`}
              class={`break-words font-semibold text-gray-900 hover:underline ${FOCUS}`}
            >
              {u.firstName} {u.lastName}
            </a>
            {u.headline && <p class="break-words text-sm text-gray-700">{u.headline}</p>}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** Search with a tab per kind; everything is a link or a GET form, so it works without JavaScript. */
export function SearchPage(props: SearchPageProps) {
  return (
    <>
      <Head>
        <title>{props.q ? `${props.q} — Search` : "Search"} — Prok</title>
      </Head>
      <div class="mx-auto max-w-3xl">
        <h1 class="text-2xl font-bold text-gray-900">Search</h1>
        <form method="get" action="/search" role="search" class="mt-4 flex flex-wrap gap-2">
          <label for="search-q" class="sr-only">Search Prok</label>
          <input
            id="search-q"
            name="q"
            type="search"
            value={props.q}
            maxLength={100}
            class="min-w-0 flex-1 rounded-md border border-gray-500 px-3 py-2 focus:outline-none focus:ring-2 focus:ring-brand-600"
          />
          <input type="hidden" name="type" value={props.type} />
          <button type="submit" class={`rounded-full bg-brand-700 px-6 py-2 font-semibold text-white ${FOCUS}`}>
            Search
          </button>
        </form>
        <nav aria-label="What to search" class="mt-4 flex gap-6 border-b border-gray-200">
          {(Object.keys(TABS) as SearchTab[]).map((tab) => (
            <a
              href={searchPath(props.q, tab)}
              aria-current={tab === props.type ? "page" : undefined}
              class={`-mb-px border-b-2 px-1 pb-2 ${
                tab === props.type ? "border-brand-700 font-bold text-gray-900" : "border-transparent text-brand-700"
              } ${FOCUS}`}
            >
              {TABS[tab]}
            </a>
          ))}
        </nav>
        {props.problem && <ProblemNotice>{props.problem}</ProblemNotice>}
        {props.signInHref
          ? (
            <p class="mt-6 text-gray-700">
              <a href={props.signInHref} class={LINK}>Sign in</a> to search people and posts. Jobs are open to everyone.
            </p>
          )
          : props.q && !props.problem && (
            <section aria-label="Results" class="mt-2">
              <Results {...props} />
              {(props.nextCursor || props.paged) && (
                <p class="mt-6 flex flex-wrap gap-6">
                  {props.nextCursor && (
                    <a href={searchPath(props.q, props.type, props.nextCursor)} class={LINK}>More results</a>
                  )}
                  {props.paged && <a href={searchPath(props.q, props.type)} class={LINK}>Back to the best matches</a>}
                </p>
              )}
            </section>
          )}
      </div>
    </>
  );
}
