// The upload burst: a few clients send 12 MP photos back to back through POST /api/media while a light signed-in
// route is measured, next to the same route measured alone, so the bench shows whether the image pipeline leaks onto
// the request loop (QUALITY.md: other routes' p99 rises ≤ 10 ms during an upload burst).
import { Histogram, summary } from "./histogram.ts";
import { type LoadResult, runLoad, type Tool } from "./load.ts";
import { registerMember } from "./login_burst.ts";

/** The route measured: a page of the all-posts feed through the API, as a signed-in member reads it. */
export const UPLOAD_BURST_PATH = "/api/posts?feed=all&limit=20";
/** Uploading clients: enough to keep the pipeline's one worker always busy. */
const CLIENTS = 3;
/** The measured route's connections: a steady light load, as in the login burst. */
const CONNECTIONS = 4;

export interface UploadBurstResult {
  path: string;
  connections: number;
  clients: number;
  quiet: LoadResult;
  during: LoadResult;
  /** `during` p99 minus `quiet` p99. */
  p99RiseMs: number;
  /** The uploads that finished while `during` was measured, and their latency (mostly waiting for the worker). */
  uploads: { count: number; perSecond: number; failed: number; p50Ms: number; maxMs: number };
}

export interface UploadBurstOptions {
  origin: string;
  tool: Tool;
  durationS: number;
  warmupS: number;
  /** A 12 MP JPEG. */
  photo: Uint8Array<ArrayBuffer>;
}

export async function uploadBurst(options: UploadBurstOptions): Promise<UploadBurstResult> {
  const { origin, tool, durationS, warmupS, photo } = options;
  const { token } = await registerMember(origin);
  const authorization = `Bearer ${token}`;
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`${origin}/api/posts`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ content: `Bench post ${i + 1}: a page of the feed to read while photos upload.` }),
    });
    await res.body?.cancel();
    if (res.status !== 201) throw new Error(`a bench post answered ${res.status}`);
  }
  const upload = async () => {
    const res = await fetch(`${origin}/api/media?purpose=post`, {
      method: "POST",
      headers: { authorization, "content-type": "image/jpeg" },
      body: photo,
    });
    await res.body?.cancel();
    return res.status;
  };
  // The worker compiles ImageMagick on its first photo: not part of either measurement.
  const first = await upload();
  if (first !== 201) throw new Error(`the first bench upload answered ${first}`);

  const route = { tool, url: origin + UPLOAD_BURST_PATH, connections: CONNECTIONS, threads: 1 };
  const headers = { authorization };
  if (warmupS > 0) await runLoad({ ...route, headers, durationS: warmupS });
  const quiet = await runLoad({ ...route, headers, durationS });

  let stopping = false;
  let failed = 0;
  const finished: { at: number; ms: number }[] = [];
  const client = async () => {
    while (!stopping) {
      const started = performance.now();
      if (await upload() === 201) finished.push({ at: performance.now(), ms: performance.now() - started });
      else failed++;
    }
  };
  const clients = Array.from({ length: CLIENTS }, client);
  const from = performance.now();
  const during = await runLoad({ ...route, headers, durationS });
  const to = performance.now();
  stopping = true;
  await Promise.all(clients);

  const latency = new Histogram();
  for (const f of finished) if (f.at >= from && f.at <= to) latency.record(f.ms);
  const { count, p50, max } = summary(latency);
  return {
    path: UPLOAD_BURST_PATH,
    connections: CONNECTIONS,
    clients: CLIENTS,
    quiet,
    during,
    p99RiseMs: during.latencyMs.p99 - quiet.latencyMs.p99,
    uploads: { count, perSecond: count / ((to - from) / 1000), failed, p50Ms: p50, maxMs: max },
  };
}
