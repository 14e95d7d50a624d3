// API.md "Media", row by row, through the real app and the real pipeline: uploads in both forms, every refusal, alt
// text, attaching to posts and profiles, serving, and the end of media (deleted post, deleted account, orphans), on
// disk and on a real S3-protocol server.
import { MagickFormat } from "@imagemagick/magick-wasm";
import { assert, assertEquals } from "../framework/testing/assert.ts";
import { RESOURCES } from "../http/resources.ts";
import { startS3 } from "../services/blobs/s3_testing.ts";
import { sweepOrphanMedia } from "../services/media/media.ts";
import { picture, pngBomb, withExif } from "../services/media/test_images.ts";
import { bytes } from "../services/media/test_bytes.ts";
import { eventually } from "../services/testing.ts";
import { assertProblem, call, type Json, signUp } from "./api_client.ts";
import { type TestApp, withTestApp, withWorkers } from "./testing.ts";

type Signed = Awaited<ReturnType<typeof signUp>>;

interface Sent {
  status: number;
  headers: Headers;
  json: Json;
}

/** POST /api/media as a form (file + purpose) or as the raw body with `type` and ?purpose=. */
async function upload(
  t: TestApp,
  who: Signed | null,
  file: Uint8Array,
  options: { purpose?: string; raw?: string; name?: string; fileType?: string } = {},
): Promise<Sent> {
  const headers = new Headers(who ? { authorization: `Bearer ${who.accessToken}` } : {});
  let body: BodyInit;
  let path = "/api/media";
  if (options.raw !== undefined) {
    headers.set("content-type", options.raw);
    body = file as Uint8Array<ArrayBuffer>;
    if (options.purpose) path += `?purpose=${options.purpose}`;
  } else {
    const form = new FormData();
    form.set(
      "file",
      new File([file as Uint8Array<ArrayBuffer>], options.name ?? "photo.jpg", {
        type: options.fileType ?? "image/jpeg",
      }),
    );
    if (options.purpose) form.set("purpose", options.purpose);
    body = form;
  }
  const res = await t.fetch(path, { method: "POST", headers, body });
  const text = await res.text();
  const json = text ? JSON.parse(text) as Json : {};
  if (res.status === 201) assert(RESOURCES.Media.safeParse(json).success, text);
  return { status: res.status, headers: res.headers, json };
}

type MediaJson = { id: string; variants: { url: string; width: number; type: string }[] };
const media = (res: Sent) => res.json as unknown as MediaJson;
const has = (haystack: Uint8Array, needle: string) => new TextDecoder("latin1").decode(haystack).includes(needle);

async function stored(t: TestApp, url: string): Promise<boolean> {
  const blob = await t.app.blobs.get(url.replace(/^.*?\/media\//, "media/"));
  await blob?.body.cancel();
  return blob !== null;
}

Deno.test("[api media] a phone photo uploads as a form and as a raw body; every variant is served clean and immutable", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    const photo = withExif(await picture(2000, 1500, MagickFormat.Jpeg), 6);
    const res = await upload(t, a, photo, { purpose: "post" });
    assertEquals(res.status, 201, JSON.stringify(res.json));
    const m = media(res);
    assertEquals(res.headers.get("location"), `/api/media/${m.id}`);
    assertEquals([res.json.width, res.json.height, res.json.alt, res.json.purpose], [1500, 2000, "", "post"]);
    assertEquals(m.variants.map((v) => `${v.type} ${v.width}`), [
      "image/webp 960",
      "image/jpeg 960",
      "image/webp 480",
      "image/jpeg 480",
    ]);
    for (const v of m.variants) {
      assert(/^\/media\/[0-9a-z]+-[0-9a-f]{16}-\d+\.(webp|jpg)$/.test(v.url), v.url);
      const got = await t.fetch(v.url);
      const body = new Uint8Array(await got.arrayBuffer());
      assertEquals(got.status, 200);
      assertEquals(got.headers.get("content-type"), v.type);
      assertEquals(got.headers.get("cache-control"), "public, max-age=31536000, immutable");
      assertEquals(got.headers.get("x-content-type-options"), "nosniff");
      assertEquals(got.headers.get("content-disposition"), "inline");
      assertEquals(got.headers.get("set-cookie"), null);
      for (const marker of ["Exif", "SpyCam", "GPS"]) assert(!has(body, marker), `${v.url} carries ${marker}`);
    }
    const raw = await upload(t, a, await picture(300, 300, MagickFormat.Png), { raw: "image/png", purpose: "avatar" });
    assertEquals(raw.status, 201, JSON.stringify(raw.json));
    assertEquals(media(raw).variants.map((v) => v.width), [256, 256, 128, 128, 64, 64]);
    assertEquals((await call(t, "GET", `/api/media/${m.id}`, undefined, a.accessToken)).json.id, m.id);
  });
});

Deno.test("[api media] disguises, broken files, bombs, 11 MB and bad forms are 415 or 422; nothing is stored", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    const svg = bytes('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const html = bytes("<!doctype html><script>alert(1)</script>");
    const jpeg = await picture(800, 600, MagickFormat.Jpeg);
    const big = new Uint8Array(11 * 1024 * 1024);
    big.set(jpeg);
    const cases: [string, Promise<Sent>, number][] = [
      ["SVG named .jpg, sent as image/jpeg", upload(t, a, svg, { purpose: "post", name: "cat.jpg" }), 415],
      ["HTML as a raw image/png", upload(t, a, html, { raw: "image/png", purpose: "post" }), 415],
      ["a PDF", upload(t, a, bytes("%PDF-1.7\n"), { purpose: "post", name: "cv.png", fileType: "image/png" }), 415],
      ["a JPEG cut short", upload(t, a, jpeg.subarray(0, 500), { purpose: "post" }), 422],
      ["a pixel bomb", upload(t, a, pngBomb(), { purpose: "post", name: "x.png" }), 422],
      ["11 MB as a form", upload(t, a, big, { purpose: "post" }), 422],
      ["11 MB raw", upload(t, a, big, { raw: "image/jpeg", purpose: "post" }), 422],
      ["no purpose", upload(t, a, jpeg), 422],
      ["an unknown purpose", upload(t, a, jpeg, { purpose: "banner" }), 422],
      ["text/plain", upload(t, a, jpeg, { raw: "text/plain", purpose: "post" }), 415],
      ["signed out", upload(t, null, jpeg, { purpose: "post" }), 401],
    ];
    for (const [what, sent, status] of cases) {
      const res = await sent;
      assertEquals(res.status, status, `${what}: ${JSON.stringify(res.json)}`);
      assertEquals(res.headers.get("content-type"), "application/problem+json", what);
    }
    const noFile = await t.fetch("/api/media", {
      method: "POST",
      headers: { authorization: `Bearer ${a.accessToken}` },
      body: (() => {
        const f = new FormData();
        f.set("purpose", "post");
        return f;
      })(),
    });
    assertEquals(noFile.status, 422);
    await noFile.body?.cancel();
    assertEquals(await t.app.store.listMemberMedia(a.user.id, 10), []);
  });
});

Deno.test("[api media] the 21st upload in an hour is 429; alt text is the owner's to set", async () => {
  await withTestApp(async (t) => {
    const [a, b] = [await signUp(t), await signUp(t)];
    const tiny = await picture(16, 16, MagickFormat.Png);
    const made: MediaJson[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await upload(t, a, tiny, { raw: "image/png", purpose: "post" });
      assertEquals(res.status, 201, `upload ${i + 1}`);
      made.push(media(res));
    }
    const refused = await upload(t, a, tiny, { raw: "image/png", purpose: "post" });
    assertEquals(refused.status, 429);
    assert(Number(refused.headers.get("retry-after")) > 0);
    // Refused before its body is read: a member out of uploads cannot make the server read 10 MB more.
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull: (c) => void (pulled++, c.enqueue(new Uint8Array(65536))),
    });
    const early = await t.fetch("/api/media?purpose=post", {
      method: "POST",
      headers: { authorization: `Bearer ${a.accessToken}`, "content-type": "image/png" },
      body: endless,
    });
    assertEquals(early.status, 429);
    assert(pulled <= 2, `${pulled} chunks of 64 KB were read`); // the stream fills its queue once by itself
    await early.body?.cancel();
    assertEquals((await upload(t, b, tiny, { raw: "image/png", purpose: "post" })).status, 201, "per member");

    const id = made[0].id;
    const alt = await call(t, "PUT", `/api/media/${id}`, { alt: "A harbour at dawn 🌅" }, a.accessToken);
    assertEquals([alt.status, alt.json.alt], [200, "A harbour at dawn 🌅"]);
    assertProblem(await call(t, "PUT", `/api/media/${id}`, { alt: "mine now" }, b.accessToken), 403);
    assertProblem(await call(t, "PUT", `/api/media/${id}`, { alt: "x".repeat(1001) }, a.accessToken), 422);
    assertProblem(await call(t, "PUT", `/api/media/${id}`, { alt: 5 }, a.accessToken), 422);
    assertProblem(await call(t, "PUT", "/api/media/999999", { alt: "x" }, a.accessToken), 404);
    assertProblem(await call(t, "DELETE", `/api/media/${id}`, undefined, b.accessToken), 403);
    assertEquals((await call(t, "DELETE", `/api/media/${id}`, undefined, a.accessToken)).status, 204);
    assertProblem(await call(t, "GET", `/api/media/${id}`, undefined, a.accessToken), 404);
    assertEquals((await t.fetch(made[0].variants[0].url)).status, 404);
    assert(!await stored(t, made[0].variants[0].url));
  });
});

Deno.test("[api media] posts carry up to 4 of the author's own images; v1's mediaUrl is the first one's 960 JPEG", async () => {
  await withWorkers(async (t) => {
    const [a, b] = [await signUp(t), await signUp(t)];
    const photo = await picture(1200, 800, MagickFormat.Jpeg);
    const mine = await Promise.all([1, 2, 3, 4, 5].map(() => upload(t, a, photo, { purpose: "post" })));
    const ids = mine.map((r) => media(r).id);
    const theirs = media(await upload(t, b, photo, { purpose: "post" })).id;
    const avatar = media(await upload(t, a, photo, { purpose: "avatar" })).id;

    const res = await call(
      t,
      "POST",
      "/api/posts",
      { content: "Two photos", mediaIds: [ids[1], ids[0]] },
      a.accessToken,
    );
    assertEquals(res.status, 201, res.text);
    const shown = res.json.media as MediaJson[];
    assertEquals(shown.map((m) => m.id), [ids[1], ids[0]]);
    const jpeg960 = media(mine[1]).variants.find((v) => v.type === "image/jpeg" && v.width === 960)!.url;
    assertEquals(res.json.mediaUrl, jpeg960);
    const feed = await call(t, "GET", "/api/posts?feed=all", undefined, a.accessToken);
    assertEquals(((feed.json.items as Json[])[0].media as MediaJson[]).map((m) => m.id), [ids[1], ids[0]]);

    for (
      const [mediaIds, why] of [
        [[theirs], "another member's media"],
        [[avatar], "an avatar upload"],
        [[ids[0]], "media on another post already"],
        [[ids[2], ids[2]], "the same image twice"],
        [ids, "five images"],
        [["999999"], "an unknown id"],
      ] as const
    ) {
      const refused = await call(t, "POST", "/api/posts", { content: "x", mediaIds }, a.accessToken);
      assertProblem(refused, 422);
      assertEquals((refused.json.errors as { path: string }[])[0].path, "mediaIds", why);
    }
    for (const mediaUrl of ["https://tracker.example/pixel.gif", "http://127.0.0.1/media/x.jpg", "/media/../x"]) {
      assertProblem(await call(t, "POST", "/api/posts", { content: "x", mediaUrl }, a.accessToken), 422);
    }
    const direct = await call(t, "POST", "/api/posts", { content: "v1 client", mediaUrl: jpeg960 }, a.accessToken);
    assertEquals([direct.status, direct.json.mediaUrl], [201, jpeg960]);

    // Editing swaps images; the dropped one is detached (and swept later), the post reads the new list.
    const postId = res.json.id as string;
    const edited = await call(t, "PUT", `/api/posts/${postId}`, { mediaIds: [ids[2]] }, a.accessToken);
    assertEquals((edited.json.media as MediaJson[]).map((m) => m.id), [ids[2]]);
    assertEquals((await t.app.store.getMedia(ids[0]))!.attachedTo, null);

    // Deleting the post deletes its images' files.
    const urls = (edited.json.media as MediaJson[])[0].variants.map((v) => v.url);
    assert(await stored(t, urls[0]));
    assertEquals((await call(t, "DELETE", `/api/posts/${postId}`, undefined, a.accessToken)).status, 204);
    for (const url of urls) assert(!await stored(t, url), url);
    assertEquals(await t.app.store.getMedia(ids[2]), null);
  });
});

Deno.test("[api media] a profile picture comes from an avatar upload; external URLs are refused and old ones hidden", async () => {
  await withTestApp(async (t) => {
    const [a, b] = [await signUp(t), await signUp(t)];
    const photo = await picture(900, 600, MagickFormat.Jpeg);
    const first = media(await upload(t, a, photo, { purpose: "avatar" }));
    const set = await call(t, "PUT", `/api/users/${a.user.id}`, { profilePictureId: first.id }, a.accessToken);
    assertEquals(set.status, 200, JSON.stringify(set.json));
    const url256 = first.variants.find((v) => v.type === "image/jpeg" && v.width === 256)!.url;
    assertEquals(set.json.profilePictureUrl, url256);
    assertEquals((await t.app.store.getMedia(first.id))!.attachedTo, `avatar:${a.user.id}`);

    const second = media(await upload(t, a, photo, { purpose: "avatar" }));
    await call(t, "PUT", `/api/users/${a.user.id}`, { profilePictureId: second.id }, a.accessToken);
    assert(!await stored(t, url256), "the replaced picture's files are deleted");
    assertEquals(await t.app.store.getMedia(first.id), null);

    const post = media(await upload(t, a, photo, { purpose: "post" }));
    for (const body of [{ profilePictureId: post.id }, { profilePictureId: "999999" }]) {
      assertProblem(await call(t, "PUT", `/api/users/${a.user.id}`, body, a.accessToken), 422);
    }
    assertProblem(await call(t, "PUT", `/api/users/${b.user.id}`, { profilePictureId: second.id }, b.accessToken), 422);
    for (
      const profilePictureUrl of [
        "https://gravatar.example/a.jpg",
        "http://evil.example/media/a-0123456789abcdef-256.jpg",
      ]
    ) {
      assertProblem(await call(t, "PUT", `/api/users/${a.user.id}`, { profilePictureUrl }, a.accessToken), 422);
    }

    // A picture set before uploads existed is never shown (nor fetched): initials until it is replaced.
    await t.app.store.updateUser(b.user.id, { profilePictureUrl: "https://tracker.example/me.jpg" });
    assertEquals(
      (await call(t, "GET", `/api/users/${b.user.id}`, undefined, a.accessToken)).json.profilePictureUrl,
      null,
    );
    const page = await t.fetch(`/in/${b.user.id}`, { headers: { cookie: "" } });
    await page.body?.cancel();

    const removed = await call(t, "PUT", `/api/users/${a.user.id}`, { profilePictureId: null }, a.accessToken);
    assertEquals(removed.json.profilePictureUrl, null);
    assertEquals(await t.app.store.getMedia(second.id), null);
  });
});

Deno.test("[api media] the media path serves only issued names; uploads never attached are swept after a day", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    const m = media(
      await upload(t, a, await picture(100, 100, MagickFormat.Png), { raw: "image/png", purpose: "post" }),
    );
    for (
      const path of ["/media/../prok.kv", "/media/x.svg", "/media/secret.html", "/media/a-0123456789abcdef-1.webp"]
    ) {
      const res = await t.fetch(path);
      assertEquals(res.status, 404, path);
      assertEquals(res.headers.get("x-content-type-options"), "nosniff");
      await res.body?.cancel();
    }
    const head = await t.fetch(m.variants[0].url, { method: "HEAD" });
    assertEquals([head.status, head.headers.get("content-type")], [200, "image/webp"]);

    assertEquals(await sweepOrphanMedia(t.app), 0, "a fresh upload is kept");
    assertEquals(await sweepOrphanMedia(t.app, Date.now() + 25 * 3600_000), 1);
    assertEquals(await t.app.store.getMedia(m.id), null);
    assert(!await stored(t, m.variants[0].url));
  });
});

Deno.test({
  name: "[api media] on S3 behind a CDN: URLs point at the CDN, the app is its origin, a deleted account's files go",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const s3 = await startS3("prok-media");
    try {
      await withWorkers(async (t) => {
        assertEquals(t.app.blobs.kind, "s3");
        const a = await signUp(t);
        const m = media(await upload(t, a, await picture(600, 400, MagickFormat.Jpeg), { purpose: "avatar" }));
        const url = m.variants[0].url;
        assert(url.startsWith("https://cdn.prok.example/media/"), url);
        const origin = await t.fetch(new URL(url).pathname);
        assertEquals([origin.status, origin.headers.get("content-type")], [200, "image/webp"]);
        await origin.body?.cancel();
        const inBucket = await fetch(`${s3.endpoint}/prok-media/${new URL(url).pathname.slice(1)}`);
        assertEquals(inBucket.status, 200);
        await inBucket.body?.cancel();
        const inBucketOf = (u: string) => fetch(`${s3.endpoint}/prok-media/${new URL(u).pathname.slice(1)}`);
        const image = media(await upload(t, a, await picture(800, 600, MagickFormat.Jpeg), { purpose: "post" }));
        const post = await call(t, "POST", "/api/posts", { content: "On S3", mediaIds: [image.id] }, a.accessToken);
        await call(t, "DELETE", `/api/posts/${post.json.id}`, undefined, a.accessToken);
        for (const v of image.variants) {
          const res = await inBucketOf(v.url);
          assertEquals(res.status, 404, `a deleted post's ${v.url} is gone from the bucket`);
          await res.body?.cancel();
        }
        await call(t, "PUT", `/api/users/${a.user.id}`, { profilePictureId: m.id }, a.accessToken);
        assertEquals((await call(t, "DELETE", `/api/users/${a.user.id}`, undefined, a.accessToken)).status, 204);
        await eventually(() => t.app.store.getMedia(m.id), (got) => got === null, "the member's media deleted");
        const gone = await fetch(`${s3.endpoint}/prok-media/${new URL(url).pathname.slice(1)}`);
        assertEquals(gone.status, 404);
        await gone.body?.cancel();
      }, {
        env: {
          S3_BUCKET: "prok-media",
          S3_ENDPOINT: s3.endpoint,
          S3_ACCESS_KEY_ID: "S3RVER",
          S3_SECRET_ACCESS_KEY: "S3RVER",
          S3_FORCE_PATH_STYLE: "1",
          PROK_MEDIA_BASE_URL: "https://cdn.prok.example/",
        },
      });
    } finally {
      await s3.close();
    }
  },
});
