// The one contract both blob adapters pass (blobs_test.ts: the disk folder, and S3 against a real S3-protocol server
// the test starts): bytes back as they went in, with the key's type; absent keys are null; deletes are idempotent;
// keys that could escape or serve markup are refused before any I/O.
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { ValidationError } from "../errors.ts";
import { fixtureTest } from "../testing.ts";
import type { BlobStore } from "./types.ts";

export interface OpenedBlobs {
  blobs: BlobStore;
  cleanup(): Promise<void>;
}

const bytesOf = async (body: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(body).arrayBuffer());

/** Bytes that are not text: every value 0-255, then a counter, so a truncation or re-encoding shows. */
function payload(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 7 + (i >> 8)) & 0xff;
  return out;
}

export function blobContract(name: string, open: () => Promise<OpenedBlobs>, options: { ignore?: boolean } = {}) {
  const test = (title: string, fn: (opened: OpenedBlobs) => Promise<void>) =>
    fixtureTest(`[blobs:${name}] ${title}`, open, fn, options);

  test("a blob comes back byte for byte, with its size and the type its key names", async ({ blobs }) => {
    const bytes = payload(70_000);
    await blobs.put("media/ab/cdef0123.webp", bytes);
    const got = await blobs.get("media/ab/cdef0123.webp");
    assert(got, "stored");
    assertEquals([got.size, got.contentType], [70_000, "image/webp"]);
    assertEquals(await bytesOf(got.body), bytes);
    for (const [key, type] of [["a.jpg", "image/jpeg"], ["b.png", "image/png"], ["c.pdf", "application/pdf"]]) {
      await blobs.put(key, new Uint8Array([1, 2, 3]));
      const blob = (await blobs.get(key))!;
      assertEquals(blob.contentType, type);
      await blob.body.cancel();
    }
  });

  test("a large blob streams back whole", async ({ blobs }) => {
    const bytes = payload(6 * 1024 * 1024 + 13);
    await blobs.put("big/photo.jpg", bytes);
    const got = (await blobs.get("big/photo.jpg"))!;
    assertEquals(got.size, bytes.byteLength);
    assertEquals(await bytesOf(got.body), bytes);
  });

  test("an absent key is null; a delete removes, and deleting again is no error", async ({ blobs }) => {
    assertEquals(await blobs.get("never/put.webp"), null);
    await blobs.put("gone/soon.webp", payload(10));
    await blobs.delete("gone/soon.webp");
    assertEquals(await blobs.get("gone/soon.webp"), null);
    await blobs.delete("gone/soon.webp");
    await blobs.delete("never/put.webp");
  });

  test("putting a key again, even at once, leaves one whole copy", async ({ blobs }) => {
    const bytes = payload(300_000);
    await Promise.all([1, 2, 3, 4].map(() => blobs.put("same/key.webp", bytes)));
    await blobs.put("same/key.webp", bytes);
    assertEquals(await bytesOf((await blobs.get("same/key.webp"))!.body), bytes);
  });

  test("keys that could escape the store or serve markup are refused by put, get and delete alike", async ({ blobs }) => {
    for (
      const key of [
        "../etc/passwd.jpg",
        "/abs/path.jpg",
        "a/../../b.jpg",
        "page.html",
        "logo.svg",
        "noext",
        "UPPER.jpg",
        "a//b.jpg",
        ".hidden.jpg",
        "a/b.jpg/",
        "a\\b.jpg",
        "a/b.jpg\0.png",
        "x".repeat(200) + ".jpg",
      ]
    ) {
      for (const call of [() => blobs.put(key, payload(1)), () => blobs.get(key), () => blobs.delete(key)]) {
        const err = await assertRejects(call, "not a blob key");
        assert(err instanceof ValidationError, `${JSON.stringify(key)}: ${err}`);
      }
    }
  });

  test("it answers a ping", async ({ blobs }) => {
    await blobs.ping();
  });
}
