// The search worker against real adapters: the builtin engine over an in-memory Deno KV store, fed by the store's own
// events through the real queue runner. A decorator makes the engine fail for a while (the way an unreachable
// Meilisearch fails: UnavailableError) and the index must converge once it answers again.
import { assert, assertEquals } from "../framework/testing/assert.ts";
import { UnavailableError } from "../services/errors.ts";
import { BuiltinSearch } from "../services/search/builtin.ts";
import { SearchIndexer } from "../services/search/indexer.ts";
import { TimerScheduler } from "../services/scheduler.ts";
import type { SearchEngine, SearchQuery, SearchRecord, SearchResult } from "../services/search/types.ts";
import { newEvent } from "../services/store/events.ts";
import { KvStore } from "../services/store/kv/store.ts";
import type { DomainEvent, SearchType } from "../services/store/model.ts";
import { eventually } from "../services/testing.ts";
import { startWorkers } from "./runner.ts";
import { searchWorkers } from "./search.ts";

/** Passes every call to a real engine, except while `down` (UnavailableError) or while `broken` (another error). */
class FlakyEngine implements SearchEngine {
  readonly kind = "builtin";
  down = false;
  broken = false;
  failures = 0;
  /** Runs before each index() reaches the real engine (to change a record under the sync). */
  beforeIndex: (() => Promise<void>) | null = null;

  constructor(private readonly real: SearchEngine) {}

  #gate(): void {
    if (this.down) {
      this.failures++;
      throw new UnavailableError("Search");
    }
    if (this.broken) {
      this.failures++;
      throw new Error("the engine rejected the request");
    }
  }

  async index(records: SearchRecord[]): Promise<void> {
    this.#gate();
    await this.beforeIndex?.();
    return this.real.index(records);
  }
  remove(type: SearchType, ids: string[]): Promise<void> {
    this.#gate();
    return this.real.remove(type, ids);
  }
  clear(type: SearchType): Promise<void> {
    this.#gate();
    return this.real.clear(type);
  }
  search(type: SearchType, q: string, query: SearchQuery): Promise<SearchResult> {
    return this.real.search(type, q, query); // reading the index is what the test checks, never gated
  }
  ping(): Promise<void> {
    if (this.down) return Promise.reject(new UnavailableError("Search")); // a broken engine still answers
    return this.real.ping();
  }
  close(): Promise<void> {
    return this.real.close();
  }
}

async function setup() {
  const kv = await Deno.openKv(":memory:");
  const store = new KvStore(kv);
  const engine = new FlakyEngine(new BuiltinSearch(store));
  const logs: Record<string, unknown>[] = [];
  const indexer = new SearchIndexer({ store, engine, dirty: store.searchDirty, log: (f) => logs.push(f) });
  const [worker] = searchWorkers(indexer);
  const deliver = (event: DomainEvent) => worker.run(event);
  const find = async (type: SearchType, q: string) => (await engine.search(type, q, { limit: 100, offset: 0 })).ids;
  const member = (n: number, extra = {}) =>
    store.createUser({
      email: `s${n}@example.com`,
      passwordHash: "x",
      firstName: `Member${n}`,
      lastName: "Tester",
      role: "member",
      ...extra,
    });
  return { kv, store, engine, indexer, worker, deliver, find, member, logs };
}

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  ...opts,
  name: "[search worker] creations, edits and deletions of members, posts and jobs reach the index",
  fn: async () => {
    const { kv, store, deliver, find, member } = await setup();
    try {
      const ada = await member(1, { firstName: "Adalind", headline: "Cartographer" });
      await deliver(newEvent("user.created", ada.id));
      assertEquals(await find("people", "adalind"), [ada.id]);
      await store.updateUser(ada.id, { headline: "Glassblower" });
      await deliver(newEvent("user.updated", ada.id));
      assertEquals(await find("people", "cartographer"), []);
      assertEquals(await find("people", "glassblower"), [ada.id]);

      const post = await store.createPost({ authorId: ada.id, content: "Maps of the northern fjords" });
      await deliver(newEvent("post.created", post.id));
      assertEquals(await find("posts", "fjords"), [post.id]);
      await store.updatePost(post.id, { content: "Glass of the southern isles" });
      await deliver(newEvent("post.updated", post.id));
      assertEquals(await find("posts", "fjords"), []);
      assertEquals(await find("posts", "isles"), [post.id]);

      const job = await store.createJob({
        posterId: ada.id,
        title: "Lamplighter",
        description: "Evenings only.",
        jobType: "part-time",
      });
      await deliver(newEvent("job.created", job.id));
      assertEquals(await find("jobs", "lamplighter"), [job.id]);
      await store.deleteJob(job.id);
      await deliver(newEvent("job.deleted", job.id));
      assertEquals(await find("jobs", "lamplighter"), []);

      await store.deletePost(post.id);
      await deliver(newEvent("post.deleted", post.id));
      await deliver(newEvent("post.deleted", post.id)); // a redelivery changes nothing
      assertEquals(await find("posts", "isles"), []);
      await store.deleteUser(ada.id);
      await deliver(newEvent("user.deleted", ada.id));
      assertEquals(await find("people", "glassblower"), []);
    } finally {
      kv.close();
    }
  },
});

Deno.test({
  ...opts,
  name: "[search worker] a record gone before its event is handled is not indexed; an old event indexes it as it is",
  fn: async () => {
    const { kv, store, deliver, find, member } = await setup();
    try {
      const bo = await member(2);
      const post = await store.createPost({ authorId: bo.id, content: "Ephemeral thoughts" });
      await store.deletePost(post.id);
      await deliver(newEvent("post.created", post.id)); // arrives after the deletion
      assertEquals(await find("posts", "ephemeral"), []);

      const kept = await store.createPost({ authorId: bo.id, content: "First draft" });
      await store.updatePost(kept.id, { content: "Final version" });
      await deliver(newEvent("post.created", kept.id)); // the creation event, handled after the edit
      assertEquals(await find("posts", "draft"), []);
      assertEquals(await find("posts", "final"), [kept.id]);
    } finally {
      kv.close();
    }
  },
});

Deno.test({
  ...opts,
  name: "[search worker] a record edited while it was being indexed ends up indexed as edited",
  fn: async () => {
    const { kv, store, engine, deliver, find, member } = await setup();
    try {
      const cy = await member(3);
      const post = await store.createPost({ authorId: cy.id, content: "Original wording" });
      let edited = false;
      engine.beforeIndex = async () => {
        if (edited) return;
        edited = true; // the edit commits after the worker read the post, before its index write lands
        await store.updatePost(post.id, { content: "Corrected wording" });
      };
      await deliver(newEvent("post.created", post.id));
      assertEquals(await find("posts", "original"), []);
      assertEquals(await find("posts", "corrected"), [post.id]);
    } finally {
      kv.close();
    }
  },
});

Deno.test({
  ...opts,
  name: "[search worker] an engine that is down mid-stream never fails a write, and the index converges after it",
  fn: async () => {
    const { kv, store, engine, indexer, worker, find, member, logs } = await setup();
    // The real queue: the store commits each write with its event, the runner hands it to the worker.
    const running = startWorkers(store, [worker], () => {});
    try {
      const author = await member(4, { firstName: "Streamer" });
      const posts = [];
      for (let i = 0; i < 6; i++) posts.push(await store.createPost({ authorId: author.id, content: `early ${i}` }));
      await eventually(() => find("posts", "early"), (ids) => ids.length === 6, "the early posts indexed");
      await eventually(() => find("people", "streamer"), (ids) => ids.length === 1, "the author indexed");

      engine.down = true;
      // Writes while the engine is down: every one is acknowledged at once, whatever the engine does.
      for (let i = 0; i < 6; i++) posts.push(await store.createPost({ authorId: author.id, content: `outage ${i}` }));
      await store.updatePost(posts[0].id, { content: "edited while down" });
      await store.deletePost(posts[1].id);
      await store.updateUser(author.id, { firstName: "Renamed" });
      await eventually(() => indexer.countDirty(), (n) => n === 9, "every change of the outage marked dirty");
      assert(engine.failures >= 9, `the engine refused ${engine.failures} calls`);
      assertEquals(await find("posts", "outage"), [], "nothing reached the index meanwhile");
      assertEquals(await indexer.sweep(), 0, "a sweep while the engine is down leaves everything dirty");
      assertEquals(await indexer.countDirty(), 9);

      engine.down = false;
      const scheduler = new TimerScheduler();
      scheduler.add({ name: "search-catch-up", intervalMs: 50, run: () => indexer.sweep() });
      await eventually(() => indexer.countDirty(), (n) => n === 0, "the sweep to catch up");
      await scheduler.stop();
      assertEquals((await find("posts", "outage")).length, 6);
      assertEquals(await find("posts", "edited"), [posts[0].id]);
      assertEquals(await find("posts", "down"), [posts[0].id]);
      assertEquals((await find("posts", "early")).sort(), posts.slice(2, 6).map((p) => p.id).sort());
      assertEquals(await find("people", "renamed"), [author.id]);
      assertEquals(await find("people", "streamer"), []);
      assert(logs.some((l) => l.msg === "search sweep caught up"), JSON.stringify(logs));
      // Writes after the outage flow straight through again.
      const after = await store.createPost({ authorId: author.id, content: "recovered" });
      await eventually(() => find("posts", "recovered"), (ids) => ids.length === 1, "a new post indexed");
      assertEquals(await find("posts", "recovered"), [after.id]);
    } finally {
      await indexer.close();
      kv.close();
      await running.catch(() => {});
    }
  },
});

Deno.test({
  ...opts,
  name: "[search worker] another failure is retried by the queue and kept for the sweep until it succeeds",
  fn: async () => {
    const { kv, store, engine, indexer, deliver, find, member, logs } = await setup();
    try {
      const dee = await member(5);
      const post = await store.createPost({ authorId: dee.id, content: "Stubborn record" });
      engine.broken = true;
      let thrown: unknown = null;
      await deliver(newEvent("post.created", post.id)).catch((err) => thrown = err);
      assert(thrown instanceof Error && thrown.message.includes("rejected"), `the event fails: ${thrown}`);
      assertEquals(await indexer.countDirty(), 1);
      assertEquals(await indexer.sweep(), 0);
      assert(logs.some((l) => l.msg === "search sweep could not sync a record; it stays dirty"));
      assertEquals(await indexer.countDirty(), 1);
      engine.broken = false;
      assertEquals(await indexer.sweep(), 1);
      assertEquals(await indexer.countDirty(), 0);
      assertEquals(await find("posts", "stubborn"), [post.id]);
    } finally {
      kv.close();
    }
  },
});
