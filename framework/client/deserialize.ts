// Reverses framework/server/serialize.ts in the browser. Kept free of DOM and server imports so both sides share the
// tags and the server tests can round-trip.
import { signal } from "@preact/signals-core";

export const TAG = {
  array: 0,
  date: 1,
  bigint: 2,
  signal: 3,
  bytes: 4,
  define: 5,
  ref: 6,
  undefined: 7,
  number: 8,
} as const;

export function decode(root: unknown): unknown {
  const defined: unknown[] = [];
  const walk = (value: unknown, slot?: (v: unknown) => void): unknown => {
    if (value === null || typeof value !== "object") return value;
    if (!Array.isArray(value)) {
      const out: Record<string, unknown> = {};
      slot?.(out);
      for (const key of Object.keys(value)) {
        if (key === "__proto__") continue;
        out[key] = walk((value as Record<string, unknown>)[key]);
      }
      return out;
    }
    const [tag, ...rest] = value;
    switch (tag) {
      case TAG.array: {
        const out: unknown[] = [];
        slot?.(out);
        for (const item of rest) out.push(walk(item));
        return out;
      }
      case TAG.date:
        return new Date(rest[0] === null ? NaN : rest[0] as string);
      case TAG.bigint:
        return BigInt(rest[0] as string);
      case TAG.signal:
        return signal(walk(rest[0]));
      case TAG.bytes:
        return Uint8Array.from(atob(rest[0] as string), (c) => c.charCodeAt(0));
      case TAG.define: {
        // Containers register themselves before their children (cycles); other values once built.
        let registered = false;
        const out = walk(rest[1], (v) => {
          defined[rest[0] as number] = v;
          registered = true;
        });
        if (!registered) defined[rest[0] as number] = out;
        return out;
      }
      case TAG.ref:
        return defined[rest[0] as number];
      case TAG.undefined:
        return undefined;
      case TAG.number:
        return rest[0] === "-0" ? -0 : Number(rest[0]);
    }
    throw new Error(`Unknown island state tag ${String(tag)}`);
  };
  return walk(root);
}
