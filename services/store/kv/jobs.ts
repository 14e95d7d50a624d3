// Jobs on Deno KV: the record and its three listing copies (everyone's, one type's, one poster's), written together
// with the event by writeJob.
//
// listJobs reads one listing range newest first: the poster's when `posterId` is given (a poster has few jobs), else
// the type's when `jobType` is, else everyone's. Without further filters a page is exact: `limit` + 1 entries, so its
// cost does not grow with the number of jobs. The other filters (`q`, `location`, and `jobType` under `posterId`)
// are checked on the copies as the range is read, at most JOB_SCAN_BUDGET entries per page, like listUsers: a page
// that ran out of budget answers what it found (maybe nothing) with `next` past what it scanned, and the client pages
// on; `next` is null only when the range is exhausted.
//
// Why not index keys for `q`: to be exact they would need one key per distinct word of title, description and
// location (a 10,000-character description can hold well over 1,000 distinct words, which a single atomic commit
// cannot write: KV allows 1,000 mutations per commit, and the record and its index must go in one), and a word
// prefix ("eng" for "engineer", "engineering", "english", ...) would still be a merge of many ranges with no
// newest-first order across them, so a page would not be bounded either. Capping the words per job would make it
// inexact. The bounded scan is exact in what it answers and bounded per page; the ranked, word-indexed search over
// jobs is the search index's job (services/search), not this listing's. `location` is a substring, which no key
// order can serve.
import { jobChanges } from "../../rules/patches.ts";
import { nextUpdatedAt } from "../../rules/time.ts";
import { NotFoundError } from "../../errors.ts";
import { newEvent } from "../events.ts";
import { enqueueEvent } from "./queue.ts";
import { jobQueryWords, locationNeedle, matchesJobQuery, matchesLocation } from "../job_filters.ts";
import { newJobRecord } from "../records.ts";
import type { DomainEvent, IdempotencyCompletion, Job, JobPatch, JobsPage, JobsQuery, NewJob, User } from "../model.ts";
import { heldClaim, recordAnswer } from "./idempotency.ts";
import { isId, newId } from "./ids.ts";
import * as keys from "./keys.ts";
import { checkLimit, commitOrRetry, type Ctx, getEntries, listNewest, lostRaces, MAX_TRIES, values } from "./shared.ts";

/**
 * Listing entries a filtered page may read. Each is a whole copy (a description is up to 10,000 characters, about
 * 20 KB at most, 2 to 3 KB typically), so this bounds a page to about 1.5 MB read in the usual case.
 */
export const JOB_SCAN_BUDGET = 500;

function sameKey(a: Deno.KvKey, b: Deno.KvKey): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

/**
 * The one place a job is written: checks `before` (for a new job, the fresh id's empty entry) and adds to `op` what
 * moves the record and its listing copies from `before` to `after` (null deletes them: then `before` must hold the
 * record), with the event if `type` names one; a deletion's event names the poster. Only the by-type copy can move.
 */
export function writeJob(
  op: Deno.AtomicOperation,
  before: Deno.KvEntryMaybe<Job>,
  after: Job | null,
  type: DomainEvent["type"] | null,
): Deno.AtomicOperation {
  const job = after ?? before.value!;
  op.check(before);
  const oldKeys = before.value ? [keys.job(job.id), ...keys.jobIndexKeys(before.value)] : [];
  const newKeys = after ? [keys.job(job.id), ...keys.jobIndexKeys(after)] : [];
  for (const key of oldKeys) if (!newKeys.some((k) => sameKey(k, key))) op.delete(key);
  for (const key of newKeys) op.set(key, after);
  if (type === null) return op;
  const event = newEvent(type, job.id, new Date(), after ? undefined : [job.posterId]);
  return enqueueEvent(op, event);
}

/** Publishes a job; NotFoundError when the poster does not exist (or is being deleted). Commits `job.created`. */
export async function createJob(ctx: Ctx, input: NewJob, done?: IdempotencyCompletion<Job>): Promise<Job> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const poster = isId(input.posterId) ? await ctx.kv.get<User>(keys.user(input.posterId)) : null;
    if (!poster?.value) throw new NotFoundError("member");
    const claim = done ? await heldClaim(ctx, done) : null;
    const { id, ms } = newId();
    const job: Job = { id, ...newJobRecord(input, new Date(ms)) };
    // Checking the poster's versionstamp means no job is added after deleteUser's commit, so the purge finds all.
    const op = ctx.kv.atomic().check(poster);
    const fresh = { key: keys.job(id), value: null, versionstamp: null };
    if (done && claim) recordAnswer(op, claim, done, job);
    if ((await commitOrRetry(writeJob(op, fresh, job, "job.created"))).ok) return job;
  }
  throw lostRaces("member");
}

export async function getJob(ctx: Ctx, id: string): Promise<Job | null> {
  if (!isId(id)) return null;
  return (await ctx.kv.get<Job>(keys.job(id))).value;
}

/** The jobs that exist among `ids`, in the order of `ids` (missing ones are skipped). */
export async function getJobs(ctx: Ctx, ids: string[]): Promise<Job[]> {
  return values(await getEntries<Job>(ctx, ids.filter(isId).map((id) => keys.job(id))));
}

/** Applies the patch (undefined fields are left alone); commits `job.updated`; null when there is no such job. */
export async function updateJob(ctx: Ctx, id: string, patch: JobPatch): Promise<Job | null> {
  if (!isId(id)) return null;
  const changes = jobChanges(patch);
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<Job>(keys.job(id));
    if (!entry.value) return null;
    const next: Job = { ...entry.value, ...changes, updatedAt: nextUpdatedAt(entry.value.updatedAt) };
    if ((await commitOrRetry(writeJob(ctx.kv.atomic(), entry, next, "job.updated"))).ok) return next;
  }
  throw lostRaces("job");
}

/** Deletes the job and its copies and commits `job.deleted` (naming the poster). False when there was none. */
export async function deleteJob(ctx: Ctx, id: string): Promise<boolean> {
  if (!isId(id)) return false;
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<Job>(keys.job(id));
    if (!entry.value) return false;
    if ((await commitOrRetry(writeJob(ctx.kv.atomic(), entry, null, "job.deleted"))).ok) return true;
  }
  throw lostRaces("job");
}

/** Newest first, keyset-paginated; see the top of this file for which range is read and how filters are bounded. */
export async function listJobs(ctx: Ctx, query: JobsQuery): Promise<JobsPage> {
  const { limit, after } = query;
  checkLimit("listJobs", limit);
  const byPoster = query.posterId !== undefined;
  if (byPoster && !isId(query.posterId!)) return { items: [], next: null };
  const prefix = byPoster
    ? keys.jobsByPoster(query.posterId!)
    : query.jobType
    ? keys.jobsByType(query.jobType)
    : keys.JOBS_BY_CREATED;

  const checks: ((job: Job) => boolean)[] = [];
  const jobType = query.jobType;
  if (byPoster && jobType) checks.push((job) => job.jobType === jobType);
  const needle = locationNeedle(query.location);
  if (needle !== null) checks.push((job) => matchesLocation(job, needle));
  const words = query.q === undefined ? [] : jobQueryWords(query.q);
  if (words.length > 0) checks.push((job) => matchesJobQuery(job, words));

  if (checks.length === 0) {
    const { entries, next } = await listNewest<Job>(ctx, prefix, limit, after);
    return { items: entries.map((e) => e.value), next };
  }

  const budget = Math.max(JOB_SCAN_BUDGET, limit);
  const selector = after ? { prefix, end: [...prefix, after.createdAt, after.id] } : { prefix };
  const items: Job[] = [];
  let scanned = 0;
  let last: Job | null = null;
  // One entry past the budget tells "stopped early" (next = last position) from "range exhausted" (next = null).
  const list = ctx.kv.list<Job>(selector, { reverse: true, limit: budget + 1, batchSize: Math.min(budget + 1, 500) });
  for await (const { value } of list) {
    if (items.length === limit || scanned === budget) {
      return { items, next: { createdAt: last!.createdAt.getTime(), id: last!.id } };
    }
    scanned++;
    last = value;
    if (checks.every((check) => check(value))) items.push(value);
  }
  return { items, next: null };
}
