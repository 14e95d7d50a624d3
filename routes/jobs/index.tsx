import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { domainDeps } from "../../services/app.ts";
import { listProblem } from "../../http/pages.ts";
import { listJobs, mayPostJobs } from "../../services/jobs.ts";
import type { JobType } from "../../services/store/model.ts";
import { JobsPage, type JobsPageProps } from "../../components/JobPages.tsx";
import { takeFlash } from "../../http/flash.ts";
import { jobTypes } from "../../services/schemas.ts";
import { jobJson } from "../../http/serialize.ts";

const PAGE_SIZE = 20;

// The jobs board, public: filters are a GET form, so every result page is a link.
export const handler: Handlers<JobsPageProps, AppState> = {
  async GET(req, ctx) {
    const params = ctx.url.searchParams;
    const filters = {
      q: (params.get("q") ?? "").slice(0, 100),
      location: (params.get("location") ?? "").slice(0, 255),
      jobType: (jobTypes as readonly string[]).includes(params.get("jobType") ?? "") ? params.get("jobType")! : "",
    };
    const cursor = params.get("cursor") || undefined;
    const data: JobsPageProps = {
      filters,
      jobs: [],
      nextCursor: null,
      paged: cursor !== undefined,
      canPost: mayPostJobs(ctx.state.session.caller?.user),
      flash: ctx.state.session.caller ? takeFlash(req, ctx) : null,
    };
    try {
      const page = await listJobs(domainDeps(ctx.state.app), {
        ...filters,
        jobType: (filters.jobType || undefined) as JobType | undefined,
        limit: PAGE_SIZE,
        cursor,
      });
      data.jobs = page.items.map(jobJson);
      data.nextCursor = page.nextCursor;
    } catch (err) {
      const failure = listProblem(err, "page of results");
      if (!failure) throw err;
      data.problem = failure.problem;
      return ctx.render(data, { status: failure.status });
    }
    return ctx.render(data, { headers: { "cache-control": "private, no-cache" } });
  },
};

export default function Jobs({ data }: PageProps<JobsPageProps>) {
  return <JobsPage {...data} />;
}
