// The fan-out workers against a real (in-memory) KV store, with events handed to them as the runner would, including
// redeliveries after failures.
import { assertEquals, assertRejects } from "../framework/testing/assert.ts";
import { newEvent } from "../services/store/events.ts";
import { KvStore } from "../services/store/kv/store.ts";
import type { DomainEvent } from "../services/store/model.ts";
import type { Store } from "../services/store/store.ts";
import { fanoutWorkers } from "./fanout.ts";
import type { Worker } from "./runner.ts";

async function setup() {
  const kv = await Deno.openKv(":memory:");
  const store = new KvStore(kv);
  const user = (n: number) =>
    store.createUser({
      email: `f${n}@example.com`,
      passwordHash: "x",
      firstName: `F${n}`,
      lastName: "L",
      role: "member",
    });
  const [ada, bob, cy] = [await user(1), await user(2), await user(3)];
  const workers = fanoutWorkers(store);
  const deliver = async (event: DomainEvent) => {
    for (const w of workers.filter((w: Worker) => w.handles.includes(event.type))) await w.run(event);
  };
  const timeline = async (memberId: string) =>
    (await store.listTimeline(memberId, { limit: 100 })).items.map((e) => e.postId);
  const connect = async (a: string, b: string) => {
    const c = await store.createConnection({ senderId: a, receiverId: b, message: "" });
    await store.setConnectionStatus(c.id, "accepted");
    await deliver({ ...newEvent("connection.accepted", c.id), members: [a, b] });
    return c;
  };
  const post = async (authorId: string, content: string) => {
    const p = await store.createPost({ authorId, content });
    await deliver(newEvent("post.created", p.id));
    return p;
  };
  return { kv, store, ada, bob, cy, deliver, timeline, connect, post, workers };
}

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  ...opts,
  name: "[fanout] a post reaches its author and their connections only",
  fn: async () => {
    const { kv, ada, bob, cy, timeline, connect, post } = await setup();
    await connect(ada.id, bob.id);
    const p = await post(ada.id, "hello network");
    assertEquals(await timeline(ada.id), [p.id]);
    assertEquals(await timeline(bob.id), [p.id]);
    assertEquals(await timeline(cy.id), [], "not connected, not reached");
    kv.close();
  },
});

Deno.test({
  ...opts,
  name: "[fanout] a new connection brings each member the other's recent posts; ending it takes them away",
  fn: async () => {
    const { kv, store, ada, bob, deliver, timeline, connect, post } = await setup();
    const a1 = await post(ada.id, "a1");
    const b1 = await post(bob.id, "b1");
    assertEquals(await timeline(bob.id), [b1.id]);
    const c = await connect(ada.id, bob.id);
    assertEquals(await timeline(bob.id), [b1.id, a1.id]);
    assertEquals(await timeline(ada.id), [b1.id, a1.id]);
    await store.deleteConnection(c.id);
    await deliver({ ...newEvent("connection.removed", c.id), members: [ada.id, bob.id] });
    assertEquals(await timeline(ada.id), [a1.id]);
    assertEquals(await timeline(bob.id), [b1.id]);
    kv.close();
  },
});

Deno.test({
  ...opts,
  name: "[fanout] a deleted post leaves every timeline; a post deleted before its fan-out reaches none",
  fn: async () => {
    const { kv, store, ada, bob, deliver, timeline, connect, post } = await setup();
    await connect(ada.id, bob.id);
    const p = await post(ada.id, "oops");
    await store.deletePost(p.id);
    await deliver({ ...newEvent("post.deleted", p.id), members: [ada.id] });
    assertEquals([await timeline(ada.id), await timeline(bob.id)], [[], []]);
    const q = await store.createPost({ authorId: ada.id, content: "gone at once" });
    await store.deletePost(q.id);
    await deliver(newEvent("post.created", q.id));
    assertEquals(await timeline(bob.id), []);
    kv.close();
  },
});

Deno.test({
  ...opts,
  name: "[fanout] a worker that fails twice and is retried ends with each post once",
  fn: async () => {
    const { kv, store, ada, bob, timeline, connect, workers } = await setup();
    await connect(ada.id, bob.id);
    const p = await store.createPost({ authorId: ada.id, content: "flaky" });
    const event = newEvent("post.created", p.id);
    const fanout = workers.find((w) => w.name === "fanout:post-created")!;
    const real = store.addToTimelines.bind(store);
    let calls = 0;
    (store as Store).addToTimelines = (members, entry) => {
      calls++;
      // Half done, then down: the first two deliveries fail after writing part of their work.
      if (calls <= 2) return real(members.slice(0, 1), entry).then(() => Promise.reject(new Error("store down")));
      return real(members, entry);
    };
    await assertRejects(() => fanout.run(event), "store down");
    await assertRejects(() => fanout.run(event), "store down");
    await fanout.run(event);
    await fanout.run(event); // a late duplicate delivery
    assertEquals(await timeline(ada.id), [p.id]);
    assertEquals(await timeline(bob.id), [p.id]);
    kv.close();
  },
});

Deno.test({
  ...opts,
  name: "[fanout] a connection that ends while a post fans out leaves no stray entry",
  fn: async () => {
    const { kv, store, ada, bob, timeline, connect, workers } = await setup();
    const c = await connect(ada.id, bob.id);
    const p = await store.createPost({ authorId: ada.id, content: "racing" });
    const fanout = workers.find((w) => w.name === "fanout:post-created")!;
    const removal = workers.find((w) => w.name === "fanout:connection-removed")!;
    const real = store.listConnectedIds.bind(store);
    let reads = 0;
    (store as Store).listConnectedIds = async (member) => {
      const ids = await real(member);
      if (++reads === 1) {
        // The connection ends, and its removal worker runs, between the fan-out's read and its write.
        await store.deleteConnection(c.id);
        await removal.run({ ...newEvent("connection.removed", c.id), members: [ada.id, bob.id] });
      }
      return ids;
    };
    await fanout.run(newEvent("post.created", p.id));
    assertEquals(await timeline(bob.id), []);
    assertEquals(await timeline(ada.id), [p.id]);
    kv.close();
  },
});

Deno.test({
  ...opts,
  name: "[fanout] a deleted post's reactions go with it, and the event redelivered changes nothing",
  fn: async () => {
    const { kv, store, ada, bob, cy, deliver, post } = await setup();
    const p = await post(ada.id, "react to this");
    const kept = await post(ada.id, "and this");
    for (const member of [bob, cy]) {
      await store.setPostReaction(p.id, member.id, "celebrate");
      await store.setPostReaction(kept.id, member.id, "like");
    }
    await store.deletePost(p.id);
    const deleted = { ...newEvent("post.deleted", p.id), members: [ada.id] };
    await deliver(deleted);
    await deliver(deleted);
    assertEquals((await store.listPostReactions(p.id, { limit: 10 })).items, []);
    assertEquals((await store.listPostReactions(kept.id, { limit: 10 })).items.length, 2);
    kv.close();
  },
});
