// IP addresses and ranges (CIDR), for the trusted proxies of PROK_TRUSTED_PROXIES: an ingress controller's pods change
// address within a range, so a range is what an operator can name.

interface Parsed {
  v6: boolean;
  bits: bigint;
}

function parseV4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let bits = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    bits = (bits << 8n) | BigInt(part);
  }
  return bits;
}

function parseV6(text: string): bigint | null {
  let groups: string[];
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  // An IPv4 ending (::ffff:10.0.0.1) is two groups.
  const last = (halves.length === 2 ? tail : head).at(-1);
  const v4 = last?.includes(".") ? parseV4(last) : null;
  if (last?.includes(".")) {
    if (v4 === null) return null;
    (halves.length === 2 ? tail : head).splice(-1, 1, (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16));
  }
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...Array(missing).fill("0"), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;
  let bits = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
    bits = (bits << 16n) | BigInt(`0x${group}`);
  }
  return bits;
}

/** An address as bits; an IPv4-mapped IPv6 address (::ffff:a.b.c.d, as a dual-stack socket reports) is its IPv4. */
function parseAddress(text: string): Parsed | null {
  const v4 = parseV4(text);
  if (v4 !== null) return { v6: false, bits: v4 };
  const v6 = parseV6(text.replace(/^\[|\]$/g, ""));
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) return { v6: false, bits: v6 & 0xffffffffn };
  return { v6: true, bits: v6 };
}

export interface AddressRange {
  v6: boolean;
  base: bigint;
  prefix: number;
}

/** `10.0.0.5`, `10.0.0.0/8`, `fd00::/8`…; null when it is neither an address nor a range. */
export function parseRange(text: string): AddressRange | null {
  const [address, prefixText, extra] = text.trim().split("/");
  if (extra !== undefined) return null;
  const parsed = parseAddress(address);
  if (!parsed) return null;
  const width = parsed.v6 ? 128 : 32;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (prefix > width) return null;
  const shift = BigInt(width - prefix);
  return { v6: parsed.v6, base: (parsed.bits >> shift) << shift, prefix };
}

/** Whether `address` (as a socket or X-Forwarded-For gives it) is in one of `ranges`. */
export function inRanges(address: string, ranges: readonly AddressRange[]): boolean {
  const parsed = parseAddress(address.trim());
  if (!parsed) return false;
  return ranges.some((r) => {
    if (r.v6 !== parsed.v6) return false;
    const shift = BigInt((r.v6 ? 128 : 32) - r.prefix);
    return (parsed.bits >> shift) << shift === r.base;
  });
}
