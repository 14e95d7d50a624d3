// Building binary headers by hand in the media tests: text as Latin-1 bytes, integers big- or little-endian.
export const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p));
export const be32 = (n: number) => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
export const be16 = (n: number) => [n >>> 8, n & 0xff];
export const le16 = (n: number) => [n & 0xff, n >>> 8];
export const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
