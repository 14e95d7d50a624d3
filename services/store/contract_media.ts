// The contract of media records and of the posts that attach them, part of the one suite storeContract() runs
// against every adapter.
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { ConflictError } from "../errors.ts";
import { type ContractTest, later, newUser, UNICODE, UNKNOWN } from "./contract.ts";
import type { Media, NewMedia } from "./model.ts";
import type { Store } from "./store.ts";

function upload(ownerId: string, extra: Partial<NewMedia> = {}): NewMedia {
  return {
    ownerId,
    purpose: "post",
    width: 1200,
    height: 800,
    alt: "",
    placeholder: "YJqGPQw7sFlslqhFafSE+Q6oJ1h2iHB2Rw==",
    variants: [
      { key: "media/a1-960.webp", width: 960, height: 640, type: "image/webp" },
      { key: "media/a1-960.jpg", width: 960, height: 640, type: "image/jpeg" },
    ],
    ...extra,
  };
}

const ids = (list: Media[]) => list.map((m) => m.id);

export function mediaContract(test: ContractTest) {
  test("media: a record round-trips, is listed by owner, and alt text changes alone", async (store) => {
    const owner = await store.createUser(newUser(1));
    const made = await store.createMedia(upload(owner.id, { alt: UNICODE }));
    assertEquals(made.attachedTo, null);
    assert(made.createdAt instanceof Date);
    assertEquals(await store.getMedia(made.id), made);
    for (const id of UNKNOWN) assertEquals(await store.getMedia(id), null);
    const second = await store.createMedia(upload(owner.id, { purpose: "avatar" }));
    assertEquals(ids(await store.getMediaMany([second.id, UNKNOWN[1], made.id])), [second.id, made.id]);
    assertEquals(ids(await store.listMemberMedia(owner.id, 10)).sort(), [made.id, second.id].sort());
    assertEquals((await store.listMemberMedia(owner.id, 1)).length, 1);
    const updated = await store.updateMedia(made.id, { alt: "A harbour at dawn" });
    assertEquals(updated, { ...made, alt: "A harbour at dawn" });
    assertEquals(await store.getMedia(made.id), updated);
    assertEquals(await store.updateMedia(UNKNOWN[1], { alt: "x" }), null);
    assertEquals(await store.deleteMedia(made.id), true);
    assertEquals(await store.deleteMedia(made.id), false);
    assertEquals(await store.getMedia(made.id), null);
    assertEquals(ids(await store.listMemberMedia(owner.id, 10)), [second.id]);
  });

  test("media: only unattached uploads older than the cut-off are listed for the sweep", async (store) => {
    const owner = await store.createUser(newUser(1));
    const old = await store.createMedia(upload(owner.id));
    const attached = await store.createMedia(upload(owner.id));
    await store.updateMedia(attached.id, { attachedTo: `avatar:${owner.id}` });
    await later(5);
    const cutOff = new Date();
    await later(5);
    await store.createMedia(upload(owner.id));
    assertEquals(ids(await store.listUnattachedMedia(cutOff, 10)), [old.id]);
    await store.updateMedia(attached.id, { attachedTo: null });
    assertEquals(ids(await store.listUnattachedMedia(cutOff, 10)), [old.id, attached.id]);
    assertEquals(ids(await store.listUnattachedMedia(cutOff, 1)), [old.id]);
  });

  test("media: a post attaches its media when written, swaps them when edited, detaches them when deleted", async (store) => {
    const author = await store.createUser(newUser(1));
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => store.createMedia(upload(author.id))));
    const attachedTo = async (m: Media) => (await store.getMedia(m.id))!.attachedTo;
    const post = await store.createPost({ authorId: author.id, content: "Photos", mediaIds: [b.id, a.id] });
    assertEquals(post.mediaIds, [b.id, a.id]);
    assertEquals((await store.getPost(post.id))!.mediaIds, [b.id, a.id]);
    assertEquals([await attachedTo(a), await attachedTo(b), await attachedTo(c)], [
      `post:${post.id}`,
      `post:${post.id}`,
      null,
    ]);
    const cutOff = new Date(Date.now() + 1000);
    assertEquals(ids(await store.listUnattachedMedia(cutOff, 10)), [c.id]);

    const edited = await store.updatePost(post.id, { mediaIds: [c.id, b.id] });
    assertEquals(edited!.mediaIds, [c.id, b.id]);
    assertEquals([await attachedTo(a), await attachedTo(b), await attachedTo(c)], [
      null,
      `post:${post.id}`,
      `post:${post.id}`,
    ]);
    const { items } = await store.listPosts({ authorId: author.id, limit: 5 });
    assertEquals(items[0].mediaIds, [c.id, b.id]);

    const taken = await assertRejects(() =>
      store.createPost({ authorId: author.id, content: "Mine too", mediaIds: [b.id] })
    );
    assert(taken instanceof ConflictError, String(taken));
    assertEquals((await store.listPosts({ authorId: author.id, limit: 5 })).items.length, 1, "nothing written");
    const plain = await store.createPost({ authorId: author.id, content: "No photos" });
    assertEquals(plain.mediaIds, []);
    assertEquals((await store.getPost(plain.id))!.mediaIds, []);

    assertEquals(await store.deletePost(post.id), true);
    assertEquals([await attachedTo(b), await attachedTo(c)], [null, null]);
    assertEquals(ids(await store.listUnattachedMedia(cutOff, 10)).sort(), [a.id, b.id, c.id].sort());
  });

  test("media: a timeline page carries each post's media ids", async (store: Store) => {
    const author = await store.createUser(newUser(1));
    const m = await store.createMedia(upload(author.id));
    const post = await store.createPost({ authorId: author.id, content: "Look", mediaIds: [m.id] });
    await store.addToTimelines([author.id], { postId: post.id, authorId: author.id, createdAt: post.createdAt });
    const page = await store.listTimelinePosts(author.id, { limit: 5 });
    assertEquals(page.items.map((p) => p.mediaIds), [[m.id]]);
  });
}
