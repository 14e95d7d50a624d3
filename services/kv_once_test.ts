import { assertEquals, assertRejects } from "../framework/testing/assert.ts";
import { type OnceLedger, runOnce } from "./kv_once.ts";

const LEDGER: OnceLedger<string> = {
  running: "running",
  done: () => "done",
  isDone: (value) => value === "done",
  leaseMs: 60_000,
  doneForMs: 60_000,
};

Deno.test("[once] work runs once; a second claim sees it done, or busy while it runs", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    let runs = 0;
    let during: string | undefined;
    assertEquals(
      await runOnce(kv, ["k"], LEDGER, async () => {
        runs++;
        during = await runOnce(kv, ["k"], LEDGER, () => Promise.resolve(void runs++));
      }),
      "ran",
    );
    assertEquals(during, "busy");
    assertEquals(await runOnce(kv, ["k"], LEDGER, () => Promise.resolve(void runs++)), "done");
    assertEquals(runs, 1);
    assertEquals((await kv.get(["k"])).value, "done");
  } finally {
    kv.close();
  }
});

Deno.test("[once] a failure releases the claim, so the retry runs the work", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await assertRejects(() => runOnce(kv, ["k"], LEDGER, () => Promise.reject(new Error("down"))), "down");
    assertEquals((await kv.get(["k"])).value, null);
    assertEquals(await runOnce(kv, ["k"], LEDGER, () => Promise.resolve()), "ran");
  } finally {
    kv.close();
  }
});
