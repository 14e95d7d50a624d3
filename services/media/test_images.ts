// Real images for the media tests, made with the same ImageMagick build: what a phone camera sends (EXIF with
// orientation and GPS), and a pixel bomb.
import {
  CompositeOperator,
  MagickColor,
  MagickFormat,
  MagickImage,
  MagickReadSettings,
  Point,
} from "@imagemagick/magick-wasm";
import { loadMagick } from "./pipeline.ts";
import { be16 as u16, be32 as u32, bytes } from "./test_bytes.ts";

/** A picture in `format`: left half red, right half blue (so a turn shows), `width` x `height`. */
export async function picture(width: number, height: number, format: MagickFormat, alpha = false): Promise<Uint8Array> {
  await loadMagick();
  const image = MagickImage.create();
  try {
    image.read(new MagickColor(alpha ? "#ff000080" : "#ff0000"), width, height);
    const blue = MagickImage.create();
    blue.read(new MagickColor(alpha ? "#0000ff80" : "#0000ff"), Math.ceil(width / 2), height);
    image.composite(blue, CompositeOperator.Copy, new Point(Math.floor(width / 2), 0));
    blue.dispose();
    let out = new Uint8Array();
    image.write(format, (data) => out = data.slice());
    return out;
  } finally {
    image.dispose();
  }
}

/** The JPEG with an APP1 Exif block put in after SOI: IFD0 with Make, Orientation and a GPS IFD with a latitude. */
export function withExif(jpeg: Uint8Array, orientation: number): Uint8Array {
  const make = bytes("SpyCam 3000\0");
  // TIFF, big-endian: header (8), IFD0 with 3 entries (2 + 36 + 4), GPS IFD with 2 entries (2 + 24 + 4), then data.
  const ifd0At = 8;
  const gpsAt = ifd0At + 2 + 3 * 12 + 4;
  const dataAt = gpsAt + 2 + 2 * 12 + 4;
  const makeAt = dataAt;
  const latAt = makeAt + make.length;
  const tiff = [
    ...bytes("MM"),
    ...u16(42),
    ...u32(ifd0At),
    ...u16(3),
    ...u16(0x010f),
    ...u16(2),
    ...u32(make.length),
    ...u32(makeAt),
    ...u16(0x0112),
    ...u16(3),
    ...u32(1),
    ...u16(orientation),
    0,
    0,
    ...u16(0x8825),
    ...u16(4),
    ...u32(1),
    ...u32(gpsAt),
    ...u32(0),
    ...u16(2),
    ...u16(0x0001),
    ...u16(2),
    ...u32(2),
    ...bytes("N\0"),
    0,
    0,
    ...u16(0x0002),
    ...u16(5),
    ...u32(3),
    ...u32(latAt),
    ...u32(0),
    ...make,
    ...u32(52),
    ...u32(1),
    ...u32(31),
    ...u32(1),
    ...u32(1234),
    ...u32(100),
  ];
  const app1 = [0xff, 0xe1, ...u16(2 + 6 + tiff.length), ...bytes("Exif\0\0"), ...tiff];
  return new Uint8Array([0xff, 0xd8, ...app1, ...jpeg.subarray(2)]);
}

/**
 * A JPEG with the detail of a photo (ImageMagick's fractal plasma: colour noise at every scale), so encoded sizes are
 * those of real pictures, not of flat colour.
 */
export async function photo(width: number, height: number): Promise<Uint8Array> {
  await loadMagick();
  const image = MagickImage.create();
  try {
    image.read("plasma:fractal", new MagickReadSettings({ width, height }));
    image.quality = 90;
    let out = new Uint8Array();
    image.write(MagickFormat.Jpeg, (data) => out = data.slice());
    return out;
  } finally {
    image.dispose();
  }
}

/** A 1 KB PNG whose header claims 50,000 × 50,000 pixels. */
export function pngBomb(): Uint8Array {
  return new Uint8Array([
    ...[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    ...u32(13),
    ...bytes("IHDR"),
    ...u32(50_000),
    ...u32(50_000),
    8,
    6,
    0,
    0,
    0,
    ...new Uint8Array(1000),
  ]);
}
