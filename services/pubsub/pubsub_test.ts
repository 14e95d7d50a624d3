import { createClient } from "redis";
import { assert, assertEquals, assertThrows } from "../../framework/testing/assert.ts";
import { parseConfig, pubsubAdapter } from "../config.ts";
import { describeAdapters } from "../health.ts";
import { requireServer } from "../testing.ts";
import { BroadcastChannelPubSub } from "./broadcast_channel.ts";
import { assertUnavailable, pubSubContract, waitFor } from "./contract.ts";
import { MemoryPubSub } from "./memory.ts";
import { RedisPubSub } from "./redis.ts";

pubSubContract("memory", () => () => Promise.resolve(new MemoryPubSub()), { shared: false });

// Two instances with one BroadcastChannel name stand for two isolates; each test has its own name.
pubSubContract("broadcast-channel", () => {
  const name = `prok:test:${crypto.randomUUID()}`;
  return () => Promise.resolve(new BroadcastChannelPubSub(name));
}, { shared: true });

Deno.test("[pubsub] the configuration chooses the adapter, and start-up names it", () => {
  const redis = "redis://127.0.0.1:6379";
  const cases: [Record<string, string>, string][] = [
    [{}, "memory"],
    [{ REDIS_URL: redis }, "redis"],
    [{ DENO_DEPLOYMENT_ID: "abc123", PROK_ENV: "test" }, "broadcast-channel"],
    [{ DENO_DEPLOYMENT_ID: "abc123", PROK_ENV: "test", REDIS_URL: redis }, "redis"], // Redis reaches every region; prefer it
    [{ PROK_PUBSUB: "memory", REDIS_URL: redis }, "memory"],
    [{ PROK_PUBSUB: "broadcast-channel" }, "broadcast-channel"],
  ];
  for (const [env, expected] of cases) {
    const config = parseConfig(env);
    assertEquals(pubsubAdapter(config), expected, JSON.stringify(env));
    assertEquals(describeAdapters(config).find((p) => p.port === "pubsub")?.adapter, expected, JSON.stringify(env));
  }
  assertThrows(() => parseConfig({ PROK_PUBSUB: "redis" }), "PROK_PUBSUB: redis needs REDIS_URL too");
  assertThrows(() => parseConfig({ PROK_PUBSUB: "kafka" }), "PROK_PUBSUB: must be memory, redis or broadcast-channel");
});

const redisUrl = requireServer("REDIS_URL");
// Two instances are two pairs of connections: two processes, as far as Redis can tell.
pubSubContract("redis", () => {
  const prefix = `prok:test:${crypto.randomUUID()}:`;
  return () => RedisPubSub.open(redisUrl!, { prefix });
}, { shared: true, ignore: !redisUrl });

Deno.test({
  name: "[pubsub:redis] with Redis unreachable, open gives up waiting and every call says unavailable at once",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    let started = performance.now();
    const ps = await RedisPubSub.open("redis://127.0.0.1:1");
    const opening = performance.now() - started;
    assert(opening < 5_000, `open took ${opening} ms`);
    try {
      started = performance.now();
      await assertUnavailable(() => ps.publish("c", "m"));
      await assertUnavailable(() => ps.subscribe("c", () => {}));
      await assertUnavailable(() => ps.ping());
      const calls = performance.now() - started;
      assert(calls < 500, `calls took ${calls} ms`);
    } finally {
      await ps.close();
    }
  },
});

const connectAdmin = async () => {
  const admin = createClient({ url: redisUrl! });
  admin.on("error", () => {});
  await admin.connect();
  return admin;
};
type Admin = Awaited<ReturnType<typeof connectAdmin>>;

/** This Redis's view of the connections named `name`: their ids and how many channels each is subscribed to. */
async function connections(admin: Admin, name: string) {
  const list = String(await admin.sendCommand(["CLIENT", "LIST"]));
  return list.split("\n").map((line) => Object.fromEntries(line.trim().split(" ").map((kv) => kv.split("="))))
    .filter((c) => c.name === name).map((c) => ({ id: c.id as string, sub: Number(c.sub) }));
}

function redisTest(title: string, fn: (admin: Admin, name: string) => Promise<void>) {
  Deno.test({
    name: `[pubsub:redis] ${title}`,
    ignore: !redisUrl,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const admin = await connectAdmin();
      try {
        await fn(admin, `prok-pubsub-test-${crypto.randomUUID()}`);
      } finally {
        await admin.close();
      }
    },
  });
}

redisTest("one Redis subscription per channel however many handlers; it ends with the last", async (admin, name) => {
  const ps = await RedisPubSub.open(redisUrl!, { name, prefix: `${name}:` });
  try {
    const sub = () => connections(admin, `${name}:sub`).then((c) => c.map((x) => x.sub));
    const offs = await Promise.all([
      ps.subscribe("a", () => {}),
      ps.subscribe("a", () => {}),
      ps.subscribe("a", () => {}),
      ps.subscribe("b", () => {}),
    ]);
    assertEquals(await sub(), [2]);
    await offs[0]();
    await offs[1]();
    assertEquals(await sub(), [2]);
    await offs[2]();
    assertEquals(await sub(), [1]);
    await offs[3]();
    assertEquals(await sub(), [0]);
  } finally {
    await ps.close();
  }
});

redisTest("a killed connection reconnects by itself and the subscriptions come back", async (admin, name) => {
  const ps = await RedisPubSub.open(redisUrl!, { name, prefix: `${name}:` });
  try {
    const got: string[] = [];
    await ps.subscribe("k", (m) => got.push(m));
    await ps.subscribe("l", () => {});
    const [before] = await connections(admin, `${name}:sub`);
    await admin.sendCommand(["CLIENT", "KILL", "ID", before.id]);
    // Back when Redis lists a new subscriber connection holding both channels again.
    let after = before;
    const deadline = Date.now() + 10_000;
    while (after.id === before.id || after.sub !== 2) {
      assert(Date.now() < deadline, `no resubscribed connection: ${JSON.stringify(after)}`);
      await new Promise((r) => setTimeout(r, 20));
      after = (await connections(admin, `${name}:sub`))[0] ?? after;
    }
    await ps.publish("k", "after the reconnect");
    await waitFor(() => got.length === 1, () => JSON.stringify(got));
    assertEquals(got, ["after the reconnect"]);

    // The publisher too: while it is away a publish says unavailable (never hangs), then it works again.
    const [pub] = await connections(admin, `${name}:pub`);
    await admin.sendCommand(["CLIENT", "KILL", "ID", pub.id]);
    const until = Date.now() + 10_000;
    for (;;) {
      try {
        await ps.publish("k", "publisher back");
        break;
      } catch (err) {
        assert(err instanceof Error && err.name === "UnavailableError", `unexpected ${err}`);
        assert(Date.now() < until, "the publisher did not come back");
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    await waitFor(() => got.length === 2, () => JSON.stringify(got));
    await ps.ping();
  } finally {
    await ps.close();
  }
});

/** A TCP relay to Redis that can be cut and restored, to stand for a Redis that goes away and comes back. */
class Relay {
  #listener?: Deno.Listener;
  #conns = new Set<Deno.Conn>();
  port = 0;

  constructor(readonly target: { hostname: string; port: number }) {}

  up() {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: this.port });
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    (async () => {
      for await (const client of this.#listener!) {
        const server = await Deno.connect(this.target).catch(() => null);
        if (!server) {
          client.close();
          continue;
        }
        this.#conns.add(client).add(server);
        const close = () => {
          for (const c of [client, server]) {
            if (this.#conns.delete(c)) c.close();
          }
        };
        client.readable.pipeTo(server.writable).catch(() => {}).finally(close);
        server.readable.pipeTo(client.writable).catch(() => {}).finally(close);
      }
    })().catch(() => {});
  }

  down() {
    this.#listener?.close();
    for (const c of this.#conns) c.close();
    this.#conns.clear();
  }
}

redisTest("Redis away and back: calls say unavailable meanwhile, then everything resumes by itself", async (
  admin,
  name,
) => {
  const target = new URL(redisUrl!);
  const relay = new Relay({ hostname: target.hostname, port: Number(target.port || 6379) });
  relay.up();
  const url = new URL(redisUrl!);
  url.hostname = "127.0.0.1";
  url.port = String(relay.port);
  const ps = await RedisPubSub.open(url.href, { name, prefix: `${name}:` });
  try {
    const got: string[] = [];
    let restored = 0;
    ps.onRestored(() => {
      restored++;
      // Told only once the subscriptions are back: what is published from now on arrives (sent straight to Redis,
      // whose own connection never went away).
      admin.publish(`${name}:kept`, "told").catch(() => {});
    });
    await ps.subscribe("kept", (m) => got.push(m));
    const off = await ps.subscribe("left", () => {});
    relay.down();
    await waitFor(() => !ps.publisher.isReady && !ps.subscriber.isReady, () => "clients still ready");
    const started = performance.now();
    await assertUnavailable(() => ps.publish("kept", "lost"));
    await assertUnavailable(() => ps.subscribe("new", () => {}));
    await assertUnavailable(() => ps.ping());
    await off(); // while Redis is away: done here at once, tidied on the server when it is back
    assert(performance.now() - started < 500, "calls waited for Redis");
    await new Promise((r) => setTimeout(r, 600)); // a few reconnect attempts fail meanwhile

    assertEquals(restored, 0, "not restored while Redis is away");
    relay.up();
    await waitFor(() => ps.publisher.isReady && ps.subscriber.isReady, () => "clients did not reconnect", 15_000);
    await waitFor(() => restored === 1, () => `restored ${restored} times`, 15_000);
    await ps.ping();
    await ps.publish("kept", "back");
    await waitFor(() => got.length === 2, () => JSON.stringify(got));
    assertEquals(got.sort(), ["back", "told"]);
    assertEquals(restored, 1);
    const server = async () => {
      const counts = await admin.sendCommand(["PUBSUB", "NUMSUB", `${name}:kept`, `${name}:left`]) as unknown[];
      return [Number(counts[1]), Number(counts[3])];
    };
    const deadline = Date.now() + 5_000;
    let subs = await server();
    while (subs[1] !== 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      subs = await server();
    }
    assertEquals(subs, [1, 0], "kept is subscribed again, left is not");
  } finally {
    await ps.close();
    relay.down();
  }
});
