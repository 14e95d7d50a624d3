// Server time, as the app itself logs it: each request's JSON log line carries `ms`, measured inside the server from
// the first middleware to the response. The latency budgets are about this time, not about a loaded client's queue.

export interface ServerTime {
  requests: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** The size of the log so far: pass it to `serverTimeSince` to read only what a measurement added. */
export async function logOffset(file: string): Promise<number> {
  return (await Deno.stat(file)).size;
}

/** p50 and p99 of the logged time of requests to `path` written after `offset`. */
export async function serverTimeSince(file: string, offset: number, path: string): Promise<ServerTime> {
  const bytes = await Deno.readFile(file);
  const times: number[] = [];
  for (const line of new TextDecoder().decode(bytes.subarray(offset)).split("\n")) {
    if (!line.includes('"msg":"request"')) continue;
    try {
      const entry = JSON.parse(line);
      if (entry.path === path && typeof entry.ms === "number") times.push(entry.ms);
    } catch {
      // a line cut at the end of the file
    }
  }
  times.sort((a, b) => a - b);
  if (!times.length) throw new Error(`no request to ${path} was logged`);
  return { requests: times.length, p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}
