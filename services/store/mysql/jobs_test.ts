// What only the MySQL adapter promises about jobs (migrations/005): the migration runs again over itself, the FULLTEXT
// index counts stopwords as words, the listing statements read the indexes they were made for, and a location filter
// scans a bounded number of rows per page. The shared behaviour is in ../contract_jobs.ts. Each test gets a private
// database, dropped afterwards; CI must set DATABASE_URL, elsewhere the tests are skipped.
import { assert, assertEquals } from "../../../framework/testing/assert.ts";
import { jobPages } from "../contract_jobs.ts";
import { JOB_SCAN_BUDGET, positionsSql, searchSql } from "./jobs.ts";
import { migrate } from "./migrate.ts";
import type { Database, Param } from "./pool.ts";
import { mysqlTest, openScratchStore } from "./testing.ts";

const test = mysqlTest("[mysql] jobs:", openScratchStore);

/** Inserts `count` jobs of one poster straight into the table, one second apart, oldest first; `row(i)` varies them. */
async function insertJobs(
  db: Database,
  count: number,
  row: (i: number) => Partial<{ poster: string; title: string; location: string; type: string }> = () => ({}),
): Promise<void> {
  const base = Date.parse("2025-01-01T00:00:00Z");
  for (let start = 0; start < count; start += 256) {
    const n = Math.min(256, count - start);
    const params: Param[] = [];
    for (let i = start; i < start + n; i++) {
      const r = row(i);
      const at = new Date(base + i * 1000);
      params.push(
        r.poster ?? "1",
        r.title ?? `Role ${i}`,
        "Build things",
        r.location ?? "Porto",
        r.type ?? "full-time",
      );
      params.push(at, at);
    }
    await db.writer.execute(
      "INSERT INTO jobs (poster_id, title, description, location, job_type, created_at, updated_at) VALUES " +
        Array.from({ length: n }, () => "(?, ?, ?, ?, ?, ?, ?)").join(", "),
      params,
    );
  }
}

/** `sql` with its placeholders replaced by literals, for EXPLAIN (not every server version prepares it). */
function inline(sql: string, values: Param[]): string {
  const left = values.map((v) =>
    v instanceof Date
      ? `'${v.toISOString().replace("T", " ").replace("Z", "")}'`
      : /^\d+$/.test(String(v))
      ? String(v)
      : `'${String(v).replace(/'/g, "''")}'`
  );
  const out = sql.replace(/\?/g, () => left.shift()!);
  assertEquals(left, [], "every placeholder got its value");
  return out;
}

test("migration 005 runs again over itself", async ({ db }) => {
  const show = async () => {
    const [row] = await db.writer.query<Record<string, string>>("SHOW CREATE TABLE jobs");
    return row["Create Table"].replace(/ AUTO_INCREMENT=\d+/, "");
  };
  const before = await show();
  for (const key of ["ix_jobs_created", "ix_jobs_type_created", "ix_jobs_poster_created", "FULLTEXT KEY"]) {
    assert(before.includes(key), before);
  }
  await db.writer.execute("DELETE FROM schema_migrations WHERE version = '005_jobs'");
  assertEquals(await migrate(db), ["005_jobs"]);
  assertEquals(await show(), before, "running it again changed nothing");
  assertEquals(await migrate(db), []);
});

test("words the full-text parser would drop as stopwords still count in q", async ({ store }) => {
  const r = await store.createUser({
    email: "r@example.com",
    passwordHash: "h",
    firstName: "R",
    lastName: "R",
    role: "recruiter",
  });
  const post = (title: string, description: string) =>
    store.createJob({ posterId: r.id, title, description, jobType: "full-time" });
  const a = await post("Work with the team", "What you will do");
  const b = await post("Engineer for hire", "About this role: where and when");
  const ids = async (q: string) => (await store.listJobs({ q, limit: 10 })).items.map((j) => j.id);
  assertEquals(await ids("with the"), [a.id]);
  assertEquals(await ids("what will"), [a.id]);
  assertEquals(await ids("for about"), [b.id]);
  assertEquals(await ids("where when this"), [b.id]);
  assertEquals(await ids("wh"), [b.id, a.id], "a short word matches as a word's beginning");
});

test("a location filter scans at most JOB_SCAN_BUDGET rows a page, and the pages reach every job", async ({ store, db }) => {
  const count = JOB_SCAN_BUDGET * 2 + 150;
  // The oldest job is the only one in Zanzibar; every seventh one is a contract.
  await insertJobs(db, count, (i) => ({
    location: i === 0 ? "Zanzibar, Tanzania" : "Porto",
    type: i % 7 ? "full-time" : "contract",
  }));
  const rare = await jobPages(store, { location: "zanzibar" }, 10);
  assertEquals(rare.map((p) => p.length), [0, 0, 1], "two pages ran out of budget, the third found it");
  assertEquals(rare[2][0].location, "Zanzibar, Tanzania");
  const common = await jobPages(store, { location: "porto" }, 100);
  assertEquals(common.flat().length, count - 1);
  assert(common.slice(0, -1).every((p) => p.length === 100), "dense matches fill their pages");
  const contracts = await jobPages(store, { location: "porto", jobType: "contract" }, 50);
  assertEquals(contracts.flat().length, Math.ceil(count / 7) - 1);
  const byPoster = await jobPages(store, { posterId: "1", jobType: "contract" }, 20); // insertJobs' poster
  assertEquals(byPoster.flat().length, Math.ceil(count / 7));
});

test("listing statements read the index they were made for, and q the FULLTEXT index", async ({ store, db }) => {
  const types = ["full-time", "part-time", "contract", "internship"];
  await insertJobs(db, 4_000, (i) => ({
    poster: String(1 + (i % 40)),
    type: types[i % 4],
    title: i % 3 ? "Rust Engineer" : "Data Analyst",
    location: i % 5 ? "Berlin" : "Lisbon",
  }));
  await db.writer.query("ANALYZE TABLE jobs");
  // A cursor in the middle: deep enough that reading a type's or poster's newer jobs again would show.
  const page = await store.listJobs({ limit: 2_000 });
  const mid = page.items.at(-1)!;
  const after = { at: mid.createdAt, id: mid.id };
  const ranges = [
    { where: [], params: [], key: "ix_jobs_created" },
    { where: ["job_type = ?"], params: ["contract"], key: "ix_jobs_type_created" },
    { where: ["poster_id = ?"], params: ["7"], key: "ix_jobs_poster_created" },
  ];
  for (const range of ranges) {
    for (const at of [null, after]) {
      const { sql, params } = positionsSql(range, at);
      const plan = await db.writer.query<{ type: string; key: string | null; Extra: string }>(
        `EXPLAIN ${inline(sql, [...params, "21"])}`,
      );
      assertEquals(plan.length, 1, JSON.stringify(plan));
      const [row] = plan;
      assertEquals(row.key, range.key, JSON.stringify(plan));
      // From the newest, `ref` on the first column reads the same entries as a range; after a cursor only a range
      // starts at the cursor.
      const ok = at ? ["range"] : ["range", "index", "ref"];
      assert(ok.includes(row.type), `a range of the index: ${JSON.stringify(plan)}`);
      assert(/Using index/.test(row.Extra ?? ""), `from the index alone: ${JSON.stringify(plan)}`);
    }
  }
  const search = searchSql({
    where: ["MATCH (title, description, location) AGAINST (? IN BOOLEAN MODE)", "job_type = ?", "location LIKE ?"],
    params: ["+rust* +eng*", "contract", "%berlin%"],
  }, after);
  const plan = await db.writer.query<{ type: string; key: string | null }>(
    `EXPLAIN ${inline(search.sql, [...search.params, "21"])}`,
  );
  assertEquals([plan[0].type, plan[0].key], ["fulltext", "ft_jobs_text"], JSON.stringify(plan));
});
