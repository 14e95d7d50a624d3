import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { domainDeps } from "../../services/app.ts";
import { getJobView, mayChangeJob } from "../../services/jobs.ts";
import { JobPage, type JobPageProps } from "../../components/JobPages.tsx";
import { takeFlash } from "../../http/flash.ts";
import { idParam } from "../../services/schemas.ts";
import { jobJson } from "../../http/serialize.ts";
import { csrfToken } from "../../http/session.ts";

// One job, public; its poster (or an admin) gets the edit and delete buttons.
export const handler: Handlers<JobPageProps, AppState> = {
  async GET(req, ctx) {
    if (!idParam.safeParse(ctx.params.id).success) return ctx.renderNotFound();
    const view = await getJobView(domainDeps(ctx.state.app), ctx.params.id);
    const caller = ctx.state.session.caller?.user;
    const manage = mayChangeJob(caller, view.job);
    return ctx.render({
      job: jobJson(view),
      manageCsrf: manage ? await csrfToken(ctx.state.app, ctx.state.session) : undefined,
      flash: caller ? takeFlash(req, ctx) : null,
    }, { headers: { "cache-control": manage ? "private, no-store" : "private, no-cache" } });
  },
};

export default function Job({ data }: PageProps<JobPageProps>) {
  return <JobPage {...data} />;
}
