// The pipeline on real images made here with the same ImageMagick build: what a phone camera sends (EXIF orientation
// and GPS), bombs, disguises, cut-short files, transparency, animation.
import { ImageMagick, MagickFormat } from "@imagemagick/magick-wasm";
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { UnsupportedMediaError, ValidationError } from "../errors.ts";
import { processImage } from "./pipeline.ts";
import { sniffImage } from "./sniff.ts";
import { bytes } from "./test_bytes.ts";
import { picture, pngBomb, withExif } from "./test_images.ts";

const has = (haystack: Uint8Array, needle: string) => new TextDecoder("latin1").decode(haystack).includes(needle);

/** The colour at a point of an encoded variant, as "r,g,b" rounded to the nearest 0x40. */
function colourAt(bytes: Uint8Array, x: number, y: number): string {
  return ImageMagick.read(
    bytes,
    (image) =>
      image.getPixels((pixels) => [...pixels.getPixel(x, y)].slice(0, 3).map((v) => Math.round(v / 64) * 64).join(",")),
  );
}

Deno.test("[media pipeline] a phone photo: turned upright, every metadata block gone, WebP and JPEG at each width", async () => {
  const photo = withExif(await picture(4000, 3000, MagickFormat.Jpeg), 6);
  assert(has(photo, "SpyCam") && sniffImage(photo)?.orientation === 6, "the fixture carries EXIF with GPS");
  const out = await processImage(photo, "post");
  assertEquals([out.width, out.height], [3000, 4000], "orientation 6 is a quarter turn");
  assertEquals(out.variants.map((v) => `${v.type} ${v.width}x${v.height}`), [
    "image/webp 1600x2133",
    "image/jpeg 1600x2133",
    "image/webp 960x1280",
    "image/jpeg 960x1280",
    "image/webp 480x640",
    "image/jpeg 480x640",
  ]);
  for (const variant of out.variants) {
    assertEquals(sniffImage(variant.bytes)?.format, variant.type === "image/webp" ? "webp" : "jpeg");
    for (const marker of ["Exif", "SpyCam", "GPS", "xmp", "ICC_PROFILE"]) {
      assert(!has(variant.bytes, marker), `${variant.type} ${variant.width} carries ${marker}`);
    }
  }
  // Red was on the left as stored; turned clockwise for display, it is on top.
  const jpeg480 = out.variants.find((v) => v.type === "image/jpeg" && v.width === 480)!.bytes;
  assertEquals([colourAt(jpeg480, 240, 10), colourAt(jpeg480, 240, 630)], ["256,0,0", "0,0,256"]);
  assert(out.placeholder.length > 10 && out.placeholder.length < 60, out.placeholder);
});

Deno.test("[media pipeline] an avatar is a centred square at 512, 256, 128 and 64, never upscaled", async () => {
  const wide = await processImage(await picture(1200, 800, MagickFormat.Png), "avatar");
  assertEquals([wide.width, wide.height], [800, 800]);
  assertEquals([...new Set(wide.variants.map((v) => `${v.width}x${v.height}`))], [
    "512x512",
    "256x256",
    "128x128",
    "64x64",
  ]);
  const tiny = await processImage(await picture(40, 30, MagickFormat.Png), "avatar");
  assertEquals(tiny.variants.map((v) => `${v.type} ${v.width}x${v.height}`), ["image/webp 30x30", "image/jpeg 30x30"]);
  const small = await processImage(await picture(300, 200, MagickFormat.WebP), "post");
  assertEquals([...new Set(small.variants.map((v) => v.width))], [300], "below 480 px: its own width only");
});

Deno.test("[media pipeline] transparency becomes white in the JPEG and stays in the WebP; a GIF gives its first frame", async () => {
  const out = await processImage(await picture(600, 400, MagickFormat.Png, true), "post");
  const jpeg = out.variants.find((v) => v.type === "image/jpeg")!.bytes;
  assertEquals(colourAt(jpeg, 10, 10), "256,128,128", "half-transparent red over white");
  const gif = await processImage(await picture(500, 300, MagickFormat.Gif), "post");
  assertEquals(gif.variants.map((v) => v.width), [480, 480]);
});

Deno.test("[media pipeline] bombs, disguises and broken files are refused with 422 or 415, the bomb before decoding", async () => {
  const bomb = pngBomb();
  const started = performance.now();
  const refused = await assertRejects(() => processImage(bomb, "post"), "50000 × 50000 pixels");
  assert(refused instanceof ValidationError);
  assert(performance.now() - started < 1000, "refused from the header alone");

  const svg = bytes('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
  const html = bytes("<!doctype html><script>alert(1)</script>");
  for (const disguised of [svg, html, bytes("%PDF-1.7\n"), new Uint8Array(0)]) {
    assert((await assertRejects(() => processImage(disguised, "post"))) instanceof UnsupportedMediaError);
  }
  const big = new Uint8Array(10 * 1024 * 1024 + 1);
  big.set(await picture(10, 10, MagickFormat.Png));
  assert((await assertRejects(() => processImage(big, "post"), "larger than 10 MB")) instanceof ValidationError);

  const jpeg = await picture(800, 600, MagickFormat.Jpeg);
  const cut = jpeg.subarray(0, 400);
  assert((await assertRejects(() => processImage(cut, "post"))) instanceof ValidationError, "a cut-short JPEG");
});
