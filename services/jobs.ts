// Jobs: recruiters (and admins) post them, everyone reads them, signed in or not. Object-level rules: only the
// poster or an admin edits or deletes a job.
import { membersById } from "./members.ts";
import { ForbiddenError, NotFoundError } from "./errors.ts";
import { decodeCursor, encodeCursor, isPosition } from "./store/cursor.ts";
import type { Job, JobPatch, JobType, NewJob, User } from "./store/model.ts";
import type { JobsPort } from "./store/ports/jobs.ts";
import type { MembersPort } from "./store/ports/members.ts";
import type { Once } from "./idempotency.ts";

/** The storage ports this module uses. */
type Store = JobsPort & MembersPort;

export interface JobsDeps {
  store: Store;
  cursorKey: Uint8Array;
  log: (event: Record<string, unknown>) => void;
}

/** A job with its poster, as pages and the API show it (API.md calls the poster `company`). */
export interface JobView {
  job: Job;
  poster: User;
}

export type JobInput = Omit<NewJob, "posterId">;

export function mayPostJobs(user: User | null | undefined): boolean {
  return user?.role === "recruiter" || user?.role === "admin";
}

async function withPosters(store: Store, jobs: Job[]): Promise<JobView[]> {
  const posters = await membersById(store, jobs.map((j) => j.posterId));
  // A job whose poster is being purged goes with them.
  return jobs.flatMap((job) => posters.has(job.posterId) ? [{ job, poster: posters.get(job.posterId)! }] : []);
}

/** The jobs among `ids` that still exist with their posters, in the order of `ids` (search hits). */
export async function getJobsView(store: Store, ids: string[]): Promise<JobView[]> {
  return await withPosters(store, await store.getJobs(ids));
}

export async function postJob(deps: JobsDeps, caller: User, input: JobInput, once?: Once<JobView>): Promise<JobView> {
  if (!mayPostJobs(caller)) throw new ForbiddenError("Only recruiters can post jobs.");
  const job = await deps.store.createJob(
    { ...input, posterId: caller.id },
    once?.completing((job: Job) => ({ job, poster: caller })),
  );
  deps.log({ msg: "job posted", jobId: job.id, userId: caller.id });
  return { job, poster: caller };
}

export async function getJobView(deps: Pick<JobsDeps, "store">, id: string): Promise<JobView> {
  const job = await deps.store.getJob(id);
  const [view] = job ? await withPosters(deps.store, [job]) : [];
  if (!view) throw new NotFoundError("job");
  return view;
}

/** Whether `caller` may change the job: its poster or an admin. */
export function mayChangeJob(caller: User | null | undefined, job: Job): boolean {
  return !!caller && (caller.id === job.posterId || caller.role === "admin");
}

async function changeable(deps: JobsDeps, caller: User, id: string, action: string): Promise<JobView> {
  const view = await getJobView(deps, id); // unknown is 404 before the 403 question
  if (!mayChangeJob(caller, view.job)) throw new ForbiddenError(`Only the job's poster or an admin may ${action} it.`);
  return view;
}

export async function editJob(deps: JobsDeps, caller: User, id: string, patch: JobPatch): Promise<JobView> {
  const { poster } = await changeable(deps, caller, id, "edit");
  const job = await deps.store.updateJob(id, patch);
  if (!job) throw new NotFoundError("job");
  return { job, poster };
}

export async function removeJob(deps: JobsDeps, caller: User, id: string): Promise<void> {
  await changeable(deps, caller, id, "delete");
  if (!await deps.store.deleteJob(id)) throw new NotFoundError("job");
  deps.log({ msg: "job deleted", jobId: id, by: caller.id });
}

export async function listJobs(
  deps: JobsDeps,
  query: { q?: string; location?: string; jobType?: JobType; posterId?: string; limit: number; cursor?: string },
): Promise<{ items: JobView[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(deps.cursorKey, "jobs", query.cursor, isPosition) : undefined;
  const page = await deps.store.listJobs({
    q: query.q?.trim() || undefined,
    location: query.location?.trim() || undefined,
    jobType: query.jobType,
    posterId: query.posterId,
    limit: query.limit,
    after,
  });
  return {
    items: await withPosters(deps.store, page.items),
    nextCursor: page.next ? encodeCursor(deps.cursorKey, "jobs", page.next) : null,
  };
}
