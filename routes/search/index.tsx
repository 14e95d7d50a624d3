import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { searchDeps } from "../../services/app.ts";
import { listProblem } from "../../http/pages.ts";
import { searchSite } from "../../services/site_search.ts";
import { SearchPage, type SearchPageProps, searchPath, type SearchTab } from "../../components/SearchPage.tsx";
import { jobJson, postCard, userSummary } from "../../http/serialize.ts";
import { withNext } from "../../http/forms.ts";

const PAGE_SIZE = 20;
const TABS: SearchTab[] = ["people", "posts", "jobs"];

export const handler: Handlers<SearchPageProps, AppState> = {
  async GET(_req, ctx) {
    const params = ctx.url.searchParams;
    const caller = ctx.state.session.caller?.user ?? null;
    const asked = params.get("type") as SearchTab;
    const type: SearchTab = TABS.includes(asked) ? asked : caller ? "people" : "jobs";
    const q = (params.get("q") ?? "").trim().slice(0, 100);
    const cursor = params.get("cursor") || undefined;
    const data: SearchPageProps = {
      q,
      type,
      people: [],
      posts: [],
      jobs: [],
      nextCursor: null,
      paged: cursor !== undefined,
      signInHref: !caller && type !== "jobs" ? withNext("/login", searchPath(q, type)) : null,
      now: new Date(),
    };
    const headers = { "cache-control": "private, no-cache" };
    if (!q || data.signInHref) return ctx.render(data, { headers });
    try {
      const page = await searchSite(searchDeps(ctx.state.app), caller, { q, type, limit: PAGE_SIZE, cursor });
      for (const hit of page.items) {
        if (hit.type === "people") data.people.push(userSummary(hit.user));
        else if (hit.type === "posts") data.posts.push(postCard(hit.post));
        else data.jobs.push(jobJson(hit.job));
      }
      data.nextCursor = page.nextCursor;
    } catch (err) {
      const failure = listProblem(err, "page of results", "Search is unavailable for a moment. Try again shortly.");
      if (!failure) throw err;
      data.problem = failure.problem;
      return ctx.render(data, { status: failure.status, headers: { ...headers, ...failure.headers } });
    }
    return ctx.render(data, { headers });
  },
};

export default function Search({ data }: PageProps<SearchPageProps>) {
  return <SearchPage {...data} />;
}
