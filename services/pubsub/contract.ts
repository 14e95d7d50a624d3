// The one contract every PubSub adapter passes.
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { UnavailableError } from "../errors.ts";
import type { PubSub } from "./types.ts";

/** Opens a new instance joined to one test's backend: a second call stands for a second process. */
export type Opener = () => Promise<PubSub>;

export interface ContractOptions {
  /** Whether instances opened on one backend hear each other (false for memory: every process is alone). */
  shared: boolean;
  ignore?: boolean;
}

/** Asserts that `fn` rejects with UnavailableError, and returns it. */
export async function assertUnavailable(fn: () => Promise<unknown>): Promise<UnavailableError> {
  const err = await assertRejects(fn);
  assert(err instanceof UnavailableError, `expected UnavailableError, got ${err}`);
  return err;
}

/** Resolves once `done()` holds, checking after every delivery; rejects with `what` after `ms`. */
export function waitFor(done: () => boolean, what: () => string, ms = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (done()) return resolve();
      if (Date.now() - started > ms) return reject(new Error(`timed out after ${ms} ms: ${what()}`));
      setTimeout(tick, 2);
    };
    tick();
  });
}

/** Lets whatever is on its way arrive (used before asserting that something did NOT arrive). */
const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

/**
 * Registers the contract for one adapter. `backend` is called once per test and gives that test its own backend
 * (for example its own BroadcastChannel name); the channels a test uses are private to it as well.
 */
export function pubSubContract(name: string, backend: () => Opener, options: ContractOptions) {
  const { shared } = options;
  const test = (
    title: string,
    fn: (ctx: { open: Opener; shared: boolean; ch: (c: string) => string }) => Promise<void>,
  ) =>
    Deno.test({
      name: `[pubsub:${name}] ${title}`,
      ignore: options.ignore,
      sanitizeOps: false,
      sanitizeResources: false,
      fn: async () => {
        const open = backend();
        const opened: PubSub[] = [];
        const run = crypto.randomUUID(); // channels private to this test, whatever else the backend carries
        try {
          await fn({
            open: async () => {
              const ps = await open();
              opened.push(ps);
              return ps;
            },
            shared,
            ch: (c) => `${run}:${c}`,
          });
        } finally {
          await Promise.all(opened.map((ps) => ps.close()));
        }
      },
    });

  test("ping answers while the backend does", async ({ open }) => {
    await (await open()).ping();
  });

  test("a message reaches every subscriber of its channel, in this process too, and no other channel", async ({ open, shared, ch }) => {
    const a = await open();
    const b = shared ? await open() : a;
    const got: string[] = [];
    await a.subscribe(ch("news"), (m) => got.push(`a1:${m}`));
    await a.subscribe(ch("news"), (m) => got.push(`a2:${m}`));
    await b.subscribe(ch("news"), (m) => got.push(`b:${m}`));
    await a.subscribe(ch("other"), (m) => got.push(`other:${m}`));
    await b.subscribe(ch("other"), (m) => got.push(`other:${m}`));
    await a.publish(ch("news"), "hello");
    await waitFor(() => got.length >= 3, () => JSON.stringify(got));
    await settle();
    assertEquals(got.sort(), ["a1:hello", "a2:hello", "b:hello"]);
  });

  test("1,000 messages from one publisher arrive in the order published", async ({ open, shared, ch }) => {
    const a = await open();
    const b = shared ? await open() : a;
    const got: string[] = [];
    await b.subscribe(ch("seq"), (m) => got.push(m));
    const sent = Array.from({ length: 1_000 }, (_, i) => String(i));
    await Promise.all(sent.map((m) => a.publish(ch("seq"), m))); // not awaited one by one: call order is the order
    await waitFor(() => got.length >= sent.length, () => `${got.length} of ${sent.length}`);
    assertEquals(got, sent);
  });

  test("publish does not deliver inside the call, and handlers that publish keep the order", async ({ open, ch }) => {
    const ps = await open();
    const got: string[] = [];
    let inPublish = false;
    await ps.subscribe(ch("re"), (m) => {
      assert(!inPublish, "delivered re-entrantly inside publish");
      got.push(m);
      if (m === "1") ps.publish(ch("re"), "3");
    });
    inPublish = true;
    const first = ps.publish(ch("re"), "1");
    const second = ps.publish(ch("re"), "2");
    inPublish = false;
    await Promise.all([first, second]);
    await waitFor(() => got.length >= 3, () => JSON.stringify(got));
    assertEquals(got, ["1", "2", "3"]);
  });

  test("unsubscribing stops that handler only; twice is harmless; the channel can be joined again", async ({ open, shared, ch }) => {
    const a = await open();
    const b = shared ? await open() : a;
    const kept: string[] = [];
    const dropped: string[] = [];
    await b.subscribe(ch("u"), (m) => kept.push(m));
    const off = await b.subscribe(ch("u"), (m) => dropped.push(m));
    await a.publish(ch("u"), "1");
    await waitFor(() => kept.length === 1 && dropped.length === 1, () => `${kept} / ${dropped}`);
    await off();
    await off();
    await a.publish(ch("u"), "2");
    await waitFor(() => kept.length === 2, () => `${kept}`);
    await settle();
    assertEquals([kept, dropped], [["1", "2"], ["1"]]);

    // The last handler leaving and a new one coming, at once and in turn: the new one hears the channel.
    const offAll = await b.subscribe(ch("v"), () => {});
    const again: string[] = [];
    const [, offAgain] = await Promise.all([offAll(), b.subscribe(ch("v"), (m) => again.push(m))]);
    await a.publish(ch("v"), "x");
    await waitFor(() => again.length === 1, () => `${again}`);
    await offAgain();
    const late: string[] = [];
    await b.subscribe(ch("v"), (m) => late.push(m));
    await a.publish(ch("v"), "y");
    await waitFor(() => late.length === 1, () => `${late}`);
    await settle();
    assertEquals([again, late], [["x"], ["y"]]);
  });

  test("a handler that throws does not stop the others", async ({ open, ch }) => {
    const ps = await open();
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      const got: string[] = [];
      await ps.subscribe(ch("t"), () => {
        throw new Error("boom");
      });
      await ps.subscribe(ch("t"), () => Promise.reject(new Error("async boom")));
      await ps.subscribe(ch("t"), (m) => got.push(m));
      await ps.publish(ch("t"), "still here");
      await waitFor(() => got.length === 1 && errors.length === 2, () => `${got} ${errors}`);
      assert(errors.every((e) => JSON.parse(e).channel === ch("t")), errors.join("\n"));
    } finally {
      console.error = original;
    }
  });

  test("large (16 KiB) and Unicode messages arrive intact", async ({ open, shared, ch }) => {
    const a = await open();
    const b = shared ? await open() : a;
    const unicode = 'héllo — 你好 — مرحبا — 👩🏽‍💻🇺🇦 — e\u0301 — \u2028\u2029 — \0 — "quoted" \\ {json}';
    const large = "x".repeat(16 * 1024 - 4) + "🙂🙂"; // 16 KiB of UTF-16 code units, with astral characters at the end
    const json = JSON.stringify({ text: unicode, lone: "\ud800" }); // JSON escapes a lone surrogate, so it survives
    const got: string[] = [];
    await b.subscribe(ch("big"), (m) => got.push(m));
    for (const m of [unicode, large, json, ""]) await a.publish(ch("big"), m);
    await waitFor(() => got.length >= 4, () => `${got.length} of 4`);
    assertEquals(got, [unicode, large, json, ""]);
    assertEquals(JSON.parse(got[2]).lone, "\ud800");
  });

  test("close is idempotent; a closed port refuses to publish or subscribe", async ({ open, ch }) => {
    const ps = await open();
    const off = await ps.subscribe(ch("c"), () => {});
    await ps.close();
    await ps.close();
    await off(); // after close: harmless
    await assertUnavailable(() => ps.publish(ch("c"), "late"));
    await assertUnavailable(() => ps.subscribe(ch("c"), () => {}));
  });

  test("2,000 channels on one instance each get their message", async ({ open, shared, ch }) => {
    const a = await open();
    const b = shared ? await open() : a;
    const channels = Array.from({ length: 2_000 }, (_, i) => ch(`many:${i}`));
    const got = new Set<string>();
    const offs = await Promise.all(channels.map((c) => b.subscribe(c, (m) => got.add(`${c}=${m}`))));
    await Promise.all(channels.map((c) => a.publish(c, "1")));
    await waitFor(() => got.size >= channels.length, () => `${got.size} of ${channels.length}`, 20_000);
    assertEquals(got, new Set(channels.map((c) => `${c}=1`)));
    await Promise.all(offs.map((off) => off()));
  });

  test("a burst of 10,000 messages across 100 channels all arrive, in order per channel", async ({ open, shared, ch }) => {
    const a = await open();
    const b = shared ? await open() : a;
    const channels = Array.from({ length: 100 }, (_, i) => ch(`burst:${i}`));
    const got = channels.map(() => [] as number[]);
    let count = 0;
    await Promise.all(channels.map((c, i) =>
      b.subscribe(c, (m) => {
        got[i].push(Number(m));
        count++;
      })
    ));
    const total = 10_000;
    const started = performance.now();
    await Promise.all(Array.from({ length: total }, (_, n) => a.publish(channels[n % 100], String(n))));
    await waitFor(() => count >= total, () => `${count} of ${total} arrived`, 30_000);
    const ms = performance.now() - started;
    console.log(
      `[pubsub:${name}] burst: ${total} messages in ${ms.toFixed(0)} ms (${Math.round(total / ms * 1000)}/s)`,
    );
    await settle(50);
    assertEquals(count, total);
    for (const [i, list] of got.entries()) {
      assertEquals(list, Array.from({ length: 100 }, (_, k) => i + k * 100), `channel ${i}`);
    }
  });

  if (!shared) return; // memory: every process is its own backend, so the rest does not apply

  test("two instances on one backend hear each other, both ways", async ({ open, ch }) => {
    const a = await open();
    const b = await open();
    const atA: string[] = [];
    const atB: string[] = [];
    await a.subscribe(ch("x"), (m) => atA.push(m));
    await b.subscribe(ch("x"), (m) => atB.push(m));
    await a.publish(ch("x"), "from a");
    await b.publish(ch("x"), "from b");
    await waitFor(() => atA.length === 2 && atB.length === 2, () => `${atA} / ${atB}`);
    assertEquals([atA.sort(), atB.sort()], [["from a", "from b"], ["from a", "from b"]]);
  });
}
