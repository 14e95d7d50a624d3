// The search engine contract against the builtin engine on Deno KV (always), on MySQL (DATABASE_URL, as the store
// tests: CI must set it) and against Meilisearch (MEILI_URL), plus what only one adapter has.
//
// Meilisearch cannot be installed where this project's CI runs, so its tests run only when MEILI_URL is set (and
// MEILI_API_KEY when it needs one) and are skipped loudly otherwise, without failing CI, unlike DATABASE_URL and
// REDIS_URL (README "Search"). Nothing stands in for it: the tests that run without it reach a real client at a port
// where nothing listens.
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { UnavailableError } from "../errors.ts";
import { KvStore } from "../store/kv/store.ts";
import { openKvStore } from "../store/kv/testing.ts";
import { DATABASE_URL, openScratchStore } from "../store/mysql/testing.ts";
import { fixtureTest } from "../testing.ts";
import { BuiltinSearch, toDocument } from "./builtin.ts";
import { type OpenedEngine, searchEngineContract } from "./contract.ts";
import { MeilisearchSearch } from "./meilisearch.ts";
import { personRecord, postRecord } from "./records.ts";

const hex = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, "0")).join("");

async function kvEngine(): Promise<OpenedEngine> {
  const { store, cleanup } = await openKvStore();
  return { engine: new BuiltinSearch(store), store, cleanup };
}

searchEngineContract("builtin+deno-kv", kvEngine);

searchEngineContract("builtin+mysql", async () => {
  const { store, cleanup } = await openScratchStore();
  return { engine: new BuiltinSearch(store), store, cleanup };
}, { ignore: !DATABASE_URL });

const MEILI_URL = Deno.env.get("MEILI_URL");
if (!MEILI_URL) {
  const line = "*".repeat(78);
  console.warn(
    `\n${line}\n*** SKIPPED: MEILI_URL is not set, so the Meilisearch search tests are ignored here.\n` +
      `*** Run them with MEILI_URL=http://127.0.0.1:7700 deno test -A services/search/\n${line}\n`,
  );
}

/** A Meilisearch engine on indexes of its own (dropped afterwards), with records in an in-memory KV store. */
async function meiliEngine(): Promise<OpenedEngine & { engine: MeilisearchSearch }> {
  const kv = await Deno.openKv(":memory:");
  const engine = new MeilisearchSearch(MEILI_URL!, {
    apiKey: Deno.env.get("MEILI_API_KEY"),
    indexPrefix: `prok_t_${hex()}_`,
  });
  return {
    engine,
    store: new KvStore(kv),
    async cleanup() {
      try {
        await engine.dropIndexes();
      } finally {
        kv.close();
      }
    },
  };
}

searchEngineContract("meilisearch", meiliEngine, { ignore: !MEILI_URL });

fixtureTest("[search:meilisearch] typos are forgiven", meiliEngine, async ({ engine, store }) => {
  const user = await store.createUser({
    email: "typo@example.com",
    passwordHash: "x",
    firstName: "Dagny",
    lastName: "Oyelaran",
    headline: "Photographer",
    role: "member",
  });
  await engine.index([personRecord(user)]);
  assertEquals((await engine.search("people", "photgrapher", { limit: 5, offset: 0 })).ids, [user.id]);
  const { estimatedTotal } = await engine.search("people", "oyelaran", { limit: 5, offset: 0 });
  assertEquals(estimatedTotal, 1);
}, { ignore: !MEILI_URL });

/** A URL where nothing listens: a port the system gave us, released again. */
function closedPort(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `http://127.0.0.1:${port}`;
}

Deno.test({
  name: "[search:meilisearch] a Meilisearch that cannot be reached is UnavailableError, for every call",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const engine = new MeilisearchSearch(closedPort());
    const record = {
      type: "posts" as const,
      id: "p1",
      fields: { content: "hello world" },
      createdAt: new Date(),
    };
    for (
      const call of [
        () => engine.ping(),
        () => engine.index([record]),
        () => engine.remove("posts", ["p1"]),
        () => engine.clear("posts"),
        () => engine.search("posts", "hello", { limit: 5, offset: 0 }),
      ]
    ) {
      const err = await assertRejects(call);
      assert(err instanceof UnavailableError, `expected UnavailableError, got ${err}`);
      assertEquals((err as UnavailableError).message, "Search is not available right now.");
    }
    // Nothing to ask a server for: no call, no error.
    assertEquals(await engine.search("posts", "  ", { limit: 5, offset: 0 }), { ids: [] });
    await engine.index([]);
    await engine.close();
  },
});

Deno.test("[search] a record's words weigh by their fields, heaviest first; several fields add up", () => {
  const person = toDocument(personRecord({
    id: "u1",
    email: "a@example.com",
    passwordHash: "x",
    firstName: "Ada",
    lastName: "Lovelace",
    headline: "Mathematician in London",
    bio: "not searchable",
    location: "London",
    profilePictureUrl: null,
    role: "member",
    createdAt: new Date(1),
    updatedAt: new Date(1),
  }));
  assertEquals(person.words, [
    { word: "london", weight: 4 }, // headline 2 + location 2
    { word: "ada", weight: 3 },
    { word: "lovelace", weight: 3 },
    { word: "mathematician", weight: 2 },
  ]);
  const post = toDocument(postRecord({
    id: "p1",
    authorId: "u1",
    content: "Hello, hello WORLD — the end",
    mediaUrl: null,
    createdAt: new Date(2),
    updatedAt: new Date(2),
  }));
  assertEquals(post.words, [
    { word: "hello", weight: 1 },
    { word: "world", weight: 1 },
    { word: "the", weight: 1 },
    { word: "end", weight: 1 },
  ]);
  assertEquals([post.type, post.id, post.createdAt.getTime()], ["posts", "p1", 2]);
});

Deno.test("[search] the builtin engine's ping and close have nothing to do; queries without words find nothing", async () => {
  const { engine, cleanup } = await kvEngine();
  try {
    await engine.ping();
    assertEquals(await engine.search("people", "a · !", { limit: 5, offset: 0 }), { ids: [] });
  } finally {
    await engine.close();
    await cleanup();
  }
});
