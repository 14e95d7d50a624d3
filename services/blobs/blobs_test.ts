// The blob contract on disk (a temporary folder) and on S3, against s3rver: a real S3-protocol server (HTTP, signed
// requests, XML errors) started here on a free port over a temporary folder.
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { UnavailableError } from "../errors.ts";
import { blobContract } from "./contract.ts";
import { DiskBlobs } from "./disk.ts";
import { S3Blobs } from "./s3.ts";
import { CREDENTIALS, startS3 } from "./s3_testing.ts";

blobContract("disk", async () => {
  const root = await Deno.makeTempDir({ prefix: "prok-blobs-" });
  const blobs = new DiskBlobs(`${root}/media`);
  return {
    blobs,
    cleanup: async () => {
      await blobs.close();
      await Deno.remove(root, { recursive: true });
    },
  };
});

/** The adapter on `bucket` of a server startS3 started, path-style as self-hosted servers want. */
const s3Blobs = (endpoint: string, bucket = "prok-media") =>
  new S3Blobs({ bucket, endpoint, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true });

blobContract("s3", async () => {
  const s3 = await startS3("prok-media");
  const blobs = s3Blobs(s3.endpoint);
  return {
    blobs,
    cleanup: async () => {
      await blobs.close();
      await s3.close();
    },
  };
});

Deno.test({
  name: "[blobs:s3] objects carry their type and immutable caching; a bucket that is not there fails the ping",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const s3 = await startS3("prok-media");
    const blobs = s3Blobs(s3.endpoint);
    const missing = s3Blobs(s3.endpoint, "no-such-bucket");
    try {
      await blobs.put("p/1.webp", new Uint8Array([1]));
      const res = await fetch(`${s3.endpoint}/prok-media/p/1.webp`);
      assertEquals(
        [res.headers.get("content-type"), res.headers.get("cache-control")],
        ["image/webp", "public, max-age=31536000, immutable"],
      );
      await res.body?.cancel();
      let refused = false;
      await missing.ping().catch(() => refused = true);
      assertEquals(refused, true);
      // A bucket that refuses a write is the backend away (503 for the request), not a bug (500).
      const put = await assertRejects(() => missing.put("p/2.webp", new Uint8Array([1])));
      assert(put instanceof UnavailableError, String(put));
    } finally {
      await blobs.close();
      await missing.close();
      await s3.close();
    }
  },
});

Deno.test("[blobs:disk] a folder that cannot be written is UnavailableError (503), and reads of it too", async () => {
  const root = await Deno.makeTempDir({ prefix: "prok-blobs-" });
  try {
    // A file where the folder should be: nothing can be made under it, as on a read-only or full disk.
    await Deno.writeTextFile(`${root}/media`, "");
    const blobs = new DiskBlobs(`${root}/media`);
    const put = await assertRejects(() => blobs.put("p/1.webp", new Uint8Array([1])));
    assert(put instanceof UnavailableError, String(put));
    const del = await assertRejects(() => blobs.delete("p/1.webp"));
    assert(del instanceof UnavailableError, String(del));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
