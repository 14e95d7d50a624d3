// Page weight checks for the bench: raw and gzip size of the HTML, script tags, render-blocking stylesheets.

export interface PageWeight {
  status: number;
  rawBytes: number;
  gzipBytes: number;
  /** content-encoding the server chose for a client that accepts gzip ("none" when it sent the HTML as is). */
  servedEncoding: string;
  scriptTags: number;
  externalStylesheets: number;
}

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** Fetches a page once and measures it. */
export async function measurePage(url: string, headers: Record<string, string> = {}): Promise<PageWeight> {
  const res = await fetch(url, { headers: { "accept-encoding": "gzip", ...headers } });
  const raw = new Uint8Array(await res.arrayBuffer());
  const html = new TextDecoder().decode(raw);
  return {
    status: res.status,
    rawBytes: raw.byteLength,
    gzipBytes: await gzipSize(raw),
    servedEncoding: res.headers.get("content-encoding") ?? "none",
    scriptTags: html.match(/<script\b/gi)?.length ?? 0,
    externalStylesheets: html.match(/<link\b[^>]*\brel\s*=\s*["']?stylesheet\b/gi)?.length ?? 0,
  };
}
