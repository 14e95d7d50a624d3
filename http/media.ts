// Answers /media/<name>: the variant's bytes, streamed from the blob store, cached for ever (the name changes with
// the content), typed from the name, never sniffed by the browser, shown inline.
import type { BlobStore } from "../services/blobs/types.ts";
import { parseMediaName, variantKey } from "../services/media/urls.ts";

const IMMUTABLE = "public, max-age=31536000, immutable";

function notFound(): Response {
  return new Response("Not found\n", {
    status: 404,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "x-content-type-options": "nosniff",
      "cache-control": "public, max-age=60",
    },
  });
}

export async function serveMedia(req: Request, blobs: BlobStore, name: string): Promise<Response> {
  // Parsed as an issued name: anything else (a path, another extension, upper case) is not ours.
  const issued = parseMediaName(name);
  if (!issued) return notFound();
  const blob = await blobs.get(variantKey(issued, issued.width, issued.ext));
  if (!blob) return notFound();
  const headers = {
    "content-type": blob.contentType,
    "content-length": String(blob.size),
    "cache-control": IMMUTABLE,
    "x-content-type-options": "nosniff",
    "content-disposition": "inline",
    "cross-origin-resource-policy": "cross-origin",
  };
  if (req.method === "HEAD") {
    await blob.body.cancel();
    return new Response(null, { headers });
  }
  return new Response(blob.body, { headers });
}
