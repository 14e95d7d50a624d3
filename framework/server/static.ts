// Static files from the static folder and the built bundles. ETags are content hashes, so every instance behind a
// load balancer answers the same validator for the same bytes.
import { extname, join, relative, sep as SEP } from "node:path";
import { sha256Hex } from "./hash.ts";
import { acceptsGzip, gzip } from "./compress.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".pdf": "application/pdf",
  ".wasm": "application/wasm",
};

export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

interface StaticFile {
  path: string;
  size: number;
  type: string;
  etag?: Promise<string>;
}

async function* walk(dir: string): AsyncGenerator<string> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw err;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(full);
    else if (entry.isFile) yield full;
  }
}

async function sha256(data: Uint8Array<ArrayBuffer>): Promise<string> {
  return (await sha256Hex(data)).slice(0, 32);
}

function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.trim() === "*" ||
    ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/** Files in the static folder, listed once at start. */
export class StaticFiles {
  #files = new Map<string, StaticFile>();

  static async load(dir: string): Promise<StaticFiles> {
    const files = new StaticFiles();
    for await (const path of walk(dir)) {
      const url = "/" + relative(dir, path).split(SEP).map(encodeURIComponent).join("/");
      const { size } = await Deno.stat(path);
      files.#files.set(url, { path, size, type: contentType(path) });
    }
    return files;
  }

  has(pathname: string): boolean {
    return this.#files.has(pathname);
  }

  /** Content hash of every file, so a build id can change when any static file does. */
  async fingerprint(): Promise<string> {
    const parts: string[] = [];
    for (const [url, file] of [...this.#files].sort(([a], [b]) => a.localeCompare(b))) {
      parts.push(url, await this.#etag(file));
    }
    return sha256(new TextEncoder().encode(parts.join("\n")));
  }

  #etag(file: StaticFile): Promise<string> {
    file.etag ??= Deno.readFile(file.path).then(sha256).then((h) => `"${h}"`);
    return file.etag;
  }

  async serve(req: Request, url: URL, buildId: string): Promise<Response> {
    const file = this.#files.get(url.pathname)!;
    const stamp = url.searchParams.get("__frsh_c");
    if (stamp !== null && stamp !== buildId) {
      // Stamped by an older build: send the browser to the current file rather than caching it under an old name.
      const target = new URL(url);
      target.searchParams.delete("__frsh_c");
      return new Response(null, { status: 307, headers: { location: target.pathname + target.search } });
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("Method not allowed", { status: 405, headers: { allow: "GET, HEAD" } });
    }
    const etag = await this.#etag(file);
    const headers = new Headers({
      "content-type": file.type,
      etag,
      "cache-control": stamp !== null ? "public, max-age=31536000, immutable" : "public, max-age=0, must-revalidate",
      vary: "accept-encoding",
    });
    if (matches(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
    headers.set("content-length", String(file.size));
    if (req.method === "HEAD") return new Response(null, { headers });
    const handle = await Deno.open(file.path);
    return new Response(handle.readable, { headers });
  }
}

/** Built bundles, held in memory and gzipped once: they are small and every page with islands asks for them. */
export class BundleFiles {
  #files = new Map<string, { body: Uint8Array<ArrayBuffer>; gzipped: Uint8Array<ArrayBuffer>; etag: string }>();

  static async load(dir: string): Promise<BundleFiles> {
    const files = new BundleFiles();
    for await (const path of walk(dir)) {
      const body = await Deno.readFile(path);
      files.#files.set(relative(dir, path).split(SEP).join("/"), {
        body,
        gzipped: gzip(body),
        etag: `"${await sha256(body)}"`,
      });
    }
    return files;
  }

  serve(req: Request, path: string): Response | null {
    const file = this.#files.get(path);
    if (!file) return null;
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("Method not allowed", { status: 405, headers: { allow: "GET, HEAD" } });
    }
    const zipped = acceptsGzip(req);
    const headers = new Headers({
      "content-type": contentType(path),
      etag: zipped ? `W/${file.etag}` : file.etag,
      "cache-control": "public, max-age=31536000, immutable",
      vary: "accept-encoding",
    });
    if (matches(req.headers.get("if-none-match"), file.etag)) return new Response(null, { status: 304, headers });
    const body = zipped ? file.gzipped : file.body;
    if (zipped) headers.set("content-encoding", "gzip");
    headers.set("content-length", String(body.byteLength));
    return new Response(req.method === "HEAD" ? null : body, { headers });
  }
}
