// Test fixtures shared by service and app tests (never imported by production code).

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
