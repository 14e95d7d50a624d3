import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { editJob, getJobView, mayChangeJob } from "../../../services/jobs.ts";
import { JobForm, type JobFormProps } from "../../../components/JobPages.tsx";
import { Refusal } from "../../../components/Refusal.tsx";
import { formState, NO_STORE, signInFirst } from "../../../http/forms.ts";
import { jobValues, submitJobForm } from "../../../http/job_form.ts";

type Data = JobFormProps | { refused: string; back: string };

const path = (id: string) => `/jobs/${encodeURIComponent(id)}`;

export const handler: Handlers<Data, AppState> = {
  async GET(_req, ctx) {
    const caller = ctx.state.session.caller;
    const id = ctx.params.id;
    if (!caller) return signInFirst(`${path(id)}/edit`);
    const view = await getJobView(domainDeps(ctx.state.app), id);
    if (!mayChangeJob(caller.user, view.job)) {
      return ctx.render({ refused: "Only the job's poster or an admin may edit it.", back: path(id) }, {
        status: 403,
        headers: NO_STORE,
      });
    }
    return ctx.render({ form: await formState(ctx, jobValues(view.job)), jobId: id }, { headers: NO_STORE });
  },
  POST(req, ctx) {
    const caller = ctx.state.session.caller;
    const id = ctx.params.id;
    if (!caller) return signInFirst(`${path(id)}/edit`);
    return submitJobForm(req, ctx, id, async (input) => {
      return (await editJob(domainDeps(ctx.state.app), caller.user, id, input)).job.id;
    });
  },
};

export default function EditJob({ data }: PageProps<Data>) {
  if ("refused" in data) {
    return <Refusal title="You cannot edit this job" problem={data.refused} back={data.back} />;
  }
  return <JobForm {...data} />;
}
