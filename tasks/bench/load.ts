// Load generators for the bench: wrk (preferred) and autocannon through npx (fallback), with their outputs parsed
// into one shape.
import { track } from "./processes.ts";

export type Tool = "wrk" | "autocannon";

export interface LoadOptions {
  tool: Tool;
  url: string;
  durationS: number;
  connections: number;
  threads: number;
  /** A wrk Lua script (method, body, headers); wrk only. */
  script?: string;
  /** Request headers (an access token, a session cookie). */
  headers?: Record<string, string>;
}

export interface LoadResult {
  requests: number;
  rps: number;
  latencyMs: { p50: number; p75: number; p90: number; p99: number };
  /** Socket errors (connect, read, write), timeouts and responses outside 2xx/3xx. */
  errors: { socket: number; timeout: number; non2xx: number };
}

const TIME_UNITS_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "268.00us" / "1.23ms" / "2.00s" / "1.00m" to milliseconds. */
export function parseWrkTime(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`unrecognised wrk time ${JSON.stringify(text)}`);
  return Number(match[1]) * TIME_UNITS_MS[match[2]];
}

/** Parses the report of `wrk --latency`. */
export function parseWrk(output: string): LoadResult {
  const percentile = (p: number) => {
    const match = new RegExp(`^\\s*${p}(?:\\.0+)?%\\s+(\\S+)\\s*$`, "m").exec(output);
    if (!match) throw new Error(`wrk output has no ${p}% latency line (was --latency passed?):\n${output}`);
    return parseWrkTime(match[1]);
  };
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  const requests = /^\s*(\d+) requests in /m.exec(output);
  if (!rps || !requests) throw new Error(`unrecognised wrk output:\n${output}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  return {
    requests: Number(requests[1]),
    rps: Number(rps[1]),
    latencyMs: { p50: percentile(50), p75: percentile(75), p90: percentile(90), p99: percentile(99) },
    errors: {
      socket: socket ? Number(socket[1]) + Number(socket[2]) + Number(socket[3]) : 0,
      timeout: socket ? Number(socket[4]) : 0,
      non2xx: non2xx ? Number(non2xx[1]) : 0,
    },
  };
}

/** The parts of `autocannon --json` the bench reads. */
interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p75: number; p90: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** Parses the report of `autocannon --json` (latencies are already in milliseconds). */
export function parseAutocannon(output: string): LoadResult {
  const json = JSON.parse(output.slice(output.indexOf("{"))) as AutocannonJson;
  const { p50, p75, p90, p99 } = json.latency;
  return {
    requests: json.requests.total,
    rps: json.requests.average,
    latencyMs: { p50, p75, p90, p99 },
    errors: { socket: json.errors - json.timeouts, timeout: json.timeouts, non2xx: json.non2xx },
  };
}

async function run(command: string, args: string[]): Promise<string> {
  const child = track(new Deno.Command(command, { args, stdin: "null", stdout: "piped", stderr: "piped" }).spawn());
  const { code, stdout, stderr } = await child.output();
  const out = new TextDecoder().decode(stdout);
  if (code !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed with code ${code}:\n${out}${new TextDecoder().decode(stderr)}`,
    );
  }
  return out;
}

/** Runs one bounded load test against a 127.0.0.1 URL. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  if (url.hostname !== "127.0.0.1") throw new Error(`the bench only targets 127.0.0.1, not ${url.hostname}`);
  if (options.tool === "wrk") {
    const threads = Math.min(options.threads, options.connections);
    return parseWrk(
      await run("wrk", [
        `-t${threads}`,
        `-c${options.connections}`,
        `-d${options.durationS}s`,
        "--latency",
        ...(options.script ? ["-s", options.script] : []),
        ...Object.entries(options.headers ?? {}).flatMap(([k, v]) => ["-H", `${k}: ${v}`]),
        // Measure what a browser costs the server: browsers always ask for gzip.
        "-H",
        "Accept-Encoding: gzip",
        options.url,
      ]),
    );
  }
  return parseAutocannon(
    await run("npx", [
      "-y",
      "autocannon@8",
      "--json",
      "-H",
      "accept-encoding=gzip",
      ...Object.entries(options.headers ?? {}).flatMap(([k, v]) => ["-H", `${k}=${v}`]),
      "-c",
      String(options.connections),
      "-d",
      String(options.durationS),
      options.url,
    ]),
  );
}

/** "wrk debian/4.1.0-3+b2 [epoll]", or undefined when wrk is not installed. */
export async function wrkVersion(): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await new Deno.Command("wrk", { args: ["-v"], stdout: "piped", stderr: "piped" })
      .output();
    const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    return /^wrk .*$/m.exec(text)?.[0].replace(/\s+Copyright.*$/, "").trim() ?? "wrk";
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

export const WRK_MISSING = "wrk is not installed. Install it for accurate figures: `sudo apt-get install -y wrk` " +
  "(Debian/Ubuntu), `brew install wrk` (macOS). Falling back to autocannon through `npx -y autocannon@8` " +
  "(Node-based, heavier on the CPU it shares with the server; its figures are not comparable with wrk runs).";
