import { assert, assertEquals, assertRejects } from "../framework/testing/assert.ts";
import { parseIssuedUrl } from "../services/media/urls.ts";
import { PALETTE } from "../services/media/generated_avatars.ts";
import { captureLogs } from "../services/testing.ts";
import type { Post, PostPosition, User } from "../services/store/model.ts";
import type { Store } from "../services/store/store.ts";
import { createTestApp, type TestApp } from "../tests/testing.ts";
import { buildGraph, parseArgs, seed, SeedError, type SeedOptions, summary } from "./seed.ts";

/** More avatar members than the palette has pictures, and fewer than the members: some share, some have none. */
const SMALL: SeedOptions = {
  members: 60,
  posts: 900,
  connections: 8,
  seed: 7,
  days: 30,
  timelineSize: 40,
  batch: 97,
  avatars: PALETTE + 6,
};

async function allUsers(store: Store): Promise<User[]> {
  const out: User[] = [];
  let after;
  do {
    const page: Awaited<ReturnType<Store["listUsers"]>> = await store.listUsers({ limit: 50, after });
    out.push(...page.items);
    after = page.next ?? undefined;
  } while (after);
  return out;
}

async function allPosts(store: Store, authorId?: string): Promise<Post[]> {
  const out: Post[] = [];
  let after: PostPosition | undefined;
  do {
    const page = await store.listPosts({ authorId, limit: 100, after });
    out.push(...page.items);
    after = page.next ?? undefined;
  } while (after);
  return out;
}

/** What a seeded store holds, by email rather than id (ids differ between runs). */
async function snapshot(store: Store) {
  const users = await allUsers(store);
  const email = new Map(users.map((u) => [u.id, u.email]));
  const graph: string[] = [];
  for (const u of users) {
    for (const other of await store.listConnectedIds(u.id)) graph.push(`${u.email} ${email.get(other)}`);
  }
  return {
    people: users.map((u) => [u.email, u.firstName, u.lastName, u.headline, u.location, u.role].join("|")),
    posts: (await allPosts(store)).map((p) => `${email.get(p.authorId)}: ${p.content}`),
    graph: graph.sort(),
  };
}

async function withApp(fn: (t: TestApp) => Promise<void>): Promise<void> {
  const t = await createTestApp();
  try {
    await fn(t);
  } finally {
    await t.close();
  }
}

Deno.test({
  name: "seed fills an empty store with members, about K connections each, skewed posts and built timelines",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withApp(async ({ app }) => {
      const now = new Date();
      const result = await seed(app, { ...SMALL, now });
      const { store } = app;
      assertEquals(result.phases.map((p) => p.name), ["members", "avatars", "connections", "posts", "timelines"]);
      assertEquals(result.phases[1].count, SMALL.avatars);

      const users = await allUsers(store);
      assertEquals(users.length, SMALL.members);
      assertEquals(users.map((u) => u.id), [...result.memberIds].reverse(), "listed newest first: in creation order");
      assert(users.every((u) => u.email.endsWith("@seed.prok.test") && u.headline.includes(" · ")));
      assertEquals(new Set(users.map((u) => u.passwordHash)).size, 1, "one hash for everyone");
      assert(await app.hasher.verify(result.password, users[0].passwordHash), "the printed password signs in");

      const posts = await allPosts(store);
      assertEquals(posts.length, SMALL.posts);
      const start = now.getTime() - SMALL.days * 24 * 60 * 60 * 1000;
      assert(posts.every((p) => p.createdAt.getTime() >= start && p.createdAt.getTime() <= now.getTime()));
      assertEquals(new Set(posts.map((p) => p.createdAt.getTime())).size, posts.length, "no two at the same time");
      const perAuthor = new Map<string, number>();
      for (const p of posts) perAuthor.set(p.authorId, (perAuthor.get(p.authorId) ?? 0) + 1);
      const busiest = Math.max(...perAuthor.values());
      assert(busiest >= 4 * (SMALL.posts / SMALL.members), `some members post a lot (busiest: ${busiest})`);

      const degrees: number[] = [];
      const connectedTo = new Map<string, string[]>();
      for (const id of result.memberIds) {
        const ids = await store.listConnectedIds(id);
        assert(!ids.includes(id), "nobody is connected to themselves");
        assertEquals(new Set(ids).size, ids.length, "no pair twice");
        connectedTo.set(id, ids);
        degrees.push(ids.length);
      }
      const total = degrees.reduce((a, b) => a + b, 0);
      assertEquals(total / 2, result.phases[2].count, "every connection joins two members, both ways");
      assert(Math.max(...degrees) <= SMALL.connections, `nobody above K: ${degrees}`);
      assert(
        total / degrees.length >= SMALL.connections - 0.5,
        `the mean degree is about K: ${total / degrees.length}`,
      );
      assert(degrees.filter((d) => d < SMALL.connections - 2).length <= 2, `only a few fall short: ${degrees}`);

      let entries = 0;
      for (const id of result.memberIds) {
        const authors = new Set([id, ...connectedTo.get(id)!]);
        const expected = posts.filter((p) => authors.has(p.authorId)).slice(0, SMALL.timelineSize);
        const page = await store.listTimeline(id, { limit: 1_000 });
        assertEquals(page.items, expected.map((p) => ({ postId: p.id, authorId: p.authorId, createdAt: p.createdAt })));
        assertEquals(await store.getTimelineBuiltAt(id), now);
        entries += page.items.length;
      }
      assertEquals(result.phases[4].count, entries);
      assert(entries > SMALL.members * SMALL.timelineSize! * 0.8, "most timelines are full");
      assert(summary(result, store.kind).includes(result.password));

      const again = await assertRejects(() => seed(app, SMALL));
      assert(again instanceof SeedError && /already has members/.test(again.message), String(again));
    }),
});

Deno.test({
  name: "the same seed gives the same names, texts and graph; another seed does not",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const options = { ...SMALL, members: 30, posts: 120, connections: 5, avatars: 0 };
    const runs: Awaited<ReturnType<typeof snapshot>>[] = [];
    for (const s of [11, 11, 12]) {
      await withApp(async ({ app }) => {
        await seed(app, { ...options, seed: s });
        runs.push(await snapshot(app.store));
      });
    }
    assertEquals(runs[0], runs[1]);
    assert(runs[0].people.join() !== runs[2].people.join() && runs[0].posts.join() !== runs[2].posts.join());
    assert(runs[0].posts.some((p) => /: (Hot take|Question for the network|We're hiring!): [A-Z]/.test(p)));
  },
});

Deno.test({
  name: "the first --avatars members get a picture of their own from the pipeline, served under /media/",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withApp(async (t) => {
      await captureLogs(async () => { // the request log of every picture fetched
        const result = await seed(t.app, { ...SMALL, members: PALETTE + 10, posts: 0, connections: 2 });
        const members = await Promise.all(result.memberIds.map((id) => t.app.store.getUser(id)));
        const pictured = members.slice(0, SMALL.avatars);
        assert(members.slice(SMALL.avatars).every((m) => m!.profilePictureUrl === null), "the rest have none");
        const mediaIds = new Set<string>();
        for (const member of pictured) {
          const name = parseIssuedUrl(member!.profilePictureUrl ?? "");
          assert(name, `an issued URL: ${member!.profilePictureUrl}`);
          assertEquals([name.width, name.ext], [256, "jpg"]);
          const media = await t.app.store.getMedia(name.mediaId);
          assertEquals([media?.ownerId, media?.purpose, media?.attachedTo], [
            member!.id,
            "avatar",
            `avatar:${member!.id}`,
          ]);
          assertEquals(media!.variants.map((v) => v.width), [512, 512, 256, 256, 128, 128, 64, 64]);
          mediaIds.add(media!.id);
          const res = await t.fetch(member!.profilePictureUrl!);
          assertEquals([res.status, res.headers.get("content-type")], [200, "image/jpeg"]);
          assert((await res.bytes()).byteLength > 1_000);
        }
        assertEquals(mediaIds.size, pictured.length, "a record (and files) per member, even for a shared picture");
        const [first, sharing] = [pictured[0]!, pictured[PALETTE]!];
        assert(first.profilePictureUrl !== sharing.profilePictureUrl);
        const bytes = async (url: string) => await (await t.fetch(url)).bytes();
        assertEquals(await bytes(first.profilePictureUrl!), await bytes(sharing.profilePictureUrl!), "one picture");
        assert(
          (await bytes(pictured[1]!.profilePictureUrl!)).join() !== (await bytes(first.profilePictureUrl!)).join(),
          "neighbours differ",
        );
      });
    }),
});

Deno.test("the graph keeps every degree at or below K, mostly at K, with no self or repeated pairs", () => {
  let state = 1;
  const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
  const n = 500;
  const cities = Int32Array.from({ length: n }, (_, i) => i % 7);
  const edges = buildGraph(cities, 20, random);
  const degree = new Array(n).fill(0);
  const pairs = new Set<string>();
  let sameCity = 0;
  for (let e = 0; e < edges.length; e += 2) {
    const [a, b] = [edges[e], edges[e + 1]];
    assert(a !== b);
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    assert(!pairs.has(key), key);
    pairs.add(key);
    degree[a]++;
    degree[b]++;
    if (cities[a] === cities[b]) sameCity++;
  }
  assert(degree.every((d) => d <= 20));
  assert(degree.filter((d) => d === 20).length >= n - 3, "all but the last few reach K");
  assert(sameCity / pairs.size > 0.4, `biased toward the same city: ${sameCity / pairs.size}`);
});

Deno.test("flags are checked, with a usage message for anything off", () => {
  assertEquals(parseArgs([]), {
    options: { members: 200, posts: 2_000, connections: 20, seed: 42, days: 365, avatars: 200 },
  });
  assertEquals(parseArgs(["--members", "10,000", "--posts=1_000_000", "--connections", "100", "--seed", "0"]), {
    options: { members: 10_000, posts: 1_000_000, connections: 100, seed: 0, days: 365, avatars: 200 },
  });
  assertEquals(parseArgs(["--avatars", "0"]), {
    options: { members: 200, posts: 2_000, connections: 20, seed: 42, days: 365, avatars: 0 },
  });
  for (
    const args of [
      ["--members", "0"],
      ["--members", "-5"],
      ["--members", "1.5"],
      ["--posts", "lots"],
      ["--posts", "99999999999"],
      ["--days", "0"],
      ["--connections", "1001"],
      ["--avatars", "10001"],
      ["--members", "10", "--connections", "10"],
      ["--force"],
      ["--members"],
      ["extra"],
    ]
  ) {
    const parsed = parseArgs(args);
    assert("error" in parsed && parsed.error.length > 0, `${args.join(" ")} → ${JSON.stringify(parsed)}`);
  }
  assertEquals(parseArgs(["--help"]), { error: "help" });
});
