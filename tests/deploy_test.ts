// Prok as Deno Deploy runs it: DENO_DEPLOYMENT_ID set, no file-system writes anywhere (--deny-write), no Web Workers
// (preloaded away), no subprocesses or FFI, and the managed KV that Deno.openKv() opens without a path. A member
// registers, connects, posts, chats over the socket and finds the post in search.
import { assert, assertEquals } from "../framework/testing/assert.ts";
import { createHandler } from "$fresh/server.ts";
import config from "../fresh.config.ts";
import manifest from "../fresh.gen.ts";
import { MagickFormat } from "@imagemagick/magick-wasm";
import { picture } from "../services/media/test_images.ts";
import { eventually } from "../services/testing.ts";
import { api, connect, type Json, register } from "./faults/members.ts";
import { startApp } from "./faults/servers.ts";
import { asMember } from "./socket_client.ts";

/** Where Deno keeps what Deno.openKv() opens without a path (as Deploy keeps its managed KV): one folder per location. */
async function locationData(): Promise<string> {
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" }).output();
  return `${JSON.parse(new TextDecoder().decode(info.stdout)).denoDir}/location_data`;
}

async function folders(dir: string): Promise<Set<string>> {
  const names = new Set<string>();
  try {
    for await (const entry of Deno.readDir(dir)) names.add(entry.name);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return names;
}

Deno.test("[deploy] on Deno Deploy's terms: register, connect, post, chat and search with nothing written to disk", async () => {
  // Deploy's build step (`deno task build`): the app there never builds at start.
  await createHandler(manifest, config);
  const dataDir = `${await Deno.makeTempDir({ prefix: "prok-deploy-" })}/data`;
  const kvFolders = await locationData();
  const before = await folders(kvFolders);
  const app = await startApp({ DENO_DEPLOYMENT_ID: "test-deployment", PROK_DATA_DIR: dataDir, PROK_ENV: "" }, {
    denoFlags: [
      "--allow-read",
      "--allow-net",
      "--allow-env",
      "--deny-write",
      "--deny-run",
      "--deny-ffi",
      `--location=https://deploy-test-${crypto.randomUUID()}.example/`,
      "--preload=tests/fixtures/deploy/no_worker.ts",
    ],
  });
  try {
    const logged = () => app.lines().flatMap((l) => l.startsWith("{") ? [JSON.parse(l) as Json] : []);
    const adapters = logged().filter((l) => l.msg === "port adapter").map((l) => `${l.port}=${l.adapter}`);
    assertEquals(adapters, [
      "store=deno-kv",
      "queue=deno-kv",
      "rate-limit=memory",
      "pubsub=broadcast-channel",
      "search=builtin",
      "mail=outbox",
      "media=disk",
      "sweeps=deno-cron",
    ]);
    assertEquals(logged().find((l) => l.msg === "listening")?.env, "production", "Deploy is production by default");
    // No disk for media there without a bucket: serving goes on, and readiness names what is missing.
    const ready = await api(app.origin, "GET", "/readyz");
    assertEquals([ready.status, ready.json.degraded], [200, ["media-folder"]]);

    const [ada, bo] = [await register(app.origin, "Ada"), await register(app.origin, "Bo")];
    assert(
      logged().some((l) => l.msg === "no worker threads; passwords run on the event loop"),
      "passwords were hashed without a Worker",
    );
    // An upload is put through the pipeline without a Worker, then refused for want of a bucket: 503, not 500.
    const upload = await fetch(`${app.origin}/api/media?purpose=avatar`, {
      method: "POST",
      headers: { authorization: `Bearer ${ada.token}`, "content-type": "image/png" },
      body: await picture(64, 64, MagickFormat.Png) as Uint8Array<ArrayBuffer>,
    });
    assertEquals(
      [upload.status, upload.headers.get("content-type"), (await upload.json()).detail],
      [503, "application/problem+json", "The media folder is not available right now."],
    );
    assert(Number(upload.headers.get("retry-after")) > 0);
    await connect(app.origin, ada, bo);
    const post = await api(app.origin, "POST", "/api/posts", { content: "Serverless quokkas at dawn" }, ada.token);
    assertEquals(post.status, 201, post.text);
    const feed = await api(app.origin, "GET", "/api/posts?feed=home", undefined, bo.token);
    assertEquals((feed.json.items as Json[]).map((p) => p.id), [post.json.id]);

    const [adaSocket, boSocket] = [
      await asMember(app.origin, { accessToken: ada.token }),
      await asMember(app.origin, { accessToken: bo.token }),
    ];
    try {
      adaSocket.send("message:send", { receiverId: bo.id, content: "Hello from the edge", clientId: "c1" });
      const ack = await adaSocket.next("message:ack");
      const received = await boSocket.next("message:receive");
      assertEquals((received.message as Json).id, (ack.message as Json).id);
      assertEquals((received.message as Json).content, "Hello from the edge");
    } finally {
      await Promise.all([adaSocket.close(), boSocket.close()]);
    }

    // The search worker listens on the KV queue: the post is indexed once its event is handled.
    const hits = await eventually(
      async () => (await api(app.origin, "GET", "/api/search?q=quokkas&type=posts", undefined, bo.token)).json,
      (found) => (found.items as Json[] | undefined)?.length === 1,
      "the post in search",
    );
    assertEquals(((hits.items as Json[])[0].post as Json).id, post.json.id);

    const errors = logged().filter((l) => l.level === "error");
    assertEquals(errors, [], "nothing failed, nothing tried to write");
    assertEquals(await Deno.stat(dataDir).catch(() => null), null, "the data folder was never made");
  } finally {
    await app.kill().catch(() => {});
    for (const name of await folders(kvFolders)) {
      if (!before.has(name)) await Deno.remove(`${kvFolders}/${name}`, { recursive: true });
    }
  }
});
