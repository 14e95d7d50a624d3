// API.md "Jobs", row by row, with failures, RBAC (a member posting is 403), BOLA and idempotency, through the real
// app; and "Search" for all three types, with the index worker running as in production.
import { assert, assertEquals } from "../framework/testing/assert.ts";
import { eventually } from "../services/testing.ts";
import { assertProblem, call, type Json, signUp } from "./api_client.ts";
import { type TestApp, withTestApp, withWorkers } from "./testing.ts";

type Signed = Awaited<ReturnType<typeof signUp>>;

const JOB = {
  title: "Senior Rust Engineer",
  description: "Build the storage engine.\nRemote-friendly team 🦀",
  location: "Berlin, Germany (hybrid)",
  salaryRange: "€80,000–€95,000",
  jobType: "full-time",
};

async function post(t: TestApp, who: Signed, body: Json = JOB) {
  const res = await call(t, "POST", "/api/jobs", body, who.accessToken);
  assertEquals(res.status, 201, res.text);
  return res.json;
}

const titles = (res: { json: Json }) => (res.json.items as Json[]).map((j) => j.title);

Deno.test("[api] recruiters post jobs (201 with the company); members 403; visitors read them", async () => {
  await withTestApp(async (t) => {
    const recruiter = await signUp(t, { role: "recruiter" });
    const member = await signUp(t);
    const job = await post(t, recruiter);
    assertEquals(Object.keys(job).sort(), [
      "company",
      "createdAt",
      "description",
      "id",
      "jobType",
      "location",
      "salaryRange",
      "title",
      "updatedAt",
    ]);
    assertEquals([(job.company as Json).id, job.title, job.description, job.salaryRange], [
      recruiter.user.id,
      JOB.title,
      JOB.description,
      JOB.salaryRange,
    ]);
    assertProblem(await call(t, "POST", "/api/jobs", JOB, member.accessToken), 403);
    assertProblem(await call(t, "POST", "/api/jobs", JOB), 401);
    const anonymous = await call(t, "GET", `/api/jobs/${job.id}`);
    assertEquals([anonymous.status, anonymous.json], [200, job]);
    assertEquals(titles(await call(t, "GET", "/api/jobs")), [JOB.title]);
    assertProblem(await call(t, "GET", "/api/jobs/999999"), 404);
    const minimal = await post(t, recruiter, { title: "Intern", description: "Learn.", jobType: "internship" });
    assertEquals([minimal.location, minimal.salaryRange], ["", null]);
  });
});

Deno.test("[api] bad jobs are 422 with the field named; nothing is stored", async () => {
  await withTestApp(async (t) => {
    const recruiter = await signUp(t, { role: "recruiter" });
    for (
      const [body, field] of [
        [{ ...JOB, title: "" }, "title"],
        [{ ...JOB, title: "   " }, "title"],
        [{ ...JOB, title: "x".repeat(256) }, "title"],
        [{ ...JOB, description: "x".repeat(10_001) }, "description"],
        [{ ...JOB, jobType: "gig" }, "jobType"],
        [{ ...JOB, location: "x".repeat(256) }, "location"],
        [{ ...JOB, salaryRange: "x".repeat(101) }, "salaryRange"],
        [{ ...JOB, company: "someone" }, "company"],
        [{ title: "x", description: "y" }, "jobType"],
      ] as const
    ) {
      const res = await call(t, "POST", "/api/jobs", body, recruiter.accessToken);
      assertProblem(res, 422);
      assertEquals((res.json.errors as Json[])[0].path, field, res.text);
    }
    assertEquals((await call(t, "GET", "/api/jobs")).json.items, []);
    const big = await post(t, recruiter, { ...JOB, description: "🚀".repeat(10_000) });
    assertEquals((big.description as string).length, 20_000, "10,000 characters, kept whole");
  });
});

Deno.test("[api] only the poster or an admin edits or deletes a job; others 403, unknown 404", async () => {
  await withTestApp(async (t) => {
    const [poster, other] = [await signUp(t, { role: "recruiter" }), await signUp(t, { role: "recruiter" })];
    const member = await signUp(t);
    const admin = await signUp(t);
    await t.app.store.updateUser(admin.user.id, { role: "admin" });
    const job = await post(t, poster);
    const path = `/api/jobs/${job.id}`;
    assertProblem(await call(t, "PUT", path, { title: "Mine now" }, other.accessToken), 403);
    assertProblem(await call(t, "PUT", path, { title: "Mine now" }, member.accessToken), 403);
    assertProblem(await call(t, "PUT", path, { title: "x" }), 401);
    assertProblem(await call(t, "PUT", "/api/jobs/999999", { title: "x" }, poster.accessToken), 404);
    assertProblem(await call(t, "PUT", path, { posterId: other.user.id }, poster.accessToken), 422);
    const edited = await call(t, "PUT", path, { title: "Staff Rust Engineer", salaryRange: null }, poster.accessToken);
    assertEquals([edited.status, edited.json.title, edited.json.salaryRange, edited.json.location], [
      200,
      "Staff Rust Engineer",
      null,
      JOB.location,
    ]);
    assert(edited.json.updatedAt !== job.updatedAt);
    const byAdmin = await call(t, "PUT", path, { jobType: "contract" }, admin.accessToken);
    assertEquals([byAdmin.status, (byAdmin.json.company as Json).id], [200, poster.user.id]);
    assertProblem(await call(t, "DELETE", path, undefined, other.accessToken), 403);
    assertProblem(await call(t, "DELETE", path, undefined, member.accessToken), 403);
    assertEquals((await call(t, "DELETE", path, undefined, poster.accessToken)).status, 204);
    assertProblem(await call(t, "GET", path), 404);
    assertProblem(await call(t, "DELETE", path, undefined, poster.accessToken), 404);
    const second = await post(t, poster);
    assertEquals((await call(t, "DELETE", `/api/jobs/${second.id}`, undefined, admin.accessToken)).status, 204);
  });
});

Deno.test("[api] job lists filter by words, place and type, newest first, page by page", async () => {
  await withTestApp(async (t) => {
    const recruiter = await signUp(t, { role: "recruiter" });
    await post(t, recruiter, { ...JOB, title: "Rust Engineer", location: "Berlin, Germany", jobType: "full-time" });
    await post(t, recruiter, { ...JOB, title: "Go Developer", location: "Lisbon", jobType: "contract" });
    await post(t, recruiter, { ...JOB, title: "Data Engineer", location: "berlin", jobType: "part-time" });
    await post(t, recruiter, { ...JOB, title: "Design Intern", location: "Remote", jobType: "internship" });
    const get = (q: string) => call(t, "GET", `/api/jobs${q}`);
    assertEquals(titles(await get("")), ["Design Intern", "Data Engineer", "Go Developer", "Rust Engineer"]);
    assertEquals(titles(await get("?location=BERLIN")), ["Data Engineer", "Rust Engineer"]);
    assertEquals(titles(await get("?jobType=contract")), ["Go Developer"]);
    assertEquals(titles(await get("?q=engineer")), ["Data Engineer", "Rust Engineer"]);
    assertEquals(titles(await get("?q=rust%20eng")), ["Rust Engineer"]);
    assertEquals(titles(await get("?q=engineer&location=berlin&jobType=part-time")), ["Data Engineer"]);
    const seen: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = (await get(`?limit=3${cursor ? `&cursor=${cursor}` : ""}`)).json;
      seen.push(...(page.items as Json[]).map((j) => j.title));
      cursor = page.nextCursor as string | null;
    } while (cursor);
    assertEquals(seen, ["Design Intern", "Data Engineer", "Go Developer", "Rust Engineer"]);
    for (const q of ["?jobType=gig", "?limit=0", "?limit=101", "?cursor=forged", "?sort=asc"]) {
      assertProblem(await get(q), 422);
    }
  });
});

Deno.test("[api] an Idempotency-Key on POST /api/jobs replays the first answer", async () => {
  await withTestApp(async (t) => {
    const recruiter = await signUp(t, { role: "recruiter" });
    const key = { "idempotency-key": "job-1" };
    const first = await call(t, "POST", "/api/jobs", JOB, recruiter.accessToken, key);
    const again = await call(t, "POST", "/api/jobs", JOB, recruiter.accessToken, key);
    assertEquals([first.status, again.status, again.headers.get("idempotent-replayed")], [201, 201, "true"]);
    assertEquals(again.json.id, first.json.id);
    assertProblem(await call(t, "POST", "/api/jobs", { ...JOB, title: "Other" }, recruiter.accessToken, key), 422);
    assertEquals((await call(t, "GET", "/api/jobs")).json.items, [first.json]);
  });
});

Deno.test("[api] search finds people, posts and jobs once indexed, and forgets them when deleted", async () => {
  await withWorkers(async (t) => {
    const recruiter = await signUp(t, { role: "recruiter", firstName: "Grace", lastName: "Hopperfield" });
    const member = await signUp(t);
    await call(t, "PUT", `/api/users/${member.user.id}`, { headline: "Compiler wizard" }, member.accessToken);
    const job = await post(t, recruiter, { ...JOB, title: "Quantum Cryptographer" });
    const postRes = await call(
      t,
      "POST",
      "/api/posts",
      { content: "Benchmarking zeppelins today" },
      member.accessToken,
    );
    const search = (q: string, type: string, token?: string) =>
      call(t, "GET", `/api/search?q=${encodeURIComponent(q)}&type=${type}`, undefined, token);
    const found = (res: { json: Json }) =>
      (res.json.items as Json[]).map((h) => h.type + ":" + (((h.user ?? h.post ?? h.job) as Json).id));
    await eventually(
      () => search("hopperfield", "people", member.accessToken),
      (r) => found(r).includes(`people:${recruiter.user.id}`),
      "the recruiter by name",
    );
    await eventually(
      () => search("compil", "people", member.accessToken),
      (r) => found(r).includes(`people:${member.user.id}`),
      "a member by headline prefix",
    );
    await eventually(
      () => search("zeppelins", "posts", member.accessToken),
      (r) => found(r).includes(`posts:${postRes.json.id}`),
      "a post",
    );
    const jobs = await eventually(
      () => search("quantum", "jobs"),
      (r) => found(r).includes(`jobs:${job.id}`),
      "a job, signed out",
    );
    assertEquals(((jobs.json.items as Json[])[0].job as Json).title, "Quantum Cryptographer");
    assertProblem(await search("hopperfield", "people"), 401);
    assertProblem(await search("", "people", member.accessToken), 422);
    assertProblem(await search("x", "groups", member.accessToken), 422);
    assertProblem(await call(t, "GET", "/api/search?type=jobs"), 422);

    await call(t, "DELETE", `/api/jobs/${job.id}`, undefined, recruiter.accessToken);
    await call(t, "DELETE", `/api/posts/${postRes.json.id}`, undefined, member.accessToken);
    await eventually(() => search("quantum", "jobs"), (r) => found(r).length === 0, "the deleted job gone");
    await eventually(
      () => search("zeppelins", "posts", member.accessToken),
      (r) => found(r).length === 0,
      "the deleted post gone",
    );
  });
});

Deno.test("[api] the OpenAPI document describes jobs and search", async () => {
  await withTestApp(async (t) => {
    const paths = (await call(t, "GET", "/api/openapi.json")).json.paths as Record<string, Json>;
    for (const p of ["/api/jobs", "/api/jobs/{id}", "/api/search"]) assert(paths[p], `${p} is documented`);
  });
});
