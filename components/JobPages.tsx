import { Head } from "$fresh/runtime.ts";
import {
  CsrfField,
  ErrorSummary,
  Field,
  FOCUS,
  type FormState,
  LINK,
  Notice,
  ProblemNotice,
  SubmitButton,
} from "./forms.tsx";

/** A job as the pages show it (the API's Job shape). */
export interface JobCard {
  id: string;
  company: { id: string; firstName: string; lastName: string; headline: string };
  title: string;
  description: string;
  location: string;
  salaryRange: string | null;
  jobType: "full-time" | "part-time" | "contract" | "internship";
  createdAt: string;
}

export const JOB_TYPES = {
  "full-time": "Full-time",
  "part-time": "Part-time",
  contract: "Contract",
  internship: "Internship",
} as const;

export const JOB_LABELS = {
  title: "Job title",
  description: "Description",
  location: "Location",
  salaryRange: "Salary range",
  jobType: "Job type",
};

const SELECT =
  "mt-1 block w-full rounded-md border border-gray-500 bg-white px-3 py-2 text-gray-900 focus:outline-none focus:ring-2 focus:ring-brand-600";

const jobPath = (id: string) => `/jobs/${encodeURIComponent(id)}`;

// Formatters made once: toLocaleString and its kin build a new ICU formatter at every call (30 µs for a time).
const POSTED = new Intl.DateTimeFormat("en", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

function posted(iso: string): string {
  return POSTED.format(new Date(iso));
}

/** One line of facts: type, place, pay, poster, date. */
function Facts(props: { job: JobCard }) {
  const j = props.job;
  const facts = [JOB_TYPES[j.jobType], j.location, j.salaryRange].filter(Boolean).join(" · ");
  return (
    <p class="mt-1 text-sm text-gray-700">
      {facts} · Posted by{" "}
      <a href={`/in/${encodeURIComponent(j.company.id)}`} class="underline">
        {j.company.firstName} {j.company.lastName}
      </a>{" "}
      on <time datetime={j.createdAt}>{posted(j.createdAt)}</time>
    </p>
  );
}

export function JobList(props: { jobs: JobCard[]; empty: string; level?: 2 | 3 }) {
  const Heading = props.level === 3 ? "h3" : "h2";
  if (props.jobs.length === 0) return <p class="mt-4 text-gray-700">{props.empty}</p>;
  return (
    <ol class="mt-4 space-y-3">
      {props.jobs.map((j) => (
        <li key={j.id} class="rounded-lg border border-gray-200 bg-white p-4 shadow-sm">
          <Heading class="text-lg font-semibold text-gray-900">
            <a href={jobPath(j.id)} class={`hover:underline ${FOCUS}`}>{j.title}</a>
          </Heading>
          <Facts job={j} />
          <p class="mt-2 line-clamp-2 break-words text-gray-800">{j.description}</p>
        </li>
      ))}
    </ol>
  );
}

export interface JobsPageProps {
  filters: { q: string; location: string; jobType: string };
  jobs: JobCard[];
  nextCursor: string | null;
  paged: boolean;
  canPost: boolean;
  problem?: string;
  flash?: string | null;
}

/** The jobs board: a GET form of filters, the newest matching jobs, and a "more" link, all without JavaScript. */
export function JobsPage(props: JobsPageProps) {
  const f = props.filters;
  const query = (extra: Record<string, string>) =>
    "/jobs?" + new URLSearchParams(Object.entries({ ...f, ...extra }).filter(([, v]) => v !== "")).toString();
  return (
    <>
      <Head>
        <title>Jobs — Prok</title>
      </Head>
      <div class="mx-auto max-w-3xl">
        <div class="flex flex-wrap items-center gap-4">
          <h1 class="flex-1 text-2xl font-bold text-gray-900">Jobs</h1>
          {props.canPost && (
            <a href="/jobs/new" class={`rounded-full bg-brand-700 px-4 py-1.5 font-semibold text-white ${FOCUS}`}>
              Post a job
            </a>
          )}
        </div>
        {props.flash && <Notice>{props.flash}</Notice>}
        <form method="get" action="/jobs" role="search" class="mt-4 grid gap-x-4 sm:grid-cols-3">
          <Field name="q" label="Keywords" value={f.q} maxlength={100} />
          <Field name="location" label="Location" value={f.location} maxlength={255} />
          <div class="mt-4">
            <label for="jobType" class="block text-sm font-semibold text-gray-900">Job type</label>
            <select id="jobType" name="jobType" class={SELECT}>
              <option value="">Any</option>
              {Object.entries(JOB_TYPES).map(([value, label]) => (
                <option value={value} selected={f.jobType === value}>{label}</option>
              ))}
            </select>
          </div>
          <div class="sm:col-span-3">
            <button type="submit" class={`mt-4 rounded-full bg-brand-700 px-6 py-2 font-semibold text-white ${FOCUS}`}>
              Find jobs
            </button>
          </div>
        </form>
        {props.problem && <ProblemNotice back={{ href: "/jobs", label: "See all jobs" }}>{props.problem}
        </ProblemNotice>}
        <section aria-label="Results" class="mt-6">
          <JobList jobs={props.jobs} empty={props.paged ? "There are no more jobs." : "No jobs match yet."} />
          {(props.nextCursor || props.paged) && (
            <p class="mt-6 flex flex-wrap gap-6">
              {props.nextCursor && <a href={query({ cursor: props.nextCursor })} class={LINK}>More jobs</a>}
              {props.paged && <a href={query({})} class={LINK}>Back to the newest</a>}
            </p>
          )}
        </section>
      </div>
    </>
  );
}

export interface JobPageProps {
  job: JobCard;
  /** The CSRF token of the delete form, given only to those who may change the job. */
  manageCsrf?: string;
  flash?: string | null;
}

export function JobPage(props: JobPageProps) {
  const j = props.job;
  return (
    <>
      <Head>
        <title>{j.title} — Jobs — Prok</title>
      </Head>
      <div class="mx-auto max-w-3xl">
        <p>
          <a href="/jobs" class={LINK}>All jobs</a>
        </p>
        {props.flash && <Notice>{props.flash}</Notice>}
        <article class="mt-4 rounded-lg border border-gray-200 bg-white p-6 shadow-sm">
          <h1 class="break-words text-2xl font-bold text-gray-900">{j.title}</h1>
          <Facts job={j} />
          <p class="mt-4 whitespace-pre-wrap break-words text-gray-800">{j.description}</p>
        </article>
        {props.manageCsrf && (
          <div class="mt-4 flex flex-wrap items-center gap-4">
            <a href={`${jobPath(j.id)}/edit`} class={LINK}>Edit this job</a>
            <form method="post" action={`${jobPath(j.id)}/delete`}>
              <CsrfField token={props.manageCsrf} />
              <button
                type="submit"
                class={`rounded-full border border-red-700 px-4 py-1.5 font-semibold text-red-700 hover:bg-red-50 ${FOCUS}`}
              >
                Delete this job
              </button>
            </form>
          </div>
        )}
      </div>
    </>
  );
}

export interface JobFormProps {
  form: FormState;
  /** Editing an existing job; a new one otherwise. */
  jobId?: string;
}

/** Posting or editing a job: a plain form whose errors are shown by each field and kept values. */
export function JobForm(props: JobFormProps) {
  const { form } = props;
  const v = form.values;
  const action = props.jobId ? `${jobPath(props.jobId)}/edit` : "/jobs/new";
  const title = props.jobId ? "Edit the job" : "Post a job";
  return (
    <>
      <Head>
        <title>{title} — Prok</title>
      </Head>
      <section aria-labelledby="form-title" class="mx-auto max-w-2xl rounded-lg border border-gray-200 bg-white p-6">
        <h1 id="form-title" class="text-2xl font-bold text-gray-900">{title}</h1>
        <ErrorSummary form={form} />
        <form method="post" action={action} novalidate>
          <CsrfField token={form.csrf} />
          <Field
            name="title"
            label={JOB_LABELS.title}
            value={v.title}
            error={form.errors.title}
            required
            maxlength={255}
          />
          <Field
            name="description"
            label={JOB_LABELS.description}
            value={v.description}
            error={form.errors.description}
            required
            rows={10}
            maxlength={10_000}
          />
          <Field
            name="location"
            label={JOB_LABELS.location}
            value={v.location}
            error={form.errors.location}
            maxlength={255}
          />
          <Field
            name="salaryRange"
            label={JOB_LABELS.salaryRange}
            value={v.salaryRange}
            error={form.errors.salaryRange}
            hint="For example: €60,000–€75,000 a year"
            maxlength={100}
          />
          <div class="mt-4">
            <label for="jobType" class="block text-sm font-semibold text-gray-900">{JOB_LABELS.jobType}</label>
            {form.errors.jobType && (
              <p id="jobType-error" class="mt-1 text-sm font-medium text-red-700">{form.errors.jobType}</p>
            )}
            <select
              id="jobType"
              name="jobType"
              class={SELECT}
              aria-invalid={form.errors.jobType ? "true" : undefined}
              aria-describedby={form.errors.jobType ? "jobType-error" : undefined}
            >
              {Object.entries(JOB_TYPES).map(([value, label]) => (
                <option value={value} selected={(v.jobType || "full-time") === value}>{label}</option>
              ))}
            </select>
          </div>
          <SubmitButton>{props.jobId ? "Save the job" : "Post the job"}</SubmitButton>
        </form>
      </section>
    </>
  );
}
