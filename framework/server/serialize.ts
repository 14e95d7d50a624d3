// Island props travel to the browser as JSON inside a <script type="application/json">. Plain JSON loses Dates,
// bigints, signals, Uint8Arrays and shared references, so values are encoded with a small tagged format that
// `framework/client/deserialize.ts` reverses: every JSON array in the output is a tuple whose first item is a tag,
// so user data can never be mistaken for an encoded value.
import { TAG } from "../client/deserialize.ts";

const SIGNAL_BRAND = Symbol.for("preact-signals");

export class SerializationError extends Error {}

function isSignal(value: object): value is { peek(): unknown } {
  return (value as { brand?: unknown }).brand === SIGNAL_BRAND &&
    typeof (value as { peek?: unknown }).peek === "function";
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Encodes the props of every island on a page as one tree, so a signal or object shared by two islands stays shared
 * in the browser. `names` label each entry in error messages.
 */
export function encodeProps(list: unknown[], names: string[]): unknown {
  return encode(list, (i) => names[i]);
}

function encode(root: unknown[], label: (i: number) => string): unknown {
  // First pass: count how often each object is reached, so shared and cyclic objects are defined once.
  const seen = new Map<object, number>();
  const count = (value: unknown) => {
    if (typeof value !== "object" || value === null) return;
    const n = seen.get(value) ?? 0;
    seen.set(value, n + 1);
    if (n > 0) return;
    if (isSignal(value)) return count(value.peek());
    if (Array.isArray(value)) value.forEach(count);
    else if (!(value instanceof Date) && !(value instanceof Uint8Array)) Object.values(value).forEach(count);
  };
  count(root);

  const ids = new Map<object, number>();
  const walk = (value: unknown, path: string): unknown => {
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        if (Number.isFinite(value) && !Object.is(value, -0)) return value;
        return [TAG.number, String(Object.is(value, -0) ? "-0" : value)];
      case "bigint":
        return [TAG.bigint, value.toString()];
      case "undefined":
        return [TAG.undefined];
      case "function":
      case "symbol":
        throw new SerializationError(
          `Island prop ${path} is a ${typeof value}, which cannot be sent to the browser. Pass data instead and ` +
            `define the behaviour inside the island.`,
        );
    }
    if (value === null) return null;
    const obj = value as object;
    const existing = ids.get(obj);
    if (existing !== undefined) return [TAG.ref, existing];
    if ((seen.get(obj) ?? 0) > 1) {
      const id = ids.size;
      ids.set(obj, id);
      return [TAG.define, id, encodeObject(obj, path)];
    }
    return encodeObject(obj, path);
  };
  const encodeObject = (obj: object, path: string): unknown => {
    if (isSignal(obj)) return [TAG.signal, walk(obj.peek(), `${path}.value`)];
    if (obj instanceof Date) return [TAG.date, Number.isNaN(obj.getTime()) ? null : obj.toISOString()];
    if (obj instanceof Uint8Array) return [TAG.bytes, bytesToBase64(obj)];
    if (Array.isArray(obj)) return [TAG.array, ...obj.map((item, i) => walk(item, `${path}[${i}]`))];
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      throw new SerializationError(
        `Island prop ${path} is a ${proto?.constructor?.name ?? "class instance"}; only plain objects, arrays, ` +
          `strings, numbers, booleans, null, bigint, Date, Uint8Array and signals can be island props.`,
      );
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(obj)) {
      if (key === "__proto__") continue; // JSON.parse would make it an own key; never let it reach a prototype
      out[key] = walk(item, `${path}.${key}`);
    }
    return out;
  };
  return [TAG.array, ...root.map((item, i) => walk(item, `${label(i)} props`))];
}

/** JSON safe to place inside a <script> element: no `<`, `>`, `&`, U+2028 or U+2029 survive literally. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
