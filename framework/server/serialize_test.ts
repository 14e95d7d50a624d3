import { computed, signal } from "@preact/signals-core";
import { decode } from "../client/deserialize.ts";
import { assert, assertEquals, assertNotIncludes, assertThrows } from "../testing/assert.ts";
import { encodeProps, scriptSafeJson } from "./serialize.ts";

function roundTrip(props: Record<string, unknown>[]): Record<string, unknown>[] {
  const text = scriptSafeJson(encodeProps(props, props.map((_, i) => `Island${i}`)));
  return decode(JSON.parse(text)) as Record<string, unknown>[];
}

Deno.test("[islands] props keep dates, bigints, bytes, special numbers and undefined", () => {
  const when = new Date("2026-11-26T10:00:00.000Z");
  const [out] = roundTrip([{
    when,
    big: 12345678901234567890n,
    bytes: new Uint8Array([0, 1, 254, 255]),
    nums: [NaN, Infinity, -Infinity, -0, 1.5],
    nothing: undefined,
    nested: { list: [[1, 2], [], { a: null }] },
    bad: new Date(NaN),
  }]);
  assertEquals(out.when, when);
  assertEquals(out.big, 12345678901234567890n);
  assertEquals(out.bytes, new Uint8Array([0, 1, 254, 255]));
  const nums = out.nums as number[];
  assert(Number.isNaN(nums[0]) && nums[1] === Infinity && nums[2] === -Infinity && Object.is(nums[3], -0));
  assert("nothing" in out && out.nothing === undefined);
  assertEquals(out.nested, { list: [[1, 2], [], { a: null }] });
  assert(Number.isNaN((out.bad as Date).getTime()));
});

Deno.test("[islands] hostile strings cannot close the script element or break JavaScript parsing", () => {
  const hostile = "</script><script>alert(1)</script><!-- \u2028\u2029 & ]]> <\/SCRIPT >";
  const text = scriptSafeJson(encodeProps([{ s: hostile, [hostile]: 1 }], ["X"]));
  for (const bad of ["<", ">", "\u2028", "\u2029", "&"]) assertNotIncludes(text, bad);
  const [out] = decode(JSON.parse(text)) as Record<string, unknown>[];
  assertEquals(out.s, hostile);
  assertEquals(out[hostile], 1);
});

Deno.test("[islands] a signal shared by two islands is one signal in the browser; cycles survive", () => {
  const shared = signal(3);
  const obj: Record<string, unknown> = { name: "loop" };
  obj.self = obj;
  const out = roundTrip([{ count: shared, obj }, { count: shared, derived: computed(() => shared.value * 2) }]);
  const a = out[0].count as typeof shared;
  const b = out[1].count as typeof shared;
  assert(a === b, "the same signal object");
  a.value = 10;
  assertEquals(b.value, 10);
  assertEquals((out[1].derived as typeof shared).value, 6);
  const o = out[0].obj as Record<string, unknown>;
  assert(o.self === o);
});

Deno.test("[islands] __proto__ keys never reach a prototype", () => {
  const props = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}');
  const [out] = roundTrip([props]);
  assertEquals(({} as Record<string, unknown>).polluted, undefined);
  assertEquals(Object.getPrototypeOf(out), Object.prototype);
  assertEquals(out.ok, 1);
  const forged = decode(JSON.parse('[0, {"__proto__": {"polluted": true}}]')) as Record<string, unknown>[];
  assertEquals(({} as Record<string, unknown>).polluted, undefined);
  assertEquals(Object.keys(forged[0]), []);
});

Deno.test("[islands] functions and class instances are refused with the island and prop named", () => {
  assertThrows(
    () => encodeProps([{ onClick: () => {} }], ["./islands/Chat.tsx#default"]),
    "./islands/Chat.tsx#default props.onClick",
  );
  assertThrows(() => encodeProps([{ m: new Map() }], ["X"]), "Map");
});
