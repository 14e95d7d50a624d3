// The search index part of the store contract. Records are created for real (members, posts, jobs) and indexed the
// way the builtin engine does it (services/search/builtin.ts), then found through searchIndex with the words the
// engine would ask for. On MySQL the index is the records' own FULLTEXT indexes and the index writes are no-ops; on
// Deno KV they are postings: both must answer alike.
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { BuiltinSearch } from "../search/builtin.ts";
import { jobRecord, personRecord, postRecord } from "../search/records.ts";
import { type ContractTest, newUser } from "./contract.ts";
import type { NewJob, SearchType } from "./model.ts";
import type { Store } from "./store.ts";
import { queryWords } from "./words.ts";

/** Ids of a search, as the engine asks it. */
async function find(store: Store, type: SearchType, q: string, limit = 20, offset = 0): Promise<string[]> {
  return (await store.searchIndex(type, queryWords(q), { limit, offset })).map((h) => h.id);
}

/** Records created one after another get distinct createdAt values, so "newer first" is observable. */
const tick = () => new Promise((r) => setTimeout(r, 3));

function newJob(posterId: string, extra: Partial<NewJob> = {}): NewJob {
  return { posterId, title: "Engineer", description: "Build things.", jobType: "full-time", ...extra };
}

export function searchContract(test: ContractTest) {
  const engine = (store: Store) => new BuiltinSearch(store);

  test("search: members are found by name, headline or location, a name first, then newer", async (store) => {
    const byHeadline = await store.createUser(newUser(1, { headline: "Quillon wrangler" }));
    await tick();
    const byName = await store.createUser(newUser(2, { firstName: "Quillon", lastName: "Adeyemi" }));
    await tick();
    const byLocation = await store.createUser(newUser(3, { location: "Quillon Bay" }));
    const other = await store.createUser(newUser(4, { headline: "Gardener" }));
    await engine(store).index([byHeadline, byName, byLocation, other].map(personRecord));
    assertEquals(await find(store, "people", "quillon"), [byName.id, byLocation.id, byHeadline.id]);
    assertEquals(await find(store, "people", "QUILLON!"), [byName.id, byLocation.id, byHeadline.id], "any case");
    assertEquals(await find(store, "people", "adeyemi"), [byName.id], "a last name");
    assertEquals(await find(store, "people", "gardener"), [other.id]);
    assertEquals(await find(store, "people", "nobody"), []);
  });

  test("search: a title outweighs a location, a location a description; several fields add up", async (store) => {
    const poster = await store.createUser(newUser(1, { role: "recruiter" }));
    const inDescription = await store.createJob(newJob(poster.id, { description: "Our zephyrine stack." }));
    await tick();
    const inTitle = await store.createJob(newJob(poster.id, { title: "Zephyrine engineer" }));
    await tick();
    const inLocation = await store.createJob(newJob(poster.id, { location: "Zephyrine" }));
    await tick();
    const inBoth = await store.createJob(
      newJob(poster.id, { title: "Zephyrine lead", description: "Lead the zephyrine team." }),
    );
    await engine(store).index([inDescription, inTitle, inLocation, inBoth].map(jobRecord));
    assertEquals(await find(store, "jobs", "zephyrine"), [inBoth.id, inTitle.id, inLocation.id, inDescription.id]);
    const hits = await store.searchIndex("jobs", ["zephyrine"], { limit: 10, offset: 0 });
    assertEquals(hits.map((h) => h.score), [4, 3, 2, 1], "the score is the weights of the fields with the word");
  });

  test("search: every word but the last is required; records with more query words come first", async (store) => {
    const author = await store.createUser(newUser(1));
    const both = await store.createPost({ authorId: author.id, content: "Alpha and bravo, together." });
    await tick();
    const alphaOnly = await store.createPost({ authorId: author.id, content: "Only alpha here." });
    await tick();
    const bravoOnly = await store.createPost({ authorId: author.id, content: "Only bravo here." });
    await tick();
    const all = await store.createPost({ authorId: author.id, content: "Alpha, bravo and charlie." });
    await engine(store).index([both, alphaOnly, bravoOnly, all].map(postRecord));
    assertEquals(await find(store, "posts", "alpha bravo"), [all.id, both.id, alphaOnly.id]);
    assertEquals(await find(store, "posts", "bravo alpha"), [all.id, both.id, bravoOnly.id]);
    assertEquals(await find(store, "posts", "alpha bravo charlie"), [all.id, both.id], "alpha, bravo required");
    assertEquals(await find(store, "posts", "alpha delta"), [all.id, alphaOnly.id, both.id], "newest first");
    assertEquals(await find(store, "posts", "delta alpha"), [], "a required word no post has");
  });

  test("search: the last word also matches the words it begins, from two characters", async (store) => {
    const author = await store.createUser(newUser(1));
    const java = await store.createPost({ authorId: author.id, content: "Java all day" });
    await tick();
    const javascript = await store.createPost({ authorId: author.id, content: "JavaScript at night" });
    await tick();
    const jakarta = await store.createPost({ authorId: author.id, content: "Moving to Jakarta" });
    await tick();
    const other = await store.createPost({ authorId: author.id, content: "Kotlin at night" });
    await engine(store).index([java, javascript, jakarta, other].map(postRecord));
    assertEquals(await find(store, "posts", "jav"), [javascript.id, java.id]);
    assertEquals(await find(store, "posts", "java"), [javascript.id, java.id], "a whole word is a prefix too");
    assertEquals(await find(store, "posts", "ja"), [jakarta.id, javascript.id, java.id]);
    assertEquals(await find(store, "posts", "night jav"), [javascript.id, other.id]);
    assertEquals(await find(store, "posts", "jav night"), [], "only the last word is a prefix");
  });

  test("search: an edit is found by its new words only; a removal is gone", async (store) => {
    const search = engine(store);
    const author = await store.createUser(newUser(1, { firstName: "Marlowe" }));
    const post = await store.createPost({ authorId: author.id, content: "Orchids in spring" });
    await search.index([postRecord(post), personRecord(author)]);
    assertEquals(await find(store, "posts", "orchids"), [post.id]);

    const edited = (await store.updatePost(post.id, { content: "Tulips in autumn" }))!;
    await search.index([postRecord(edited)]);
    assertEquals(await find(store, "posts", "orchids"), []);
    assertEquals(await find(store, "posts", "tulips"), [post.id]);

    const renamed = (await store.updateUser(author.id, { firstName: "Ishiguro" }))!;
    await search.index([personRecord(renamed)]);
    assertEquals(await find(store, "people", "marlowe"), []);
    assertEquals(await find(store, "people", "ishiguro"), [author.id]);

    assert(await store.deletePost(post.id));
    await search.remove("posts", [post.id]);
    assertEquals(await find(store, "posts", "tulips"), []);
    await search.remove("posts", [post.id, "missing"]); // again, and an unknown id: nothing happens
  });

  test("search: a deleted job and a deleted member are gone once removed", async (store) => {
    const search = engine(store);
    const poster = await store.createUser(newUser(1, { role: "recruiter", headline: "Hiring quarkbrewers" }));
    const job = await store.createJob(newJob(poster.id, { title: "Quarkbrewer" }));
    await search.index([personRecord(poster), jobRecord(job)]);
    assertEquals(await find(store, "jobs", "quarkbrewer"), [job.id]);
    assertEquals(await find(store, "people", "quarkbrewers"), [poster.id]);
    assert(await store.deleteJob(job.id));
    await search.remove("jobs", [job.id]);
    assertEquals(await find(store, "jobs", "quarkbrewer"), []);
    assert(await store.deleteUser(poster.id));
    await search.remove("people", [poster.id]);
    assertEquals(await find(store, "people", "quarkbrewers"), []);
  });

  test("search: indexing again changes nothing; pages follow the ranking", async (store) => {
    const search = engine(store);
    const author = await store.createUser(newUser(1));
    const posts = [];
    for (let i = 0; i < 5; i++) {
      posts.push(await store.createPost({ authorId: author.id, content: `Pelican report number ${i}` }));
      await tick();
    }
    await search.index(posts.map(postRecord));
    await search.index(posts.map(postRecord));
    const newest = posts.map((p) => p.id).reverse();
    assertEquals(await find(store, "posts", "pelican"), newest);
    assertEquals(await find(store, "posts", "pelican", 2, 0), newest.slice(0, 2));
    assertEquals(await find(store, "posts", "pelican", 2, 2), newest.slice(2, 4));
    assertEquals(await find(store, "posts", "pelican", 2, 4), newest.slice(4));
    assertEquals(await find(store, "posts", "pelican", 2, 6), []);
    await search.clear("posts");
    await search.index(posts.map(postRecord));
    assertEquals(await find(store, "posts", "pelican"), newest, "cleared and rebuilt");
  });

  test("search: Unicode words, and text that looks like query syntax, are only words", async (store) => {
    const search = engine(store);
    const zoe = await store.createUser(newUser(1, { firstName: "Zoë", lastName: "李小龍", location: "Ñandú" }));
    const author = await store.createUser(newUser(2));
    const post = await store.createPost({ authorId: author.id, content: '+plus -minus "quoted" star* (paren) ~tilde' });
    await search.index([personRecord(zoe), personRecord(author), postRecord(post)]);
    assertEquals(await find(store, "people", "zoë"), [zoe.id]);
    assertEquals(await find(store, "people", "李小龍"), [zoe.id]);
    assertEquals(await find(store, "people", "ÑANDÚ"), [zoe.id]);
    assertEquals(await find(store, "posts", "+plus -minus"), [post.id]);
    assertEquals(await find(store, "posts", '"quoted" star*'), [post.id]);
    assertEquals(await find(store, "posts", "(paren) ~tilde"), [post.id]);
    assertEquals(await store.searchIndex("posts", ["+plus", "minus*"], { limit: 5, offset: 0 }), [], "not words");
    assertEquals(await find(store, "posts", "*"), []);
    assertEquals(await store.searchIndex("posts", [], { limit: 5, offset: 0 }), []);
  });

  test("search: bad paging is a RangeError", async (store) => {
    for (const paging of [{ limit: 0, offset: 0 }, { limit: 5, offset: -1 }, { limit: 1.5, offset: 0 }]) {
      const err = await assertRejects(() => store.searchIndex("posts", ["word"], paging), "searchIndex");
      assert(err instanceof RangeError, `${JSON.stringify(paging)}: ${err}`);
    }
  });
}
