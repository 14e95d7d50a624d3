// The reindex task against the builtin engine on an in-memory Deno KV store: what it builds is what the worker would.
import { assertEquals } from "../framework/testing/assert.ts";
import { BuiltinSearch } from "../services/search/builtin.ts";
import { postRecord } from "../services/search/records.ts";
import { KvStore } from "../services/store/kv/store.ts";
import type { SearchType } from "../services/store/model.ts";
import { reindex } from "./reindex.ts";

Deno.test("[reindex] rebuilds members, posts and jobs page by page, dropping what the index had of deleted records", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new KvStore(kv);
    const engine = new BuiltinSearch(store);
    const recruiter = await store.createUser({
      email: "r@example.com",
      passwordHash: "x",
      firstName: "Rowena",
      lastName: "Hale",
      role: "recruiter",
    });
    const ids = await store.importPosts(
      Array.from({ length: 23 }, (_, i) => ({
        authorId: recruiter.id,
        content: `Bulletin ${i} about lanterns`,
        createdAt: new Date(Date.UTC(2024, 0, 1, 0, i)),
      })),
    );
    const job = await store.createJob({
      posterId: recruiter.id,
      title: "Lantern maker",
      description: "Glass and brass.",
      jobType: "contract",
    });
    // A stale index: a post deleted without its removal, and nothing else.
    const gone = await store.createPost({ authorId: recruiter.id, content: "Lanterns for sale" });
    await engine.index([postRecord(gone)]);
    await store.deletePost(gone.id);

    const seen: [SearchType, number, boolean][] = [];
    const counts = await reindex({ store, engine }, { batch: 10, progress: (t, n, done) => seen.push([t, n, done]) });
    assertEquals(counts, { people: 1, posts: 23, jobs: 1 });
    assertEquals(seen.filter(([t]) => t === "posts").map(([, n, done]) => `${n}${done ? "!" : ""}`), [
      "10",
      "20",
      "23",
      "23!",
    ]);
    const find = async (type: SearchType, q: string) => (await engine.search(type, q, { limit: 100, offset: 0 })).ids;
    assertEquals(await find("posts", "lanterns"), [...ids].reverse(), "every post, newest first, none deleted");
    assertEquals(await find("people", "rowena"), [recruiter.id]);
    assertEquals(await find("jobs", "lantern"), [job.id]);
  } finally {
    kv.close();
  }
});
