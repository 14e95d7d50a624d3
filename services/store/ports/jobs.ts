// The jobs port: job offers.
import type { IdempotencyCompletion, Job, JobPatch, JobsPage, JobsQuery, NewJob } from "../model.ts";

/** Job offers. */
export interface JobsPort {
  /** Publishes a job; NotFoundError when the poster does not exist. Commits `job.created`. */
  createJob(input: NewJob, done?: IdempotencyCompletion<Job>): Promise<Job>;
  getJob(id: string): Promise<Job | null>;
  /** The jobs that exist among `ids`, in the order of `ids`. */
  getJobs(ids: string[]): Promise<Job[]>;
  /** Commits `job.updated`; null when the job does not exist. */
  updateJob(id: string, patch: JobPatch): Promise<Job | null>;
  /** Commits `job.deleted` (with the poster in `members`); false when there was none. */
  deleteJob(id: string): Promise<boolean>;
  /** Newest first, keyset-paginated, filtered; the cost of a page does not grow with the number of jobs unfiltered. */
  listJobs(query: JobsQuery): Promise<JobsPage>;
}
