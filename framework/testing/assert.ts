// Minimal assertions for the framework's own tests (the standard library lives on JSR, out of reach here).
import { isDeepStrictEqual } from "node:util";
import { inspect } from "node:util";

export class AssertionError extends Error {}

export function assert(cond: unknown, msg = "expected a truthy value"): asserts cond {
  if (!cond) throw new AssertionError(msg);
}

export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}values differ\n  actual:   ${inspect(actual, { depth: 6 })}\n  expected: ${
        inspect(expected, { depth: 6 })
      }`,
    );
  }
}

export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (!actual.includes(expected)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}expected ${inspect(actual.slice(0, 500))} to include ${inspect(expected)}`,
    );
  }
}

export function assertNotIncludes(actual: string, unexpected: string, msg?: string): void {
  if (actual.includes(unexpected)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}expected no ${inspect(unexpected)} in ${inspect(actual.slice(0, 500))}`,
    );
  }
}

export function assertMatch(actual: string, re: RegExp, msg?: string): void {
  if (!re.test(actual)) {
    throw new AssertionError(`${msg ? msg + ": " : ""}expected ${inspect(actual.slice(0, 300))} to match ${re}`);
  }
}

export function assertThrows(fn: () => unknown, msgIncludes?: string): unknown {
  try {
    fn();
  } catch (err) {
    if (msgIncludes && !(err instanceof Error && err.message.includes(msgIncludes))) {
      throw new AssertionError(`expected an error including ${inspect(msgIncludes)}, got ${inspect(err)}`);
    }
    return err;
  }
  throw new AssertionError("expected the function to throw");
}

export async function assertRejects(fn: () => Promise<unknown>, msgIncludes?: string): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    if (msgIncludes && !(err instanceof Error && err.message.includes(msgIncludes))) {
      throw new AssertionError(`expected an error including ${inspect(msgIncludes)}, got ${inspect(err)}`);
    }
    return err;
  }
  throw new AssertionError("expected the promise to reject");
}
