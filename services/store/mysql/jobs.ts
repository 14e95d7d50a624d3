// Jobs on MySQL / MariaDB (migrations/005): every write commits its event in the same transaction (see store.ts).
//
// listJobs answers in one of three ways:
// - with `q`: one statement, every filter in its WHERE, driven by the FULLTEXT index ft_jobs_text (a boolean-mode
//   MATCH with `+word*` per word); exact pages, whose cost grows with the jobs that hold all the words;
// - otherwise, when the range's index answers every filter (none; `jobType`; `posterId`): a backward range scan of
//   ix_jobs_created, ix_jobs_type_created or ix_jobs_poster_created for `limit` + 1 positions, then their rows by
//   primary key, in one statement: exact, and the cost of a page does not grow with the number of jobs;
// - otherwise (`location`, or `jobType` under `posterId`): the same range scan, at most JOB_SCAN_BUDGET positions per
//   page, each checked against the other filters on its row; then the page's jobs by primary key. A page that ran
//   out of budget answers what it found with `next` past what it scanned, as the Deno KV adapter does (a substring of
//   the location cannot use an index, and an anonymous caller must not make one page scan every job).
import { NotFoundError } from "../../errors.ts";
import { jobChanges } from "../../rules/patches.ts";
import { jobQueryWords } from "../job_filters.ts";
import { newJobRecord } from "../records.ts";
import type {
  IdempotencyCompletion,
  Job,
  JobPatch,
  JobPosition,
  JobsPage,
  JobsQuery,
  JobType,
  NewJob,
} from "../model.ts";
import type { Param } from "./pool.ts";
import { holdClaim, recordAnswer } from "./idempotency.ts";
import {
  type Ctx,
  dbId,
  inLists,
  keysetPage,
  likePattern,
  limitParam,
  lockMembers,
  OLDER_THAN,
  outboxEvent,
  pageLimit,
  recordsByIds,
  updateRow,
  writeEvents,
} from "./shared.ts";

/** Rows a filtered page without `q` may scan; each costs an index entry and a primary-key read of its location. */
export const JOB_SCAN_BUDGET = 1_000;
/** Positions one scan statement reads at most: small pages of dense matches stop after the first one. */
const SCAN_CHUNK = 200;

const JOB_COLUMNS = "id, poster_id, title, description, location, salary_range, job_type, created_at, updated_at";

/** The column of each field a job patch may set (rules/patches.ts decides which it sets). */
const PATCH_COLUMNS = {
  title: "title",
  description: "description",
  location: "location",
  salaryRange: "salary_range",
  jobType: "job_type",
} as const satisfies Record<keyof JobPatch, string>;

interface JobRow {
  id: string | number;
  poster_id: string | number;
  title: string;
  description: string;
  location: string;
  salary_range: string | null;
  job_type: JobType;
  created_at: Date;
  updated_at: Date;
}

function toJob(row: JobRow): Job {
  return {
    id: String(row.id),
    posterId: String(row.poster_id),
    title: row.title,
    description: row.description,
    location: row.location,
    salaryRange: row.salary_range,
    jobType: row.job_type,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The boolean-mode search for `words` (letters, marks and digits only, so none is an operator): all, as prefixes. */
export function booleanQuery(words: string[]): string {
  return words.map((w) => `+${w}*`).join(" ");
}

export async function createJob(ctx: Ctx, input: NewJob, done?: IdempotencyCompletion<Job>): Promise<Job> {
  const posterId = dbId(input.posterId);
  if (!posterId) throw new NotFoundError("member");
  const now = new Date();
  const job = newJobRecord({ ...input, posterId }, now);
  const id = await ctx.db.writer.transaction(async (tx) => {
    await lockMembers(tx, [posterId]);
    await holdClaim(tx, done);
    const { insertId } = await tx.execute(
      "INSERT INTO jobs (poster_id, title, description, location, salary_range, job_type, created_at, updated_at) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      [posterId, job.title, job.description, job.location, job.salaryRange, job.jobType, now, now],
    );
    await writeEvents(tx, [outboxEvent("job.created", insertId)]);
    await recordAnswer(tx, done, { id: insertId, ...job });
    return insertId;
  });
  ctx.kick();
  return { id, ...job };
}

export async function getJob(ctx: Ctx, id: string): Promise<Job | null> {
  const key = dbId(id);
  if (!key) return null;
  const [row] = await ctx.db.reader.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`, [key]);
  return row ? toJob(row) : null;
}

/** The jobs that exist among `ids`, in the order of `ids` (missing ones are skipped). */
export function getJobs(ctx: Ctx, ids: string[]): Promise<Job[]> {
  return recordsByIds(ctx, `SELECT ${JOB_COLUMNS} FROM jobs`, ids, toJob);
}

/** Applies the patch (undefined fields are left alone); updatedAt moves by at least a millisecond. */
export async function updateJob(ctx: Ctx, id: string, patch: JobPatch): Promise<Job | null> {
  const key = dbId(id);
  if (!key) return null;
  const changes = (Object.entries(jobChanges(patch)) as [keyof JobPatch, Param][])
    .map(([field, value]): [string, Param] => [PATCH_COLUMNS[field], value]);
  return await updateRow(ctx, JOB_UPDATE, key, changes);
}

const JOB_UPDATE = { table: "jobs", columns: JOB_COLUMNS, event: "job.updated", toRecord: toJob } as const;

export async function deleteJob(ctx: Ctx, id: string): Promise<boolean> {
  const key = dbId(id);
  if (!key) return false;
  const deleted = await ctx.db.writer.transaction(async (tx) => {
    const [row] = await tx.query<{ poster_id: string }>("SELECT poster_id FROM jobs WHERE id = ? FOR UPDATE", [key]);
    if (!row) return false;
    await tx.execute("DELETE FROM jobs WHERE id = ?", [key]);
    await writeEvents(tx, [outboxEvent("job.deleted", key, [String(row.poster_id)])]);
    return true;
  });
  if (deleted) ctx.kick();
  return deleted;
}

const EMPTY: JobsPage = { items: [], next: null };

/** Where a listing resumes: the position of the previous page's last job, as the statements compare it. */
export interface After {
  at: Date;
  id: string;
}

/** Newest first, keyset-paginated; see the top of this file for how each combination of filters is answered. */
export async function listJobs(ctx: Ctx, query: JobsQuery): Promise<JobsPage> {
  const limit = pageLimit(query.limit, "listJobs");
  const posterId = query.posterId === undefined ? null : dbId(query.posterId);
  if (query.posterId !== undefined && !posterId) return EMPTY;
  let after: After | null = null;
  if (query.after) {
    const id = dbId(query.after.id);
    if (!id || !Number.isSafeInteger(query.after.createdAt)) return EMPTY;
    after = { at: new Date(query.after.createdAt), id };
  }
  const words = query.q === undefined ? [] : jobQueryWords(query.q);
  const location = query.location ? likePattern(query.location) : null;

  // The range every answer reads: one poster's, one type's, or everyone's.
  const range: Range = { where: [], params: [] };
  if (posterId) {
    range.where.push("poster_id = ?");
    range.params.push(posterId);
  } else if (query.jobType) {
    range.where.push("job_type = ?");
    range.params.push(query.jobType);
  }
  // What that range's index does not answer.
  const checks: Range = { where: [], params: [] };
  if (posterId && query.jobType) {
    checks.where.push("job_type = ?");
    checks.params.push(query.jobType);
  }
  if (location) {
    checks.where.push("location LIKE ? ESCAPE '!'");
    checks.params.push(location);
  }

  if (words.length > 0) {
    const where = ["MATCH (title, description, location) AGAINST (? IN BOOLEAN MODE)", ...range.where, ...checks.where];
    return await searchPage(
      ctx,
      { where, params: [booleanQuery(words), ...range.params, ...checks.params] },
      after,
      limit,
    );
  }
  if (checks.where.length === 0) return await rangePage(ctx, range, after, limit);
  return await scannedPage(ctx, range, checks, after, limit);
}

/** Conditions joined by AND, with their parameters in order. */
export interface Range {
  where: string[];
  params: Param[];
}

const whereSql = (where: string[]) => (where.length ? `WHERE ${where.join(" AND ")} ` : "");

/**
 * The positions (id, created_at) of `range` after `after`, newest first, at most `?` of them: a backward range scan
 * of the range's index that reads the index alone. Reading positions only is what keeps it a range scan: asked for
 * whole rows, MariaDB may pick a `ref` on the index's first column instead, which reads a type's or poster's newer
 * jobs again on every page, so a deep page costs more than the first.
 */
export function positionsSql(range: Range, after: After | null): { sql: string; params: Param[] } {
  const where = after ? [...range.where, OLDER_THAN] : range.where;
  const params = after ? [...range.params, after.at, after.at, after.id] : range.params;
  return {
    sql: `SELECT id, created_at FROM jobs ${whereSql(where)}ORDER BY created_at DESC, id DESC LIMIT ?`,
    params,
  };
}

const QUALIFIED_COLUMNS = JOB_COLUMNS.split(", ").map((c) => `j.${c}`).join(", ");

/** A page of a range with no other filter: `limit` + 1 positions, then their rows by primary key, in one statement. */
async function rangePage(ctx: Ctx, range: Range, after: After | null, limit: number): Promise<JobsPage> {
  const positions = positionsSql(range, after);
  const rows = await ctx.db.reader.query<JobRow>(
    `SELECT ${QUALIFIED_COLUMNS} FROM (${positions.sql}) w JOIN jobs j ON j.id = w.id ` +
      "ORDER BY w.created_at DESC, w.id DESC",
    [...positions.params, limitParam(limit + 1)],
  );
  return keysetPage(rows, limit, toJob);
}

/** The statement of a `q` page, driven by the FULLTEXT index, every filter in its WHERE; LIMIT `?` last. */
export function searchSql(search: Range, after: After | null): { sql: string; params: Param[] } {
  const where = after ? [...search.where, OLDER_THAN] : search.where;
  const params = after ? [...search.params, after.at, after.at, after.id] : search.params;
  return { sql: `SELECT ${JOB_COLUMNS} FROM jobs ${whereSql(where)}ORDER BY created_at DESC, id DESC LIMIT ?`, params };
}

/** A page of `q`: `limit` + 1 rows of the search statement. */
async function searchPage(ctx: Ctx, search: Range, after: After | null, limit: number): Promise<JobsPage> {
  const { sql, params } = searchSql(search, after);
  return keysetPage(await ctx.db.reader.query<JobRow>(sql, [...params, limitParam(limit + 1)]), limit, toJob);
}

/**
 * Reads the positions of `range` newest first, SCAN_CHUNK at a time, each with whether `checks` hold for its row,
 * until `limit` hits or JOB_SCAN_BUDGET rows; one row past either tells "more follow" from "exhausted". Then the
 * hits' records by primary key.
 */
async function scannedPage(
  ctx: Ctx,
  range: Range,
  checks: Range,
  after: After | null,
  limit: number,
): Promise<JobsPage> {
  const budget = Math.max(JOB_SCAN_BUDGET, limit);
  // Unqualified: the derived table has only id and created_at, so the checks' columns are the row's.
  const hit = checks.where.join(" AND ");
  const hits: string[] = [];
  let scanned = 0;
  let last: JobPosition | null = null;
  let position = after;
  const page = async (next: JobPosition | null): Promise<JobsPage> => ({ items: await getJobs(ctx, hits), next });
  for (;;) {
    // After `limit` hits, one more row is all it takes to know whether another page follows.
    const want = hits.length === limit ? 1 : Math.min(SCAN_CHUNK, budget + 1 - scanned);
    const positions = positionsSql(range, position);
    const rows = await ctx.db.reader.query<{ id: string; created_at: Date; hit: unknown }>(
      `SELECT w.id, w.created_at, (${hit}) AS hit FROM (${positions.sql}) w JOIN jobs j ON j.id = w.id ` +
        "ORDER BY w.created_at DESC, w.id DESC",
      [...checks.params, ...positions.params, limitParam(want)],
    );
    for (const row of rows) {
      if (hits.length === limit || scanned === budget) return await page(last);
      scanned++;
      last = { createdAt: row.created_at.getTime(), id: String(row.id) };
      if (Number(row.hit) === 1) hits.push(last.id);
    }
    if (rows.length < want) return await page(null);
    position = { at: new Date(last!.createdAt), id: last!.id };
  }
}

/**
 * Deletes up to `batch` of a poster's jobs in one transaction, each with its `job.deleted` event naming the poster.
 * Resolves to how many it found (fewer than `batch`: none are left).
 */
export async function purgePosterJobs(ctx: Ctx, posterId: string, batch: number): Promise<number> {
  const found = await ctx.db.writer.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>("SELECT id FROM jobs WHERE poster_id = ? LIMIT ? FOR UPDATE", [
      posterId,
      limitParam(batch),
    ]);
    const ids = rows.map((r) => String(r.id));
    for (const list of inLists(ids)) {
      await tx.execute(`DELETE FROM jobs WHERE id IN (${list.placeholders})`, list.params);
    }
    await writeEvents(tx, ids.map((id) => outboxEvent("job.deleted", id, [posterId])));
    return ids.length;
  });
  if (found > 0) ctx.kick();
  return found;
}
