// The image pipeline: an upload in, its variants out, each re-encoded from pixels so nothing of the original file
// survives but the picture. It sniffs the format and the claimed size before decoding (sniff.ts), decodes only as
// many pixels as the largest variant needs (JPEG's DCT scaling), applies the EXIF orientation, drops every metadata
// block (EXIF with GPS, XMP, IPTC, ICC), resizes per purpose without upscaling, and encodes WebP plus a JPEG fallback
// and a ThumbHash placeholder. ImageMagick compiled to WebAssembly does the pixel work, so it runs wherever Deno runs,
// Deno Deploy included. It is CPU-bound for about a second per 12 MP photo: callers run it off the request loop
// (media_worker.ts).
import {
  AlphaAction,
  Gravity,
  ImageMagick,
  type IMagickImage,
  initializeImageMagick,
  MagickColors,
  MagickFormat,
  MagickReadSettings,
} from "@imagemagick/magick-wasm";
import { rgbaToThumbHash } from "thumbhash";
import { UnsupportedMediaError, ValidationError } from "../errors.ts";
import { isComplete, type Sniffed, sniffImage } from "./sniff.ts";
import { MAX_UPLOAD_BYTES, tooLargeMessage } from "./limits.ts";

export type { MediaPurpose } from "../store/model.ts";
import type { MediaPurpose } from "../store/model.ts";

/** Sizes per purpose (API.md, Media): avatars are square, post images keep their shape. */
const VARIANT_SIZES: Record<MediaPurpose, readonly number[]> = {
  avatar: [64, 128, 256, 512],
  post: [480, 960, 1600],
};

const MAX_PIXELS = 40_000_000;
const WEBP_QUALITY = 75;
const JPEG_QUALITY = 78;
/** The placeholder is computed from at most this many pixels a side (ThumbHash's own limit is 100). */
const PLACEHOLDER_SIDE = 64;

export interface EncodedVariant {
  width: number;
  height: number;
  type: "image/webp" | "image/jpeg";
  bytes: Uint8Array;
}

export interface ProcessedImage {
  /** The picture as members see it: oriented, and for an avatar the square it was cropped to. */
  width: number;
  height: number;
  /** A ThumbHash, base64. */
  placeholder: string;
  /** Largest first, WebP then JPEG at each size. */
  variants: EncodedVariant[];
}

let ready: Promise<void> | null = null;

/** Loads the WebAssembly module once per isolate (about 15 MB, read from the npm package beside this code). */
export function loadMagick(): Promise<void> {
  ready ??= (async () => {
    const entry = new URL(import.meta.resolve("@imagemagick/magick-wasm"));
    await initializeImageMagick(await Deno.readFile(new URL("./x86/magick.wasm", entry)));
  })();
  return ready;
}

/** What the upload is, checked from its bytes: throws 415 for anything but the formats taken, 422 for a bomb. */
function checkUpload(bytes: Uint8Array): Sniffed {
  if (bytes.byteLength > MAX_UPLOAD_BYTES) {
    throw new ValidationError(tooLargeMessage());
  }
  const sniffed = sniffImage(bytes);
  if (!sniffed) throw new UnsupportedMediaError("Upload a JPEG, PNG, WebP, AVIF or GIF image.");
  if (sniffed.width * sniffed.height > MAX_PIXELS) {
    throw new ValidationError(
      `The image is ${sniffed.width} × ${sniffed.height} pixels; at most ${
        MAX_PIXELS / 1_000_000
      } megapixels are taken.`,
    );
  }
  if (!isComplete(bytes, sniffed.format)) throw new ValidationError("The image is cut short: upload it again.");
  return sniffed;
}

/** The sizes to make: the purpose's, never above the picture's own, and at least one. */
function sizesFor(purpose: MediaPurpose, side: number): number[] {
  const sizes = VARIANT_SIZES[purpose].filter((s) => s <= side);
  return sizes.length ? sizes : [side];
}

export async function processImage(bytes: Uint8Array, purpose: MediaPurpose): Promise<ProcessedImage> {
  const sniffed = checkUpload(bytes);
  await loadMagick();
  const turned = sniffed.orientation >= 5;
  const [width, height] = turned ? [sniffed.height, sniffed.width] : [sniffed.width, sniffed.height];
  const side = purpose === "avatar" ? Math.min(width, height) : width;
  const sizes = sizesFor(purpose, side).sort((a, b) => b - a);
  const settings = new MagickReadSettings({ frameIndex: 0, frameCount: 1 });
  if (sniffed.format === "jpeg") {
    // libjpeg decodes straight to a scale of n/8 (n rounded down from the size asked for): the smallest n that
    // still covers the largest variant. A 12 MP photo for a 1600 px variant is decoded at a quarter of its pixels.
    const n = Math.min(8, Math.ceil((8 * sizes[0]) / side));
    const [w, h] = [Math.ceil((sniffed.width * n) / 8), Math.ceil((sniffed.height * n) / 8)];
    settings.setDefine(MagickFormat.Jpeg, "size", `${w}x${h}`);
  }
  try {
    const variants = ImageMagick.read(bytes, settings, (image) => encodeAll(image, purpose, sizes));
    return { width: purpose === "avatar" ? side : width, height: purpose === "avatar" ? side : height, ...variants };
  } catch (err) {
    // A header that promised an image whose data is broken or cut short.
    throw new ValidationError(`The image could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function encodeAll(
  image: IMagickImage,
  purpose: MediaPurpose,
  sizes: number[],
): Pick<ProcessedImage, "placeholder" | "variants"> {
  image.autoOrient();
  image.strip();
  if (purpose === "avatar") {
    const side = Math.min(image.width, image.height);
    image.crop(side, side, Gravity.Center);
    image.resetPage();
  }
  const variants: EncodedVariant[] = [];
  // Each size from the one before: a few halvings cost less than one resize from the full picture.
  for (const size of sizes) {
    if (image.width > size) image.resize(size, purpose === "avatar" ? size : 0);
    variants.push(encode(image, MagickFormat.WebP, "image/webp", WEBP_QUALITY));
    image.clone((flat) => {
      // JPEG has no transparency: what was transparent becomes white, not black.
      flat.backgroundColor = MagickColors.White;
      flat.alpha(AlphaAction.Remove);
      variants.push(encode(flat, MagickFormat.Jpeg, "image/jpeg", JPEG_QUALITY));
    });
  }
  const fit = Math.min(1, PLACEHOLDER_SIDE / Math.max(image.width, image.height));
  const placeholder = image.clone((small) => {
    small.resize(Math.max(1, Math.round(small.width * fit)), Math.max(1, Math.round(small.height * fit)));
    const rgba = small.getPixels((pixels) => pixels.toByteArray(0, 0, small.width, small.height, "RGBA"))!;
    return btoa(String.fromCharCode(...rgbaToThumbHash(small.width, small.height, rgba)));
  });
  return { placeholder, variants };
}

function encode(image: IMagickImage, format: MagickFormat, type: EncodedVariant["type"], quality: number) {
  image.quality = quality;
  let bytes = new Uint8Array();
  image.write(format, (data) => bytes = data.slice());
  return { width: image.width, height: image.height, type, bytes };
}
