// The contract of Idempotency-Key claims, part of the one suite storeContract() runs against every adapter: a claim
// is a lease held by a token (only the holder renews, finishes or releases it), a lapsed lease can be claimed again,
// and a creating write given a held claim finishes it in its own commit, or writes nothing when the claim is lost.
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { ConflictError } from "../errors.ts";
import { type ContractTest, newUser } from "./contract.ts";
import type { IdempotencyClaim, IdempotencyCompletion } from "./model.ts";
import type { Store } from "./store.ts";

const MINUTE = 60_000;
const DAY = 24 * 3600 * 1000;

function lease(token: string, requestHash = "hash-a", leaseMs = MINUTE) {
  return { requestHash, token, leaseMs };
}

function completion<T>(claim: IdempotencyClaim, render: (record: T) => string): IdempotencyCompletion<T> {
  return { ...claim, keepMs: DAY, answer: (record) => ({ status: 201, body: render(record) }) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function idempotencyContract(test: ContractTest) {
  test("an idempotency key is claimed once and replays its finished answer, per member", async (store) => {
    const u = await store.createUser(newUser(1));
    const mine = { userId: u.id, key: "k1", token: "t1" };
    assertEquals(await store.claimIdempotency(u.id, "k1", lease("t1")), null);
    assertEquals(await store.claimIdempotency(u.id, "k1", lease("t2")), { state: "in-flight", requestHash: "hash-a" });
    assertEquals(await store.finishIdempotency(mine, { status: 201, body: '{"id":"1"}' }, DAY), true);
    assertEquals(await store.claimIdempotency(u.id, "k1", lease("t3", "hash-b")), {
      state: "done",
      requestHash: "hash-a",
      status: 201,
      body: '{"id":"1"}',
    });
    assertEquals(await store.finishIdempotency(mine, { status: 500, body: "" }, DAY), false, "finished once");
    await store.releaseIdempotency(mine);
    assertEquals((await store.claimIdempotency(u.id, "k1", lease("t4")))?.state, "done", "a late release keeps it");
    assertEquals(await store.claimIdempotency("someone-else", "k1", lease("t5")), null, "keys are per member");
  });

  test("only the claim's token renews, finishes or releases it", async (store) => {
    const u = await store.createUser(newUser(1));
    const wrong = { userId: u.id, key: "k", token: "not-mine" };
    assertEquals(await store.claimIdempotency(u.id, "k", lease("mine")), null);
    assertEquals(await store.renewIdempotency(wrong, MINUTE), false);
    assertEquals(await store.finishIdempotency(wrong, { status: 201, body: "{}" }, DAY), false);
    await store.releaseIdempotency(wrong);
    assertEquals((await store.claimIdempotency(u.id, "k", lease("other")))?.state, "in-flight");
    await store.releaseIdempotency({ userId: u.id, key: "k", token: "mine" });
    assertEquals(await store.claimIdempotency(u.id, "k", lease("again")), null, "released keys can be claimed again");
  });

  test("a lapsed lease can be claimed again and its old holder can no longer finish it", async (store) => {
    const u = await store.createUser(newUser(1));
    const old = { userId: u.id, key: "k", token: "old" };
    assertEquals(await store.claimIdempotency(u.id, "k", lease("old", "h", 40)), null);
    await sleep(120);
    assertEquals(await store.claimIdempotency(u.id, "k", lease("new", "h2")), null, "expired keys are claimed again");
    assertEquals(await store.renewIdempotency(old, MINUTE), false);
    assertEquals(await store.finishIdempotency(old, { status: 201, body: "old" }, DAY), false);
    await store.releaseIdempotency(old);
    assertEquals(await store.claimIdempotency(u.id, "k", lease("third", "h2")), {
      state: "in-flight",
      requestHash: "h2",
    });
  });

  test("renewing keeps a claim past its first lease", async (store) => {
    const u = await store.createUser(newUser(1));
    assertEquals(await store.claimIdempotency(u.id, "k", lease("t", "h", 100)), null);
    assertEquals(await store.renewIdempotency({ userId: u.id, key: "k", token: "t" }, MINUTE), true);
    await sleep(200);
    assertEquals(await store.claimIdempotency(u.id, "k", lease("u")), { state: "in-flight", requestHash: "h" });
  });

  test("of racing claims of one idempotency key exactly one proceeds", async (store) => {
    const u = await store.createUser(newUser(1));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.claimIdempotency(u.id, "same", lease(`t${i}`))),
    );
    assertEquals(results.filter((r) => r === null).length, 1);
  });

  test("each creating write finishes its held claim in its own commit", async (store) => {
    const [a, b] = [await store.createUser(newUser(1)), await store.createUser(newUser(2))];
    const writes: [string, (done: IdempotencyCompletion<{ id: string }>) => Promise<{ id: string }>][] = [
      ["post", (done) => store.createPost({ authorId: a.id, content: "hello" }, done)],
      ["job", (done) => store.createJob({ posterId: a.id, title: "T", description: "D", jobType: "contract" }, done)],
      ["connection", (done) => store.createConnection({ senderId: a.id, receiverId: b.id, message: "" }, done)],
      ["message", async (done) => {
        const sent = await store.createMessage(
          { senderId: a.id, receiverId: b.id, content: "hi" },
          { ...done, answer: (r) => done.answer(r.message) },
        );
        return sent.message;
      }],
    ];
    for (const [what, write] of writes) {
      const claim = { userId: a.id, key: what, token: "t" };
      assertEquals(await store.claimIdempotency(a.id, what, lease("t")), null);
      const record = await write(completion(claim, (r) => `${what}:${r.id}`));
      assertEquals(await store.claimIdempotency(a.id, what, lease("u")), {
        state: "done",
        requestHash: "hash-a",
        status: 201,
        body: `${what}:${record.id}`,
      }, what);
      assertEquals(await store.finishIdempotency(claim, { status: 201, body: "again" }, DAY), false, what);
    }
  });

  test("a creating write whose claim is lost writes nothing", async (store) => {
    const a = await store.createUser(newUser(1));
    assertEquals(await store.claimIdempotency(a.id, "k", lease("holder")), null);
    const stale = completion<{ id: string }>({ userId: a.id, key: "k", token: "lapsed" }, (r) => r.id);
    assert(
      await assertRejects(() => store.createPost({ authorId: a.id, content: "twice?" }, stale)) instanceof
        ConflictError,
    );
    const job = () => store.createJob({ posterId: a.id, title: "T", description: "D", jobType: "contract" }, stale);
    assert(await assertRejects(job) instanceof ConflictError);
    assertEquals((await store.listPosts({ authorId: a.id, limit: 10 })).items, []);
    assertEquals((await store.listJobs({ limit: 10 })).items, []);
    const unclaimed = completion<{ id: string }>({ userId: a.id, key: "never", token: "t" }, (r) => r.id);
    assert(
      await assertRejects(() => store.createPost({ authorId: a.id, content: "x" }, unclaimed)) instanceof ConflictError,
    );
    assert((await store.listPosts({ authorId: a.id, limit: 10 })).items.length === 0);
    await expectHeld(store, a.id);
  });
}

async function expectHeld(store: Store, userId: string): Promise<void> {
  assertEquals(await store.claimIdempotency(userId, "k", lease("late")), { state: "in-flight", requestHash: "hash-a" });
}
