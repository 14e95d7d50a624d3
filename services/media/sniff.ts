// What an upload is, read from its first bytes and never from its name or content-type header: the format, the
// pixel size its header claims and, for JPEG, the EXIF orientation. It runs before anything is decoded, so a 1 KB file
// that claims 50,000 x 50,000 pixels is refused in microseconds, and it never trusts a length field to stay in bounds.
export type ImageFormat = "jpeg" | "png" | "gif" | "webp" | "avif";

export interface Sniffed {
  format: ImageFormat;
  /** As stored, before orientation. */
  width: number;
  height: number;
  /** EXIF orientation 1-8 (1 when absent); 5-8 swap width and height when applied. */
  orientation: number;
}

const ascii = (bytes: Uint8Array, at: number, length: number) =>
  String.fromCharCode(...bytes.subarray(at, at + length));

/** The image's format and claimed size, or null when it is none of the formats Prok takes (or is cut short). */
export function sniffImage(bytes: Uint8Array): Sniffed | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpeg(bytes, view);
    if (ascii(bytes, 0, 8) === "\x89PNG\r\n\x1a\n" && ascii(bytes, 12, 4) === "IHDR") {
      return sized("png", view.getUint32(16), view.getUint32(20));
    }
    if (/^GIF8[79]a$/.test(ascii(bytes, 0, 6))) return sized("gif", view.getUint16(6, true), view.getUint16(8, true));
    if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") return webp(bytes, view);
    if (ascii(bytes, 4, 4) === "ftyp") return avif(bytes, view);
  } catch (err) {
    if (err instanceof RangeError) return null; // a header cut short
    throw err;
  }
  return null;
}

function sized(format: ImageFormat, width: number, height: number, orientation = 1): Sniffed | null {
  return width > 0 && height > 0 ? { format, width, height, orientation } : null;
}

// Start-of-frame markers: C0-CF but DHT (C4), JPG (C8) and DAC (CC).
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpeg(bytes: Uint8Array, view: DataView): Sniffed | null {
  let at = 2;
  let orientation = 1;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) { // fill byte
      at++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const length = view.getUint16(at + 2);
    if (length < 2) return null;
    if (marker === 0xe1 && ascii(bytes, at + 4, 6) === "Exif\0\0") {
      orientation = exifOrientation(bytes.subarray(at + 10, at + 2 + length)) ?? orientation;
    }
    if (SOF.has(marker)) return sized("jpeg", view.getUint16(at + 7), view.getUint16(at + 5), orientation);
    if (marker === 0xd9 || marker === 0xda) return null; // image data before any frame header
    at += 2 + length;
  }
  return null;
}

/** Tag 0x0112 of IFD0 in a TIFF block, when it is a valid orientation. */
function exifOrientation(tiff: Uint8Array): number | null {
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const order = ascii(tiff, 0, 2);
  if (order !== "II" && order !== "MM") return null;
  const le = order === "II";
  const ifd = view.getUint32(4, le);
  const entries = view.getUint16(ifd, le);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (view.getUint16(entry, le) === 0x0112) {
      const value = view.getUint16(entry + 8, le);
      return value >= 1 && value <= 8 ? value : null;
    }
  }
  return null;
}

function webp(bytes: Uint8Array, view: DataView): Sniffed | null {
  const chunk = ascii(bytes, 12, 4);
  if (chunk === "VP8X") {
    const width = 1 + (view.getUint32(24, true) & 0xffffff);
    const height = 1 + (view.getUint32(26, true) >>> 8);
    return sized("webp", width, height);
  }
  if (chunk === "VP8 ") {
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return null; // the key frame's start code
    return sized("webp", view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
  }
  if (chunk === "VP8L") {
    if (bytes[20] !== 0x2f) return null; // the lossless signature
    const bits = view.getUint32(21, true);
    return sized("webp", 1 + (bits & 0x3fff), 1 + ((bits >>> 14) & 0x3fff));
  }
  return null;
}

/** AVIF: an ISO-BMFF file whose brands name avif; the size is the largest `ispe` box (the primary image's). */
function avif(bytes: Uint8Array, view: DataView): Sniffed | null {
  const boxSize = view.getUint32(0);
  const brands: string[] = [];
  for (let at = 8; at + 4 <= Math.min(boxSize, bytes.length); at += 4) brands.push(ascii(bytes, at, 4));
  if (!brands.includes("avif") && !brands.includes("avis")) return null;
  let width = 0;
  let height = 0;
  const limit = Math.min(bytes.length, 1 << 16) - 16;
  for (let at = boxSize; at < limit; at++) {
    if (bytes[at] === 0x69 && ascii(bytes, at, 4) === "ispe") {
      const w = view.getUint32(at + 8);
      const h = view.getUint32(at + 12);
      if (w * h > width * height) [width, height] = [w, h];
    }
  }
  return sized("avif", width, height);
}

/**
 * Whether the file reaches its format's end: decoders fill a cut-short JPEG with grey rather than fail, so an upload
 * that stopped halfway would otherwise be kept as a half-grey picture.
 */
export function isComplete(bytes: Uint8Array, format: ImageFormat): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (format) {
    case "jpeg": // an end-of-image marker (trailing bytes after it are common and harmless)
      for (let at = bytes.length - 2; at >= 2; at--) if (bytes[at] === 0xff && bytes[at + 1] === 0xd9) return true;
      return false;
    case "png": // the IEND chunk
      return bytes.length >= 12 && ascii(bytes, bytes.length - 8, 4) === "IEND";
    case "webp": // as long as the RIFF header says
      return bytes.length >= 8 && view.getUint32(4, true) + 8 <= bytes.length;
    case "gif": // the trailer
      return bytes[bytes.length - 1] === 0x3b;
    case "avif":
      return true; // its decoder fails on a cut-short file by itself
  }
}
