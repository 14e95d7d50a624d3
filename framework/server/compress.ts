// gzip for text responses. Deno.serve sends bodies as they are, and a page that is 10 KB raw is 3.5 KB gzipped: on a
// slow link that is the difference between one round trip and three.

const COMPRESSIBLE = /^(text\/|application\/(json|problem\+json|javascript|xml|manifest\+json)|image\/svg\+xml)/;
const MIN_BYTES = 1024;

export function acceptsGzip(req: Request): boolean {
  const header = req.headers.get("accept-encoding");
  if (!header) return false;
  return header.split(",").some((part) => {
    const [name, ...params] = part.trim().split(";");
    if (name.trim().toLowerCase() !== "gzip" && name.trim() !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return !q || Number(q.slice(2)) > 0;
  });
}

function varyOn(headers: Headers): void {
  const vary = headers.get("vary");
  if (!vary) headers.set("vary", "accept-encoding");
  else if (!/accept-encoding|\*/i.test(vary)) headers.set("vary", `${vary}, accept-encoding`);
}

/** Whether a response is worth compressing at all (independent of what the client accepts). */
export function compressible(res: Response): boolean {
  if (!res.body || res.status < 200 || res.status === 204 || res.status === 206 || res.status === 304) return false;
  if (res.headers.has("content-encoding")) return false;
  if (!COMPRESSIBLE.test(res.headers.get("content-type") ?? "")) return false;
  const length = res.headers.get("content-length");
  return length === null || Number(length) >= MIN_BYTES;
}

/** Compresses the body when the client takes gzip; the representation then gets a weak validator. */
export function maybeCompress(req: Request, res: Response): Response {
  if (!compressible(res)) return res;
  const headers = new Headers(res.headers);
  varyOn(headers);
  if (!acceptsGzip(req)) {
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  }
  headers.set("content-encoding", "gzip");
  headers.delete("content-length");
  const etag = headers.get("etag");
  if (etag && !etag.startsWith("W/")) headers.set("etag", `W/${etag}`);
  return new Response(res.body!.pipeThrough(new CompressionStream("gzip")), {
    status: res.status,
    statusText: res.statusText,
    headers,
  });
}

export async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
