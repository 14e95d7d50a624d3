// The one contract every search engine passes (the builtin engine on Deno KV and on MySQL, and Meilisearch). Each
// test gets an empty store and an empty engine; records are created in the store for real (the builtin engine on MySQL
// searches the records themselves) and handed to the engine as the search worker does (services/search/records.ts).
// What it checks is what every engine promises: found by any searchable field, a name or title ranked above the rest,
// more of the query's words above fewer, the last word as a prefix, edits and removals seen at once, paging.
import { assert, assertEquals } from "../../framework/testing/assert.ts";
import type { NewJob, NewUser } from "../store/model.ts";
import type { Store } from "../store/store.ts";
import { fixtureTest } from "../testing.ts";
import { jobRecord, personRecord, postRecord } from "./records.ts";
import type { SearchEngine } from "./types.ts";

export interface OpenedEngine {
  engine: SearchEngine;
  store: Store;
  /** Drops whatever the factory made (database, indexes) and closes both. */
  cleanup(): Promise<void>;
}

let n = 0;
function member(extra: Partial<NewUser> = {}): NewUser {
  n++;
  return {
    email: `searcher${n}@example.com`,
    passwordHash: "x",
    firstName: `First`,
    lastName: `Last`,
    role: "member",
    ...extra,
  };
}

function job(posterId: string, extra: Partial<NewJob> = {}): NewJob {
  return { posterId, title: "Engineer", description: "Build things.", jobType: "full-time", ...extra };
}

/** Distinct createdAt values, so "newer first" is observable. */
const tick = () => new Promise((r) => setTimeout(r, 3));

export function searchEngineContract(
  name: string,
  open: () => Promise<OpenedEngine>,
  options: { ignore?: boolean } = {},
) {
  const test = (title: string, fn: (t: OpenedEngine) => Promise<void>) =>
    fixtureTest(`[search:${name}] ${title}`, open, fn, options);

  const ids = async (engine: SearchEngine, type: "people" | "posts" | "jobs", q: string, limit = 20, offset = 0) =>
    (await engine.search(type, q, { limit, offset })).ids;

  test("members are found by name, headline or location, a name match first", async ({ engine, store }) => {
    const headline = await store.createUser(member({ headline: "Marimba virtuoso" }));
    await tick();
    const named = await store.createUser(member({ firstName: "Marimba", lastName: "Okafor" }));
    const placed = await store.createUser(member({ location: "Kettleby" }));
    const other = await store.createUser(member({ headline: "Gardener" }));
    await engine.index([headline, named, placed, other].map(personRecord));
    assertEquals(await ids(engine, "people", "marimba"), [named.id, headline.id]);
    assertEquals(await ids(engine, "people", "Okafor"), [named.id]);
    assertEquals(await ids(engine, "people", "kettleby"), [placed.id]);
    assertEquals(await ids(engine, "people", "gardener"), [other.id]);
    assertEquals(await ids(engine, "people", "zzyzzx"), []);
  });

  test("a job's title outweighs its location, its location its description", async ({ engine, store }) => {
    const poster = await store.createUser(member({ role: "recruiter" }));
    const inDescription = await store.createJob(job(poster.id, { description: "We love sprocketry." }));
    await tick();
    const inLocation = await store.createJob(job(poster.id, { location: "Sprocketry Park" }));
    await tick();
    const inTitle = await store.createJob(job(poster.id, { title: "Sprocketry engineer" }));
    await engine.index([inDescription, inLocation, inTitle].map(jobRecord));
    assertEquals(await ids(engine, "jobs", "sprocketry"), [inTitle.id, inLocation.id, inDescription.id]);
  });

  test("records with more of the query's words come first; equal ones newest first", async ({ engine, store }) => {
    const author = await store.createUser(member());
    const both = await store.createPost({ authorId: author.id, content: "Walrus pelican sighting at the pier" });
    await tick();
    const one = await store.createPost({ authorId: author.id, content: "Walrus resting on the beach" });
    await tick();
    const newerBoth = await store.createPost({ authorId: author.id, content: "Walrus pelican photos at noon" });
    // Same words at the same places, so no engine's proximity or position rule tells the pairs apart.
    await engine.index([both, one, newerBoth].map(postRecord));
    assertEquals(await ids(engine, "posts", "walrus pelican"), [newerBoth.id, both.id, one.id]);
    assertEquals(await ids(engine, "posts", "walrus"), [newerBoth.id, one.id, both.id]);
  });

  test("the last word of a query also finds the words it begins", async ({ engine, store }) => {
    const author = await store.createUser(member());
    const full = await store.createPost({ authorId: author.id, content: "Kubernetes in production" });
    await tick();
    const other = await store.createPost({ authorId: author.id, content: "Terraform in production" });
    await engine.index([full, other].map(postRecord));
    assertEquals(await ids(engine, "posts", "kuber"), [full.id]);
    assertEquals(await ids(engine, "posts", "production kube"), [full.id, other.id]);
    assertEquals(await ids(engine, "posts", "terra"), [other.id]);
  });

  test("an edit is found by its new text, a removal is gone, indexing again changes nothing", async ({ engine, store }) => {
    const author = await store.createUser(member());
    const post = await store.createPost({ authorId: author.id, content: "Gooseberry jam recipe" });
    await engine.index([postRecord(post)]);
    await engine.index([postRecord(post)]);
    assertEquals(await ids(engine, "posts", "gooseberry"), [post.id]);
    const edited = (await store.updatePost(post.id, { content: "Rhubarb crumble recipe" }))!;
    await engine.index([postRecord(edited)]);
    assertEquals(await ids(engine, "posts", "gooseberry"), []);
    assertEquals(await ids(engine, "posts", "rhubarb"), [post.id]);
    assert(await store.deletePost(post.id));
    await engine.remove("posts", [post.id]);
    assertEquals(await ids(engine, "posts", "rhubarb"), []);
    await engine.remove("posts", [post.id]); // again: nothing happens
    await engine.remove("posts", []);
  });

  test("pages follow the ranking; a query without words finds nothing", async ({ engine, store }) => {
    const author = await store.createUser(member());
    const posts = [];
    for (let i = 0; i < 5; i++) {
      posts.push(await store.createPost({ authorId: author.id, content: `Lighthouse keeper diary ${i}` }));
      await tick();
    }
    await engine.index(posts.map(postRecord));
    const newest = posts.map((p) => p.id).reverse();
    assertEquals(await ids(engine, "posts", "lighthouse"), newest);
    assertEquals(await ids(engine, "posts", "lighthouse", 2, 2), newest.slice(2, 4));
    assertEquals(await ids(engine, "posts", "lighthouse", 2, 4), newest.slice(4));
    assertEquals(await ids(engine, "posts", "lighthouse", 2, 8), []);
    assertEquals(await ids(engine, "posts", "   "), []);
    assertEquals(await ids(engine, "posts", "!! ·"), []);
  });

  test("clearing a type and indexing it again finds the same; other types are untouched", async ({ engine, store }) => {
    const author = await store.createUser(member({ firstName: "Quenby" }));
    const post = await store.createPost({ authorId: author.id, content: "Quenby writes about quinces" });
    await engine.index([personRecord(author), postRecord(post)]);
    await engine.clear("posts");
    // The builtin engine on MySQL searches the records themselves: clearing it is a no-op, so only the others empty.
    if (!(engine.kind === "builtin" && store.kind === "mysql")) assertEquals(await ids(engine, "posts", "quinces"), []);
    assertEquals(await ids(engine, "people", "quenby"), [author.id]);
    await engine.index([postRecord(post)]);
    assertEquals(await ids(engine, "posts", "quinces"), [post.id]);
  });

  test("it answers ping", async ({ engine }) => {
    await engine.ping();
  });
}
