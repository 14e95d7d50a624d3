// What the "post a job" and "edit a job" pages share: the form's fields, read and validated the same way, and
// the job turned into the form's values.
import type { FreshContext } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import type { JobInput } from "../services/jobs.ts";
import type { Job } from "../services/store/model.ts";
import { JOB_LABELS, type JobFormProps } from "../components/JobPages.tsx";
import { validate } from "./api.ts";
import { assertFormSameSite, formFailure, formState, readForm, seeOther, textFields } from "./forms.ts";
import { jobBody } from "../services/schemas.ts";

const FIELDS = ["title", "description", "location", "salaryRange", "jobType"] as const;

export function jobValues(job: Job): Record<string, string> {
  return {
    title: job.title,
    description: job.description,
    location: job.location,
    salaryRange: job.salaryRange ?? "",
    jobType: job.jobType,
  };
}

/**
 * Reads the job form, checks its CSRF token, saves it with `save` and goes to the job (303), or renders the form
 * again with what went wrong by each field.
 */
export async function submitJobForm(
  req: Request,
  ctx: FreshContext<AppState>,
  jobId: string | undefined,
  save: (input: JobInput) => Promise<string>,
): Promise<Response> {
  let values: Record<string, string> = {};
  try {
    const form = await readForm(req);
    values = textFields(form, FIELDS);
    assertFormSameSite(req, ctx, form);
    const salary = values.salaryRange.trim();
    const input = validate(jobBody, {
      ...values,
      description: values.description.replace(/\r\n?/g, "\n"),
      salaryRange: salary === "" ? null : salary,
    });
    return seeOther(`/jobs/${encodeURIComponent(await save(input))}`);
  } catch (err) {
    const failure = formFailure(ctx, err, JOB_LABELS);
    if (!failure) throw err;
    const data: JobFormProps = { form: await formState(ctx, values, failure), jobId };
    return ctx.render(data, { status: failure.status, headers: failure.headers });
  }
}
