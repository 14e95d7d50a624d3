// What only the Deno KV adapter promises about jobs: the record and its three copies move together and leave no key
// behind, and a filtered listing reads at most JOB_SCAN_BUDGET entries a page. The shared behaviour is in
// ../contract_jobs.ts.
import { assert, assertEquals } from "../../../framework/testing/assert.ts";
import { jobPages } from "../contract_jobs.ts";
import { JOB_SCAN_BUDGET } from "./jobs.ts";
import { kvStoreTest } from "./testing.ts";

const kvTest = kvStoreTest("[store:deno-kv] jobs:");

async function jobKeys(kv: Deno.Kv): Promise<Deno.KvKey[]> {
  const out: Deno.KvKey[] = [];
  for await (const { key } of kv.list({ prefix: [] })) if (String(key[0]).startsWith("jobs")) out.push(key);
  return out;
}

const recruiter = (n: number) => ({
  email: `r${n}@example.com`,
  passwordHash: "h",
  firstName: "R",
  lastName: `${n}`,
  role: "recruiter" as const,
});

kvTest(
  "a job is its record and three copies; the type's moves, and deleting or purging leaves no key",
  async (store, kv) => {
    const r = await store.createUser(recruiter(1));
    const job = await store.createJob({ posterId: r.id, title: "T", description: "D", jobType: "contract" });
    const ms = job.createdAt.getTime();
    const expected = (type: string) =>
      [
        ["jobs", job.id],
        ["jobs_by_created", ms, job.id],
        ["jobs_by_poster", r.id, ms, job.id],
        ["jobs_by_type", type, ms, job.id],
      ].map((k) => JSON.stringify(k)).sort();
    const keysNow = async () => (await jobKeys(kv)).map((k) => JSON.stringify(k)).sort();
    assertEquals(await keysNow(), expected("contract"));
    const moved = await store.updateJob(job.id, { jobType: "internship", title: "T2" });
    assertEquals(await keysNow(), expected("internship"));
    for (const key of await jobKeys(kv)) assertEquals((await kv.get(key)).value, moved, "every copy is the record");
    assertEquals(await store.deleteJob(job.id), true);
    assertEquals(await jobKeys(kv), []);

    for (let i = 0; i < 120; i++) {
      await store.createJob({ posterId: r.id, title: `J${i}`, description: "D", jobType: "full-time" });
    }
    assertEquals(await store.deleteUser(r.id), true);
    assertEquals(await store.purgeMemberContent(r.id), true);
    assertEquals(await jobKeys(kv), [], "more than one purge batch, all gone");
  },
);

kvTest("a filtered page reads at most JOB_SCAN_BUDGET entries, and the pages reach every job", async (store) => {
  const r = await store.createUser(recruiter(1));
  const count = JOB_SCAN_BUDGET * 2 + 150;
  // The oldest job is the only one in Zanzibar and the only one about Haskell; every seventh one is a contract.
  const make = (i: number) =>
    store.createJob({
      posterId: r.id,
      title: i === 0 ? "Haskell Developer" : "Rust Developer",
      description: "Build things",
      location: i === 0 ? "Zanzibar, Tanzania" : "Porto",
      jobType: i % 7 ? "full-time" : "contract",
    });
  await make(0);
  for (let i = 1; i < count; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, j) => make(i + j)));
  }

  for (const query of [{ location: "zanzibar" }, { q: "haskell" }, { q: "haskell", location: "tanzania" }]) {
    const found = await jobPages(store, query, 10);
    assertEquals(found.map((p) => p.length), [0, 0, 1], `two pages ran out of budget: ${JSON.stringify(query)}`);
    assertEquals(found[2][0].title, "Haskell Developer");
  }
  const common = await jobPages(store, { q: "rust" }, 100);
  assertEquals(common.flat().length, count - 1);
  assert(common.slice(0, -1).every((p) => p.length === 100), "dense matches fill their pages");
  assertEquals(
    (await jobPages(store, { posterId: r.id, jobType: "contract" }, 20)).flat().length,
    Math.ceil(count / 7),
  );
  const unfiltered = await jobPages(store, {}, 100);
  assertEquals(unfiltered.map((p) => p.length), [...Array(11).fill(100), 50], "unfiltered pages are exact");
});
