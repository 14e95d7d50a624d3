// Pictures for members who never uploaded one (the demo network, `deno task seed`): drawn here, not downloaded, then
// put through the real pipeline and recorded as each member's own avatar upload, so a seeded profile shows exactly
// what an uploaded picture would. Drawn in plain JavaScript and written as a PNG, so the main isolate never loads
// ImageMagick (the pipeline runs in its worker).
import type { ProcessedImage } from "./pipeline.ts";
import { type MediaDeps, setProfilePicture, storeImage } from "./media.ts";

/** The side of a drawn picture: the largest avatar variant, so every size is made. */
const SIDE = 512;
/** Distinct pictures at most; members beyond them share one (each with a record and files of their own). */
export const PALETTE = 24;
/** Members given a picture at once. */
const IN_FLIGHT = 8;

/**
 * Picture `n` of the palette, a SIDE x SIDE PNG: a diagonal gradient between two hues and a head-and-shoulders
 * silhouette, whose hues, angle and shade all follow from `n`.
 */
export async function avatarPicture(n: number): Promise<Uint8Array> {
  const hue = (n * 137.508) % 360; // the golden angle: neighbours in the palette look far apart
  const from = hsl(hue, 0.55, 0.42);
  const to = hsl((hue + 35 + (n % 3) * 20) % 360, 0.6, 0.62);
  const angle = (n % 8) * Math.PI / 4;
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  const figure = n % 2 ? hsl(hue, 0.3, 0.92) : hsl(hue, 0.45, 0.2);
  const rows = new Uint8Array(SIDE * (1 + SIDE * 3));
  for (let y = 0; y < SIDE; y++) {
    const row = y * (1 + SIDE * 3); // each row starts with PNG filter type 0 (none)
    for (let x = 0; x < SIDE; x++) {
      const t = 0.5 + ((x / SIDE - 0.5) * dx + (y / SIDE - 0.5) * dy) / Math.SQRT2;
      // Coverage of the figure with a pixel of soft edge, so the downscaled variants have no jagged outline.
      const head = clamp(96.5 - Math.hypot(x - 256, y - 210));
      const shoulders = clamp(0.5 - (Math.hypot((x - 256) / 190, (y - 530) / 200) - 1) * 190);
      const cover = Math.max(head, shoulders) * 0.9;
      for (let c = 0; c < 3; c++) {
        const background = from[c] + (to[c] - from[c]) * t;
        rows[row + 1 + x * 3 + c] = Math.round(background + (figure[c] - background) * cover);
      }
    }
  }
  return await png(SIDE, SIDE, rows);
}

/**
 * Gives each member a drawn picture as their profile picture: PALETTE pictures at most go through the pipeline
 * (`images`, off the event loop), and each member gets a media record and files of their own, set through the same
 * rules as an upload (storeImage, setProfilePicture). No upload budget is spent: nobody uploaded. Resolves to how
 * many members were given one.
 */
export async function giveGeneratedAvatars(
  deps: MediaDeps,
  memberIds: string[],
  progress?: (done: number) => void,
): Promise<number> {
  const palette: Promise<ProcessedImage>[] = [];
  const picture = (i: number) =>
    palette[i % PALETTE] ??= avatarPicture(i % PALETTE).then((png) => deps.images.process(png, "avatar"));
  let next = 0;
  let done = 0;
  const give = async () => {
    while (next < memberIds.length) {
      const i = next++;
      const member = await deps.store.getUser(memberIds[i]);
      if (!member) continue; // deleted meanwhile: nothing to give
      const media = await storeImage(deps, member.id, await picture(i), "avatar");
      await setProfilePicture(deps, member, media.id);
      progress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, memberIds.length) }, give));
  return done;
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** HSL (hue in degrees, saturation and lightness 0..1) to 0..255 RGB. */
function hsl(h: number, s: number, l: number): number[] {
  const a = s * Math.min(l, 1 - l);
  return [0, 8, 4].map((offset) => {
    const k = (offset + h / 30) % 12;
    return 255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
  });
}

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** An 8-bit RGB PNG of filtered `rows`; CompressionStream's "deflate" is the zlib stream PNG's IDAT holds. */
async function png(width: number, height: number, rows: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const compressed = new Uint8Array(
    await new Response(new Blob([rows]).stream().pipeThrough(new CompressionStream("deflate"))).arrayBuffer(),
  );
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, adaptive filtering, no interlace
  const chunks = [chunk("IHDR", header), chunk("IDAT", compressed), chunk("IEND", new Uint8Array())];
  const out = new Uint8Array(8 + chunks.reduce((sum, c) => sum + c.byteLength, 0));
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let at = 8;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.byteLength);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.byteLength, crc32(out.subarray(4, 8 + data.byteLength)));
  return out;
}
