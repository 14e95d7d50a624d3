// The contract of post reactions, part of the one suite storeContract() runs against every adapter: one reaction per
// member per post, counts that stay exact under racing writers, newest-first listing, and what deleting a post or a
// member removes.
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { NotFoundError } from "../errors.ts";
import { type ContractTest, later, newUser, UNKNOWN } from "./contract.ts";
import {
  noReactions,
  type Reaction,
  REACTION_TYPES,
  type ReactionCounts,
  type ReactionsQuery,
  type ReactionType,
  type User,
} from "./model.ts";
import type { Store } from "./store.ts";

/** `n` new members, numbered from `from`. */
function members(store: Store, n: number, from = 1): Promise<User[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => store.createUser(newUser(from + i))));
}

/** Every reaction of a post (or of one type), page by page, newest first. */
async function listAll(
  store: Store,
  postId: string,
  query: Omit<ReactionsQuery, "after" | "limit"> = {},
  limit = 7,
): Promise<Reaction[]> {
  const all: Reaction[] = [];
  let after: ReactionsQuery["after"];
  for (;;) {
    const page = await store.listPostReactions(postId, { ...query, limit, after });
    all.push(...page.items);
    if (!page.next) return all;
    after = page.next;
  }
}

async function rejects(fn: () => Promise<unknown>, type: new (...args: never[]) => Error): Promise<void> {
  const err = await assertRejects(fn);
  assert(err instanceof type, String(err));
}

function countsOf(reactions: Reaction[]): ReactionCounts {
  const counts = noReactions();
  for (const r of reactions) counts[r.type]++;
  return counts;
}

async function countsOn(store: Store, postId: string): Promise<ReactionCounts> {
  return (await store.getPostReactions([postId]))[0].counts;
}

export function reactionsContract(test: ContractTest) {
  test("reactions: one per member per post, changed by setting another type, gone when removed", async (store) => {
    const [author, ada, bob] = await members(store, 3);
    const post = await store.createPost({ authorId: author.id, content: "Shipped!" });
    assertEquals(await store.setPostReaction(post.id, ada.id, "like"), { previous: null });
    assertEquals(await store.setPostReaction(post.id, ada.id, "like"), { previous: "like" }, "the same type again");
    assertEquals(await store.setPostReaction(post.id, bob.id, "like"), { previous: null });
    await later(3); // a later time, so the listing's order does not fall back on member ids
    assertEquals(await store.setPostReaction(post.id, ada.id, "celebrate"), { previous: "like" });
    assertEquals(await countsOn(store, post.id), { ...noReactions(), like: 1, celebrate: 1 });
    assertEquals(await store.getPostReactions([post.id], ada.id), [
      { postId: post.id, counts: { ...noReactions(), like: 1, celebrate: 1 }, mine: "celebrate" },
    ]);
    const listed = await listAll(store, post.id);
    assertEquals(listed.map((r) => [r.memberId, r.type]), [[ada.id, "celebrate"], [bob.id, "like"]]);
    assert(listed.every((r) => r.postId === post.id && r.createdAt instanceof Date));

    assertEquals(await store.removePostReaction(post.id, ada.id), true);
    assertEquals(await store.removePostReaction(post.id, ada.id), false, "removing twice");
    assertEquals(await store.getPostReactions([post.id], ada.id), [
      { postId: post.id, counts: { ...noReactions(), like: 1 }, mine: null },
    ]);
    assertEquals((await listAll(store, post.id)).map((r) => r.memberId), [bob.id]);
    assertEquals(await store.setPostReaction(post.id, ada.id, "funny"), { previous: null }, "reacting again");
  });

  test("reactions: unknown posts answer null or false, unknown members are NotFoundError", async (store) => {
    const [author] = await members(store, 1);
    const post = await store.createPost({ authorId: author.id, content: "Hello" });
    for (const id of UNKNOWN) {
      assertEquals(await store.setPostReaction(id, author.id, "like"), null);
      assertEquals(await store.removePostReaction(id, author.id), false);
      assertEquals(await store.listPostReactions(id, { limit: 5 }), { items: [], next: null });
      await rejects(() => store.setPostReaction(post.id, id, "like"), NotFoundError);
      assertEquals(await store.removePostReaction(post.id, id), false);
    }
    await rejects(() => store.setPostReaction(post.id, author.id, "love" as ReactionType), RangeError);
    assertEquals(await countsOn(store, post.id), noReactions());
  });

  test("reactions: a page of posts gets every post's counts and the reader's own, zeros included", async (store) => {
    const [author, ada, bob] = await members(store, 3);
    const [p1, p2, p3] = await Promise.all(
      [1, 2, 3].map((n) => store.createPost({ authorId: author.id, content: `p${n}` })),
    );
    await store.setPostReaction(p1.id, ada.id, "insightful");
    await store.setPostReaction(p1.id, bob.id, "insightful");
    await store.setPostReaction(p3.id, bob.id, "support");
    const ids = [p3.id, UNKNOWN[1], p2.id, p1.id];
    assertEquals(await store.getPostReactions(ids, ada.id), [
      { postId: p3.id, counts: { ...noReactions(), support: 1 }, mine: null },
      { postId: UNKNOWN[1], counts: noReactions(), mine: null },
      { postId: p2.id, counts: noReactions(), mine: null },
      { postId: p1.id, counts: { ...noReactions(), insightful: 2 }, mine: "insightful" },
    ]);
    assertEquals((await store.getPostReactions(ids)).map((r) => r.mine), [null, null, null, null], "no reader");
    assertEquals((await store.getPostReactions(ids, bob.id)).map((r) => r.mine), ["support", null, null, "insightful"]);
    assertEquals(await store.getPostReactions([]), []);
  });

  test("reactions: listed newest first, by type too, page by page", async (store) => {
    const [author, ...readers] = await members(store, 9);
    const post = await store.createPost({ authorId: author.id, content: "Thoughts?" });
    const types: ReactionType[] = ["like", "funny", "like", "support", "like", "funny", "like", "celebrate"];
    for (const [i, reader] of readers.entries()) {
      await store.setPostReaction(post.id, reader.id, types[i]);
      await later(3);
    }
    const newest = readers.map((r) => r.id).reverse();
    assertEquals((await listAll(store, post.id, {}, 3)).map((r) => r.memberId), newest);
    assertEquals((await listAll(store, post.id, {}, 100)).map((r) => r.memberId), newest);
    const likes = await listAll(store, post.id, { type: "like" }, 2);
    assertEquals(likes.map((r) => r.memberId), [readers[6].id, readers[4].id, readers[2].id, readers[0].id]);
    assertEquals((await listAll(store, post.id, { type: "insightful" })).length, 0);
    const first = await store.listPostReactions(post.id, { limit: 8 });
    assertEquals([first.items.length, first.next], [8, null]);

    // Changing a reaction's type makes it the newest, listed under its new type only.
    await store.setPostReaction(post.id, readers[0].id, "insightful");
    assertEquals((await listAll(store, post.id))[0].memberId, readers[0].id);
    assertEquals((await listAll(store, post.id, { type: "like" })).length, 3);
    assertEquals((await listAll(store, post.id, { type: "insightful" })).map((r) => r.memberId), [readers[0].id]);
  });

  test("reactions: 200 racing reactions leave counts equal to the reactions stored", async (store) => {
    const [author, ...readers] = await members(store, 41);
    const post = await store.createPost({ authorId: author.id, content: "Everyone react" });
    const other = await store.createPost({ authorId: author.id, content: "Untouched" });
    await store.setPostReaction(other.id, readers[0].id, "like");
    // Five operations per member, all at once: sets, changes of type and removals interleave.
    await Promise.all(Array.from({ length: 200 }, (_, i) => {
      const reader = readers[i % readers.length];
      const type = REACTION_TYPES[(i * 7) % REACTION_TYPES.length];
      return i % 4 === 3
        ? store.removePostReaction(post.id, reader.id)
        : store.setPostReaction(post.id, reader.id, type);
    }));
    const rows = await listAll(store, post.id, {}, 100);
    assertEquals(new Set(rows.map((r) => r.memberId)).size, rows.length, "one reaction per member");
    assert(rows.length > 0);
    assertEquals(await countsOn(store, post.id), countsOf(rows));
    for (const type of REACTION_TYPES) {
      assertEquals((await listAll(store, post.id, { type }, 100)).length, countsOf(rows)[type], type);
    }
    const mine = await Promise.all(readers.map((r) => store.getPostReactions([post.id], r.id)));
    const byMember = new Map(rows.map((r) => [r.memberId, r.type]));
    assertEquals(mine.map(([m]) => m.mine), readers.map((r) => byMember.get(r.id) ?? null));
    assertEquals(await countsOn(store, other.id), { ...noReactions(), like: 1 });
  });

  test("reactions: a deleted post takes no more reactions, and purgePostReactions removes those it had", async (store) => {
    const [author, ...readers] = await members(store, 6);
    const post = await store.createPost({ authorId: author.id, content: "Soon gone" });
    const kept = await store.createPost({ authorId: author.id, content: "Staying" });
    for (const r of readers) {
      await store.setPostReaction(post.id, r.id, "like");
      await store.setPostReaction(kept.id, r.id, "support");
    }
    assertEquals(await store.purgePostReactions(post.id), true, "a live post keeps its reactions");
    assertEquals((await countsOn(store, post.id)).like, 5);
    assertEquals(await store.deletePost(post.id), true);
    assertEquals(await store.setPostReaction(post.id, readers[0].id, "funny"), null);
    assertEquals(await store.removePostReaction(post.id, readers[1].id), false);
    while (!await store.purgePostReactions(post.id)) { /* next batch */ }
    assertEquals(await store.purgePostReactions(post.id), true, "running it again is harmless");
    assertEquals(await store.listPostReactions(post.id, { limit: 10 }), { items: [], next: null });
    assertEquals(await store.getPostReactions([post.id], readers[0].id), [
      { postId: post.id, counts: noReactions(), mine: null },
    ]);
    assertEquals(await countsOn(store, kept.id), { ...noReactions(), support: 5 });
    assertEquals((await listAll(store, kept.id)).length, 5);
    // The readers' reactions to the deleted post are gone for their own purge too.
    assertEquals(await store.deleteUser(readers[0].id), true);
    while (!await store.purgeMemberContent(readers[0].id)) { /* next batch */ }
    assertEquals(await countsOn(store, kept.id), { ...noReactions(), support: 4 });
  });

  test("reactions: a deleted member's reactions are purged and every post's counts follow", async (store) => {
    const [author, ada, bob] = await members(store, 3);
    const posts = await Promise.all(
      [1, 2, 3].map((n) => store.createPost({ authorId: author.id, content: `p${n}` })),
    );
    const gone = await store.createPost({ authorId: author.id, content: "deleted first" });
    for (const [i, p] of [...posts, gone].entries()) {
      await store.setPostReaction(p.id, ada.id, REACTION_TYPES[i]);
      await store.setPostReaction(p.id, bob.id, "like");
    }
    // Ada's own post, with Bob's reaction: it goes with her posts.
    const hers = await store.createPost({ authorId: ada.id, content: "mine" });
    await store.setPostReaction(hers.id, bob.id, "celebrate");
    assertEquals(await store.deletePost(gone.id), true);

    assertEquals(await store.deleteUser(ada.id), true);
    await rejects(() => store.setPostReaction(posts[0].id, ada.id, "like"), NotFoundError);
    assertEquals(await store.purgeMemberContent(ada.id), true);
    assertEquals(await store.purgeMemberContent(ada.id), true, "running it again is harmless");
    const after = await store.getPostReactions(posts.map((p) => p.id), bob.id);
    assertEquals(after.map((r) => r.counts), posts.map(() => ({ ...noReactions(), like: 1 })));
    assertEquals(after.map((r) => r.mine), ["like", "like", "like"]);
    for (const p of posts) assertEquals((await listAll(store, p.id)).map((r) => r.memberId), [bob.id]);
    assertEquals(await store.getPost(hers.id), null);
    for (const id of [gone.id, hers.id]) {
      while (!await store.purgePostReactions(id)) { /* next batch */ }
      assertEquals(await store.listPostReactions(id, { limit: 5 }), { items: [], next: null });
    }
    assertEquals(await store.removePostReaction(hers.id, bob.id), false);
  });
}
