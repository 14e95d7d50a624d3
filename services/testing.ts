// Test fixtures shared by service and app tests (never imported by production code).
import { assert } from "../framework/testing/assert.ts";

const inCI = ["1", "true"].includes(Deno.env.get("CI") ?? "");
const warned = new Set<string>();

/**
 * The URL of a server a test needs, from the environment. Missing in CI: registers a failing test saying so. Missing
 * locally: warns loudly once and returns null, so the caller registers its tests with `ignore: true`.
 */
export function requireServer(name: string): string | null {
  const value = Deno.env.get(name);
  if (value) return value;
  if (inCI) {
    Deno.test(`[env] ${name} must be set in CI`, () => {
      throw new Error(`${name} is not set; CI must provide it (see .ci/run).`);
    });
  } else if (!warned.has(name)) {
    warned.add(name);
    console.warn(
      `\n${"*".repeat(78)}\n*** SKIPPED: ${name} is not set, so the tests that need it are ignored here.\n${
        "*".repeat(78)
      }\n`,
    );
  }
  return null;
}

function found(binary: string): string | null {
  for (const dir of ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"]) {
    try {
      Deno.statSync(`${dir}/${binary}`);
      return `${dir}/${binary}`;
    } catch {
      // Not there.
    }
  }
  return null;
}

/**
 * The binaries a test needs (a private mariadbd, kubectl…), or null (the caller registers its tests with `ignore: true`). Missing in CI:
 * registers a failing test saying which, as `requireServer` does for a server's URL.
 */
export function requireBinaries(...binaries: string[]): Record<string, string> | null {
  const paths: Record<string, string> = {};
  const missing = binaries.filter((b) => !(paths[b] = found(b)!));
  if (!missing.length) return paths;
  const what = missing.join(", ");
  if (inCI) {
    Deno.test(`[env] ${what} must be installed in CI`, () => {
      throw new Error(`${what} not found; .ci/run must install it.`);
    });
  } else if (!warned.has(what)) {
    warned.add(what);
    console.warn(
      `\n${"*".repeat(78)}\n*** SKIPPED: ${what} not found, so the tests that need it are ignored.\n${
        "*".repeat(78)
      }\n`,
    );
  }
  return null;
}

/** What a test opens for itself and closes again in cleanup(). */
export interface Fixture {
  cleanup(): Promise<void>;
}

/**
 * Registers a test that runs `fn` on a fixture of its own, cleaned up even when the test fails. The op and resource
 * sanitizers are off: what a fixture opens (KV queue listeners, MySQL pools, HTTP clients, sockets that close just
 * after a send resolves) is closed by its cleanup(), in an order they cannot see.
 */
export function fixtureTest<T extends Fixture>(
  name: string,
  open: () => Promise<T>,
  fn: (fixture: T) => Promise<void>,
  options: { ignore?: boolean } = {},
): void {
  Deno.test({
    name,
    ignore: options.ignore,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const fixture = await open();
      try {
        await fn(fixture);
      } finally {
        await fixture.cleanup();
      }
    },
  });
}

/** Reads until `ok` holds (what a worker does happens soon, not at once); fails after 10 s. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    assert(Date.now() < deadline, `timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs `fn` with console.log and console.error captured, returning what was written. */
export async function captureLogs<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const { log, error } = console;
  console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  console.error = console.log;
  try {
    return { result: await fn(), lines };
  } finally {
    console.log = log;
    console.error = error;
  }
}
