// The contract of the rules services/rules/ decides once for every adapter, part of the one suite storeContract()
// runs: each test failed on one of the two adapters while they decided these rules each their own way.
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { ConflictError } from "../errors.ts";
import { pairTaken } from "../rules/connections.ts";
import { type ContractTest, newUser } from "./contract.ts";

const HOUR = 3600 * 1000;

export function rulesContract(test: ContractTest) {
  test("updatedAt moves forward from the last write even when that write's clock ran ahead", async (store) => {
    // Imported a day ahead: as if another instance, its clock ahead, wrote them last.
    const ahead = new Date(Date.now() + 24 * HOUR);
    const [a, b] = await store.importUsers([{ ...newUser(1), createdAt: ahead }, { ...newUser(2), createdAt: ahead }]);
    const user = await store.updateUser(a, { headline: "Later" });
    assert(user);
    assert(user.updatedAt > ahead, "a member's edit");
    const post = await store.createPost({ authorId: a, content: "first" });
    const edits = [];
    for (let i = 0; i < 5; i++) edits.push((await store.updatePost(post.id, { content: `edit ${i}` }))!.updatedAt);
    for (let i = 1; i < edits.length; i++) assert(edits[i] > edits[i - 1], "each post edit after the one before");
    await store.importConnections([{ senderId: a, receiverId: b, createdAt: ahead }]);
    const c = await store.getConnectionBetween(a, b);
    assert(c);
    const ended = await store.setConnectionStatus(c.id, "rejected");
    assert(ended && ended.updatedAt > ahead, "a connection's change");
    assertEquals((await store.setConnectionStatus(c.id, "rejected"))?.updatedAt, ended.updatedAt, "a no-op");
  });

  test("deleting a member drops their idempotency keys with their sessions", async (store) => {
    const u = await store.createUser(newUser(1));
    const lease = { requestHash: "hash-a", token: "t1", leaseMs: 60_000 };
    assertEquals(await store.claimIdempotency(u.id, "k1", lease), null);
    assertEquals(
      await store.finishIdempotency({ userId: u.id, key: "k1", token: "t1" }, { status: 201, body: "" }, HOUR),
      true,
    );
    assert(await store.deleteUser(u.id));
    assertEquals(await store.claimIdempotency(u.id, "k1", { ...lease, token: "t2" }), null, "nothing left to replay");
  });

  test("a clientId is 1..64 characters on every store", async (store) => {
    const [a, b] = [await store.createUser(newUser(1)), await store.createUser(newUser(2))];
    const send = (clientId: string) =>
      store.createMessage({ senderId: a.id, receiverId: b.id, content: "hi", clientId });
    assert(await assertRejects(() => send("")) instanceof RangeError);
    assert(await assertRejects(() => send("x".repeat(65))) instanceof RangeError);
    assertEquals((await send("x".repeat(64))).created, true);
  });

  test("a taken pair is the same conflict on every store; an import never connects a member to themselves", async (store) => {
    const [a, b] = [await store.createUser(newUser(1)), await store.createUser(newUser(2))];
    await store.createConnection({ senderId: a.id, receiverId: b.id, message: "" });
    const err = await assertRejects(() => store.createConnection({ senderId: b.id, receiverId: a.id, message: "" }));
    assert(err instanceof ConflictError);
    assertEquals(err.message, pairTaken().message);
    const self = await assertRejects(
      () => store.importConnections([{ senderId: a.id, receiverId: a.id, createdAt: new Date() }]),
      "themselves",
    );
    assert(self instanceof RangeError);
  });
}
