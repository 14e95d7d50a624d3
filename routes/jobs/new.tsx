import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { domainDeps } from "../../services/app.ts";
import { mayPostJobs, postJob } from "../../services/jobs.ts";
import { JobForm, type JobFormProps } from "../../components/JobPages.tsx";
import { Refusal } from "../../components/Refusal.tsx";
import { formState, NO_STORE, signInFirst } from "../../http/forms.ts";
import { submitJobForm } from "../../http/job_form.ts";

type Data = JobFormProps | { refused: string };

const REFUSED = "Only recruiters can post jobs. Recruiters choose that role when they join Prok.";

export const handler: Handlers<Data, AppState> = {
  async GET(_req, ctx) {
    const caller = ctx.state.session.caller;
    if (!caller) return signInFirst("/jobs/new");
    if (!mayPostJobs(caller.user)) return ctx.render({ refused: REFUSED }, { status: 403, headers: NO_STORE });
    return ctx.render({ form: await formState(ctx, { jobType: "full-time" }) }, { headers: NO_STORE });
  },
  POST(req, ctx) {
    const caller = ctx.state.session.caller;
    if (!caller) return signInFirst("/jobs/new");
    if (!mayPostJobs(caller.user)) return ctx.render({ refused: REFUSED }, { status: 403, headers: NO_STORE });
    return submitJobForm(req, ctx, undefined, async (input) => {
      return (await postJob(domainDeps(ctx.state.app), caller.user, input)).job.id;
    });
  },
};

export default function NewJob({ data }: PageProps<Data>) {
  if ("refused" in data) return <Refusal title="You cannot post jobs" problem={data.refused} back="/jobs" />;
  return <JobForm {...data} />;
}
