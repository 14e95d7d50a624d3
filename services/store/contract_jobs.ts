// The contract of jobs, part of the one suite storeContract() runs against every adapter. Every answer is known by
// hand. Ids are the store's own (time-ordered text on KV, numbers on MySQL) and never compared as text; jobs made one
// after another get increasing createdAt, or the same millisecond and increasing ids, so "newest first" is the reverse
// of creation order.
//
// A filtered listing may answer a page with fewer than `limit` items and a `next` position (an adapter may bound how
// much it scans per page), so the tests page until `next` is null and compare what all pages hold together. The
// texts `q` is tested with use words of three letters or more and none of MySQL's full-text stopwords, since MySQL may
// answer `q` from a FULLTEXT index (which does not index shorter words).
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { NotFoundError } from "../errors.ts";
import { type ContractTest, listen, newUser, UNICODE, UNKNOWN } from "./contract.ts";
import type { Job, JobPosition, JobsQuery, JobType, NewJob, User } from "./model.ts";
import type { Store } from "./store.ts";

const JOB_TYPES: JobType[] = ["full-time", "part-time", "contract", "internship"];

async function recruiters(store: Store, count: number, from = 1): Promise<User[]> {
  const made: User[] = [];
  for (let n = from; n < from + count; n++) made.push(await store.createUser(newUser(n, { role: "recruiter" })));
  return made;
}

function post(store: Store, poster: User, fields: Partial<Omit<NewJob, "posterId">> = {}): Promise<Job> {
  return store.createJob({
    posterId: poster.id,
    title: "Platform Developer",
    description: "Build things",
    jobType: "full-time",
    ...fields,
  });
}

type Filters = Omit<JobsQuery, "limit" | "after">;

/** Every page of a listing: no page is over `limit`, the listing ends, and no job shows twice. */
export async function jobPages(store: Store, filters: Filters, limit: number): Promise<Job[][]> {
  const pages: Job[][] = [];
  let after: JobPosition | undefined = undefined;
  for (;;) {
    const page = await store.listJobs({ ...filters, limit, after });
    assert(page.items.length <= limit, `a page holds at most ${limit}`);
    pages.push(page.items);
    if (!page.next) break;
    assert(pages.length < 500, "the listing ends");
    after = page.next;
  }
  const ids = pages.flat().map((j) => j.id);
  assertEquals(new Set(ids).size, ids.length, `no job shows twice: ${JSON.stringify(filters)}`);
  return pages;
}

/** The ids of every job a listing holds, newest first, read `limit` at a time. */
async function jobIds(store: Store, filters: Filters, limit = 100): Promise<string[]> {
  return (await jobPages(store, filters, limit)).flat().map((j) => j.id);
}

const idsOf = (jobs: Job[]) => jobs.map((j) => j.id);
const newestFirst = (jobs: Job[]) => idsOf(jobs).reverse();

export function jobsContract(test: ContractTest) {
  test("a job round-trips exactly: Unicode, 4-byte emoji, a 10,000-character description, defaults", async (store) => {
    const [r] = await recruiters(store, 1);
    const emoji = "🧑🏽‍💻";
    const unit = `${UNICODE}\n${emoji}\t`;
    const long = unit.repeat(Math.floor(10_000 / unit.length)).padEnd(10_000, "x"); // 10,000 UTF-16 units
    const title = emoji.repeat(Math.floor(255 / emoji.length)).padEnd(255, "t");
    assertEquals([long.length, title.length], [10_000, 255]);

    const plain = await store.createJob({ posterId: r.id, title, description: long, jobType: "contract" });
    assertEquals(typeof plain.id, "string");
    assert(plain.createdAt instanceof Date && plain.updatedAt instanceof Date);
    assertEquals(plain.updatedAt.getTime(), plain.createdAt.getTime(), "a new job was last updated when created");
    assertEquals(
      [plain.posterId, plain.title, plain.description, plain.location, plain.salaryRange, plain.jobType],
      [r.id, title, long, "", null, "contract"],
      "location defaults to '', salaryRange to null",
    );
    assertEquals(await store.getJob(plain.id), plain);

    const place = `Zürich 🏔️ ${UNICODE}`.padEnd(255, "z");
    const full = await store.createJob({
      posterId: r.id,
      title: `Senior ${UNICODE}`,
      description: "a\nb\tc — 💶",
      location: place,
      salaryRange: "€90k–110k 💶",
      jobType: "internship",
    });
    assertEquals([full.location, full.salaryRange, full.jobType], [place, "€90k–110k 💶", "internship"]);
    assertEquals(await store.getJob(full.id), full);

    const explicit = await post(store, r, { location: "", salaryRange: null, jobType: "part-time" });
    assertEquals([explicit.location, explicit.salaryRange], ["", null]);
    assertEquals(await store.getJob(explicit.id), explicit);

    assertEquals(
      await store.getJobs([full.id, ...UNKNOWN, plain.id]),
      [full, plain],
      "in the order asked, missing skipped",
    );
    assertEquals(await store.getJobs([]), []);
    assertEquals((await store.listJobs({ limit: 10 })).items, [explicit, full, plain], "listings hold the records");
  });

  test("a job needs a poster who exists", async (store) => {
    for (const id of UNKNOWN) {
      const err = await assertRejects(() => store.createJob({ ...jobFields(), posterId: id }));
      assert(err instanceof NotFoundError, String(err));
    }
    const [gone] = await recruiters(store, 1);
    assertEquals(await store.deleteUser(gone.id), true);
    const err = await assertRejects(() => store.createJob({ ...jobFields(), posterId: gone.id }));
    assert(err instanceof NotFoundError, String(err));
    assertEquals(await jobIds(store, {}), []);
  });

  test("an update changes only the given fields and moves updatedAt; createdAt and the poster stay", async (store) => {
    const [r, other] = await recruiters(store, 2);
    const job = await post(store, r, { location: "Berlin", salaryRange: "50k", jobType: "full-time" });
    const bystander = await post(store, other, { jobType: "full-time" });

    const retitled = await store.updateJob(job.id, { title: `New ${UNICODE}` });
    assert(retitled);
    assertEquals({ ...retitled, updatedAt: job.updatedAt }, { ...job, title: `New ${UNICODE}` });
    assert(retitled.updatedAt > job.updatedAt, "updatedAt moves");
    assertEquals(await store.getJob(job.id), retitled);

    const moved = await store.updateJob(job.id, {
      title: undefined,
      description: "Now remote",
      location: "",
      salaryRange: null,
      jobType: "internship",
    });
    assert(moved);
    assertEquals(moved, {
      ...retitled,
      description: "Now remote",
      location: "",
      salaryRange: null,
      jobType: "internship",
      updatedAt: moved.updatedAt,
    });
    assert(moved.updatedAt > retitled.updatedAt, "updatedAt moves again");
    assertEquals([moved.createdAt, moved.posterId], [job.createdAt, r.id]);
    assertEquals(await store.getJob(job.id), moved);

    // Every listing follows, the one by type included.
    assertEquals((await store.listJobs({ jobType: "full-time", limit: 10 })).items, [bystander]);
    assertEquals((await store.listJobs({ jobType: "internship", limit: 10 })).items, [moved]);
    assertEquals((await store.listJobs({ posterId: r.id, limit: 10 })).items, [moved]);
    assertEquals((await store.listJobs({ limit: 10 })).items, [bystander, moved]);
    assertEquals(await jobIds(store, { q: "remote" }), [job.id]);
    assertEquals(await jobIds(store, { location: "berlin" }), []);

    const back = await store.updateJob(job.id, { salaryRange: "60k", location: "Lisbon" });
    assertEquals([back?.salaryRange, back?.location, back?.description], ["60k", "Lisbon", "Now remote"]);
    for (const id of UNKNOWN) assertEquals(await store.updateJob(id, { title: "x" }), null);
  });

  test("deleting a job removes it from every listing; deleting it again answers false", async (store) => {
    const [r] = await recruiters(store, 1);
    const gone = await post(store, r, { jobType: "contract", location: "Porto", title: "Gone Soon" });
    const kept = await post(store, r, { jobType: "contract", location: "Porto", title: "Staying Here" });
    assertEquals(await store.deleteJob(gone.id), true);
    assertEquals(await store.getJob(gone.id), null);
    assertEquals(await store.deleteJob(gone.id), false);
    assertEquals(await store.getJobs([gone.id, kept.id]), [kept]);
    for (
      const filters of [{}, { jobType: "contract" }, { posterId: r.id }, { location: "porto" }, {
        q: "gone",
      }] as Filters[]
    ) {
      assertEquals((await jobIds(store, filters)).includes(gone.id), false, JSON.stringify(filters));
    }
    assertEquals(await jobIds(store, { posterId: r.id }), [kept.id]);
    for (const id of UNKNOWN) assertEquals(await store.deleteJob(id), false);
  });

  test("job writes commit their events; a deletion's names the poster", async (store) => {
    const queue = listen(store);
    const [r] = await recruiters(store, 1);
    const job = await post(store, r);
    await store.updateJob(job.id, { title: "Changed" });
    await store.deleteJob(job.id);
    const created = await queue.waitFor("job.created", job.id);
    await queue.waitFor("job.updated", job.id);
    const deleted = await queue.waitFor("job.deleted", job.id);
    assertEquals(deleted.members, [r.id]);
    assert(created.eventId && !Number.isNaN(Date.parse(created.at)));
    assertEquals(new Set(queue.events.map((e) => e.eventId)).size, queue.events.length, "event ids are unique");
  });

  test("jobs list newest first, page by page without gaps or repeats: all, by type, by poster", async (store) => {
    const [a, b] = await recruiters(store, 2);
    const made: Job[] = [];
    for (let i = 0; i < 13; i++) {
      made.push(await post(store, i % 3 ? a : b, { title: `Role ${i}`, jobType: JOB_TYPES[i % 4] }));
    }
    for (const limit of [1, 2, 3, 5, 12, 13, 100]) {
      const pages = await jobPages(store, {}, limit);
      assertEquals(pages.flat().map((j) => j.id), newestFirst(made), `limit ${limit}`);
      for (const page of pages.slice(0, -1)) assertEquals(page.length, limit, "an unfiltered page is full");
      assertEquals(pages.length, Math.max(1, Math.ceil(13 / limit)), "the last page says it is the last");
      for (const type of JOB_TYPES) {
        assertEquals(
          await jobIds(store, { jobType: type }, limit),
          newestFirst(made.filter((j) => j.jobType === type)),
          `${type}, limit ${limit}`,
        );
      }
      for (const poster of [a, b]) {
        assertEquals(
          await jobIds(store, { posterId: poster.id }, limit),
          newestFirst(made.filter((j) => j.posterId === poster.id)),
        );
        assertEquals(
          await jobIds(store, { posterId: poster.id, jobType: "contract" }, limit),
          newestFirst(made.filter((j) => j.posterId === poster.id && j.jobType === "contract")),
        );
      }
    }
    const first = await store.listJobs({ limit: 2 });
    assertEquals(first.items, [made[12], made[11]], "the items are the records, exactly");
    assert(first.next);
    assertEquals((await store.listJobs({ limit: 2, after: first.next })).items, [made[10], made[9]]);
  });

  test("the location filter is a case-insensitive substring, wildcards literal", async (store) => {
    const [r] = await recruiters(store, 1);
    const places = [
      "Berlin, Germany (hybrid)",
      "BERLIN",
      "Remote — Europe",
      "",
      "100% remote_ok",
      "100x remoteXok",
      "Berlingo Street",
      `Zürich ${UNICODE}`,
    ];
    const jobs: Job[] = [];
    for (const location of places) jobs.push(await post(store, r, { location }));
    const at = (...indexes: number[]) => idsAt(jobs, ...indexes);
    for (const limit of [1, 3, 100]) {
      assertEquals(await jobIds(store, { location: "berlin" }, limit), at(6, 1, 0));
      assertEquals(await jobIds(store, { location: "ERLIN, G" }, limit), at(0));
      assertEquals(await jobIds(store, { location: "germany (hyb" }, limit), at(0));
      assertEquals(await jobIds(store, { location: "remote" }, limit), at(5, 4, 2));
      assertEquals(await jobIds(store, { location: "100%" }, limit), at(4), "% is literal");
      assertEquals(await jobIds(store, { location: "e_o" }, limit), at(4), "_ is literal");
      assertEquals(await jobIds(store, { location: "zürich" }, limit), at(7));
      assertEquals(await jobIds(store, { location: "李小龍" }, limit), at(7));
      assertEquals(await jobIds(store, { location: "nowhere" }, limit), []);
    }
  });

  test("the jobType filter is exact", async (store) => {
    const [r] = await recruiters(store, 1);
    const jobs: Job[] = [];
    for (let i = 0; i < 8; i++) jobs.push(await post(store, r, { jobType: JOB_TYPES[(i * 3) % 4] }));
    for (const type of JOB_TYPES) {
      const ids = await jobIds(store, { jobType: type }, 1);
      assertEquals(ids, newestFirst(jobs.filter((j) => j.jobType === type)));
      assertEquals(ids.length, 2);
    }
  });

  test("q wants every word, whole or a word's beginning, in title, description or location", async (store) => {
    const [r] = await recruiters(store, 1);
    const spec: [string, string, string][] = [
      ["Senior Rust Engineer", "Build payment systems", "Berlin, Germany (hybrid)"],
      ["Rustic Furniture Designer", "Craft oak tables", "Porto"],
      ["Data Engineer", "Python pipelines plus Rust tooling", "Remote"],
      ["Trust Safety Analyst", "Review reports", "Dublin"],
      ["Engineering Manager", "Lead platform teams", "Lisbon"],
      ["Golang Developer 2025", `Speaks ${UNICODE}`, "Zürich"],
    ];
    const jobs: Job[] = [];
    for (const [title, description, location] of spec) {
      jobs.push(await post(store, r, { title, description, location }));
    }
    const at = (...indexes: number[]) => idsAt(jobs, ...indexes);
    const cases: [string, string[]][] = [
      ["rust eng", at(2, 0)],
      ["RUST", at(2, 1, 0)],
      ["ust", []],
      ["ineer", []],
      ["engineer", at(4, 2, 0)],
      ["Engineering", at(4)],
      ["pay", at(0)],
      ["germany hybrid", at(0)],
      ["python engineer", at(2)],
      ["lisbon lead", at(4)],
      ["rust porto", at(1)],
      ["engineer furniture", []],
      ["rust, ENG!", at(2, 0)],
      [`+rust -eng* "(data`, at(2)],
      ["2025", at(5)],
      ["ZÜRICH golang", at(5)],
      ["ñandú 李小龍", at(5)],
      ["nothing", []],
    ];
    for (const [q, expected] of cases) {
      for (const limit of [1, 100]) assertEquals(await jobIds(store, { q }, limit), expected, `q=${q}, limit ${limit}`);
    }
  });

  test("filters combine: q, location, jobType and poster together and in pairs", async (store) => {
    const [p, o] = await recruiters(store, 2);
    const made: Job[] = [];
    const add = async (poster: User, jobType: JobType, title: string, location: string) =>
      made.push(await post(store, poster, { jobType, title, location }));
    await add(p, "full-time", "Rust Engineer", "Berlin"); // 0
    await add(o, "full-time", "Rust Engineer", "Berlin"); // 1
    await add(p, "contract", "Rust Engineer", "Berlin"); // 2
    await add(p, "full-time", "Rust Engineer", "Munich"); // 3
    await add(p, "full-time", "Python Engineer", "Berlin"); // 4
    await add(p, "full-time", "Rust Engineer", "Berlin, Germany"); // 5
    const expect = (filters: Filters) =>
      newestFirst(made.filter((j) =>
        (filters.q === undefined || j.title.startsWith("Rust")) &&
        (filters.location === undefined || j.location.startsWith("Berlin")) &&
        (filters.jobType === undefined || j.jobType === filters.jobType) &&
        (filters.posterId === undefined || j.posterId === filters.posterId)
      ));
    const all: Filters = { q: "rust", location: "berlin", jobType: "full-time", posterId: p.id };
    const names = Object.keys(all) as (keyof Filters)[];
    const subsets: Filters[] = [];
    for (let mask = 1; mask < 1 << names.length; mask++) {
      subsets.push(Object.fromEntries(names.filter((_, i) => mask & (1 << i)).map((n) => [n, all[n]])) as Filters);
    }
    for (const filters of subsets) {
      for (const limit of [1, 2, 100]) {
        assertEquals(await jobIds(store, filters, limit), expect(filters), `${JSON.stringify(filters)}, ${limit}`);
      }
    }
    assertEquals(await jobIds(store, all), idsAt(made, 5, 0));
    assertEquals(await jobIds(store, { ...all, posterId: o.id, jobType: "contract" }), []);
  });

  test("unknown or malformed ids find nothing", async (store) => {
    const [r, idle] = await recruiters(store, 2);
    await post(store, r);
    for (const id of UNKNOWN) {
      assertEquals(await store.getJob(id), null);
      assertEquals(await store.getJobs([id]), []);
      assertEquals(await store.listJobs({ posterId: id, limit: 10 }), { items: [], next: null });
      assertEquals(await store.listJobs({ posterId: id, q: "platform", limit: 10 }), { items: [], next: null });
    }
    assertEquals(await store.getJob(""), null);
    assertEquals(await store.listJobs({ posterId: idle.id, limit: 10 }), { items: [], next: null });
  });

  test("a deleted member's jobs are purged, each with its job.deleted event; others' stay", async (store) => {
    const [a, b] = await recruiters(store, 2);
    const mine: Job[] = [];
    for (let i = 0; i < 5; i++) mine.push(await post(store, a, { jobType: JOB_TYPES[i % 4], title: `Mine ${i}` }));
    const theirs = await post(store, b, { jobType: "full-time" });
    const queue = listen(store);
    assertEquals(await store.deleteUser(a.id), true);
    assertEquals(await store.purgeMemberContent(a.id), true);
    assertEquals(await store.purgeMemberContent(a.id), true, "running it again is harmless");
    assertEquals(await store.getJobs(idsOf(mine)), []);
    assertEquals(await jobIds(store, {}), [theirs.id]);
    assertEquals(await jobIds(store, { posterId: a.id }), []);
    assertEquals(await jobIds(store, { jobType: "full-time" }), [theirs.id]);
    assertEquals(await jobIds(store, { q: "mine" }), []);
    for (const job of mine) assertEquals((await queue.waitFor("job.deleted", job.id)).members, [a.id]);
    assertEquals(await store.getJob(theirs.id), theirs);
  });
}

function jobFields(): Omit<NewJob, "posterId"> {
  return { title: "Platform Developer", description: "Build things", jobType: "full-time" };
}

function idsAt(jobs: Job[], ...indexes: number[]): string[] {
  return indexes.map((i) => jobs[i].id);
}
