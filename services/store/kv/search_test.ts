// What only the Deno KV search index has: its keys, its bounds and its commits (the contract in contract_search.ts
// covers what it finds).
import { assert, assertEquals } from "../../../framework/testing/assert.ts";
import type { SearchDocument } from "../model.ts";
import { DOC_POSTINGS, WORD_POSTINGS } from "./search.ts";
import { KvStore } from "./store.ts";

async function open() {
  const kv = await Deno.openKv(":memory:");
  return { kv, store: new KvStore(kv) };
}

async function keysOf(kv: Deno.Kv, prefix: Deno.KvKey): Promise<Deno.KvKey[]> {
  const out: Deno.KvKey[] = [];
  for await (const { key } of kv.list({ prefix })) out.push(key);
  return out;
}

const doc = (id: string, words: [string, number][], ms = 1_000, type: "posts" | "jobs" = "posts"): SearchDocument => ({
  type,
  id,
  words: words.map(([word, weight]) => ({ word, weight })),
  createdAt: new Date(ms),
});

const ids = (hits: { id: string }[]) => hits.map((h) => h.id);

Deno.test("[kv search] a document's postings are keyed by word, weight, time and id; indexing again leaves no stale one", async () => {
  const { kv, store } = await open();
  try {
    await store.indexDocuments([doc("d1", [["alpha", 3], ["beta", 1]], 5)]);
    assertEquals(await keysOf(kv, ["search", "posts"]), [
      ["search", "posts", "alpha", 3, 5, "d1"],
      ["search", "posts", "beta", 1, 5, "d1"],
    ]);
    await store.indexDocuments([doc("d1", [["beta", 2], ["gamma", 1]], 5)]);
    assertEquals(await keysOf(kv, ["search", "posts"]), [
      ["search", "posts", "beta", 2, 5, "d1"],
      ["search", "posts", "gamma", 1, 5, "d1"],
    ]);
    assertEquals((await kv.get(["search_docs", "posts", "d1"])).value, {
      createdAtMs: 5,
      words: [["beta", 2], ["gamma", 1]],
    });
    await store.removeDocuments("posts", ["d1", "unknown"]);
    assertEquals(await keysOf(kv, ["search"]), []);
    assertEquals(await keysOf(kv, ["search_docs"]), []);
  } finally {
    kv.close();
  }
});

Deno.test("[kv search] a huge document keeps its heaviest words, within one commit", async () => {
  const { kv, store } = await open();
  try {
    const body: [string, number][] = Array.from({ length: 3_000 }, (_, i) => [`body${i}`, 1]);
    // The title words come last on purpose: the store keeps the heaviest, whatever the order.
    await store.indexDocuments([doc("j1", [...body, ["lighthouse", 3], ["keeper", 3]], 1, "jobs")]);
    const postings = await keysOf(kv, ["search", "jobs"]);
    assert(postings.length <= DOC_POSTINGS, `${postings.length} postings`);
    assert(postings.length > 400, `${postings.length} postings: most of the budget is used`);
    assertEquals(ids(await store.searchIndex("jobs", ["lighthouse"], { limit: 5, offset: 0 })), ["j1"]);
    assertEquals(ids(await store.searchIndex("jobs", ["body0"], { limit: 5, offset: 0 })), ["j1"], "first body words");
    assertEquals(
      await store.searchIndex("jobs", ["body2999"], { limit: 5, offset: 0 }),
      [],
      "the last ones are dropped",
    );
    // Replacing it by another huge version: old and new postings change in one commit still.
    const other: [string, number][] = Array.from({ length: 3_000 }, (_, i) => [`other${i}`, 1]);
    await store.indexDocuments([doc("j1", other, 1, "jobs")]);
    assertEquals(await store.searchIndex("jobs", ["lighthouse"], { limit: 5, offset: 0 }), []);
    assertEquals(ids(await store.searchIndex("jobs", ["other0"], { limit: 5, offset: 0 })), ["j1"]);
  } finally {
    kv.close();
  }
});

Deno.test("[kv search] many documents in one call share commits; clearing a type leaves the others", async () => {
  const { kv, store } = await open();
  try {
    const posts = Array.from(
      { length: 600 },
      (_, i) => doc(`p${String(i).padStart(4, "0")}`, [["shared", 1], [`own${i}`, 1]], i),
    );
    await store.indexDocuments([...posts, doc("j1", [["shared", 3]], 1, "jobs")]);
    const hits = await store.searchIndex("posts", ["shared"], { limit: 1_000, offset: 0 });
    assertEquals(hits.length, 600);
    assertEquals(hits[0].id, "p0599", "newest first");
    await store.clearIndex("posts");
    assertEquals(await keysOf(kv, ["search", "posts"]), []);
    assertEquals(await keysOf(kv, ["search_docs", "posts"]), []);
    assertEquals(ids(await store.searchIndex("jobs", ["shared"], { limit: 5, offset: 0 })), ["j1"]);
  } finally {
    kv.close();
  }
});

Deno.test("[kv search] racing writes of one document leave exactly the postings of the one that won", async () => {
  const { kv, store } = await open();
  try {
    const versions = Array.from(
      { length: 8 },
      (_, v) => doc("d1", Array.from({ length: 40 }, (_, i) => [`v${v}w${i}`, 1] as [string, number]), 7),
    );
    await Promise.all(versions.map((d) => store.indexDocuments([d])));
    const entry = (await kv.get<{ words: [string, number][] }>(["search_docs", "posts", "d1"])).value!;
    const postings = (await keysOf(kv, ["search", "posts"])).map((k) => k[2]);
    assertEquals(postings.sort(), entry.words.map(([w]) => w).sort());
    assertEquals(postings.length, 40);
  } finally {
    kv.close();
  }
});

Deno.test("[kv search] a common word is read only so far, but a rare required word still finds an old match", async () => {
  const { kv, store } = await open();
  try {
    const many = WORD_POSTINGS + 200;
    const docs = Array.from(
      { length: many },
      (_, i) => doc(`c${String(i).padStart(5, "0")}`, [["common", 1]], 10_000 + i),
    );
    // The oldest document has both words: beyond the postings read of "common", found through "rare".
    docs.push(doc("old", [["common", 1], ["rare", 1]], 1));
    await store.indexDocuments(docs);
    const common = await store.searchIndex("posts", ["common"], { limit: 5_000, offset: 0 });
    assertEquals(common.length, WORD_POSTINGS, "one word: at most WORD_POSTINGS candidates");
    assertEquals(common[0].id, `c${String(many - 1).padStart(5, "0")}`, "the newest ones");
    assertEquals(ids(await store.searchIndex("posts", ["rare", "common"], { limit: 5, offset: 0 })), ["old"]);
    assertEquals(ids(await store.searchIndex("posts", ["common", "rare"], { limit: 1, offset: 0 })), ["old"]);
  } finally {
    kv.close();
  }
});

Deno.test("[kv search] the last word's prefix reaches words with any character after it, and nothing else", async () => {
  const { kv, store } = await open();
  try {
    await store.indexDocuments([
      doc("a", [["ab", 1]], 1),
      doc("b", [["abc", 1]], 2),
      doc("c", [["ab𝓜", 1]], 3),
      doc("d", [["abz\uffff", 1]], 4),
      doc("e", [["ac", 1]], 5),
      doc("f", [["aa", 1]], 6),
    ]);
    assertEquals(ids(await store.searchIndex("posts", ["ab"], { limit: 10, offset: 0 })), ["d", "c", "b", "a"]);
  } finally {
    kv.close();
  }
});
