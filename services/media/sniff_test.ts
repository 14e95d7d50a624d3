import { assertEquals } from "../../framework/testing/assert.ts";
import { sniffImage } from "./sniff.ts";
import { be16, be32, bytes, le16, le32 } from "./test_bytes.ts";

const png = (w: number, h: number) => bytes("\x89PNG\r\n\x1a\n", be32(13), "IHDR", be32(w), be32(h), [8, 6, 0, 0, 0]);

/** A JPEG header: SOI, an APP1 Exif block with IFD0's orientation (little- or big-endian), SOF0. */
function jpeg(w: number, h: number, orientation?: number, le = true): Uint8Array {
  const u16 = le ? le16 : be16;
  const u32 = le ? le32 : be32;
  const tiff = orientation === undefined ? [] : [
    ...bytes(le ? "II" : "MM"),
    ...u16(42),
    ...u32(8),
    ...u16(1),
    ...u16(0x0112),
    ...u16(3),
    ...u32(1),
    ...u16(orientation),
    0,
    0,
    ...u32(0),
  ];
  const app1 = tiff.length ? [0xff, 0xe1, ...be16(8 + tiff.length), ...bytes("Exif\0\0"), ...tiff] : [];
  const sof = [0xff, 0xc0, ...be16(17), 8, ...be16(h), ...be16(w), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xe0,
    ...be16(16),
    ...bytes("JFIF\0"),
    1,
    1,
    0,
    0,
    1,
    0,
    1,
    0,
    0,
    ...app1,
    ...sof,
  ]);
}

Deno.test("[media sniff] each format's size comes from its header, before anything is decoded", () => {
  assertEquals(sniffImage(png(50_000, 50_000)), { format: "png", width: 50_000, height: 50_000, orientation: 1 });
  assertEquals(sniffImage(bytes("GIF89a", le16(640), le16(480), [0, 0, 0])), {
    format: "gif",
    width: 640,
    height: 480,
    orientation: 1,
  });
  const vp8x = bytes("RIFF", le32(30), "WEBPVP8X", le32(10), [0, 0, 0, 0], [0x7f, 0x0c, 0], [0x5f, 0x09, 0]);
  assertEquals(sniffImage(vp8x), { format: "webp", width: 3200, height: 2400, orientation: 1 });
  const vp8 = bytes("RIFF", le32(30), "WEBPVP8 ", le32(10), [0, 0, 0], [0x9d, 0x01, 0x2a], le16(1600), le16(900));
  assertEquals(sniffImage(vp8), { format: "webp", width: 1600, height: 900, orientation: 1 });
  const bits = (640 - 1) | ((480 - 1) << 14);
  const vp8l = bytes("RIFF", le32(30), "WEBPVP8L", le32(5), [0x2f], le32(bits));
  assertEquals(sniffImage(vp8l), { format: "webp", width: 640, height: 480, orientation: 1 });
  const ispe = (w: number, h: number) => [...be32(20), ...bytes("ispe"), 0, 0, 0, 0, ...be32(w), ...be32(h)];
  const heif = bytes(be32(24), "ftypavif", be32(0), "mif1avif", be32(60), "meta", ispe(256, 256), ispe(4032, 3024));
  assertEquals(sniffImage(new Uint8Array([...heif, ...new Uint8Array(32)])), {
    format: "avif",
    width: 4032,
    height: 3024,
    orientation: 1,
  });
});

Deno.test("[media sniff] a JPEG's EXIF orientation is read in either byte order", () => {
  assertEquals(sniffImage(jpeg(4000, 3000)), { format: "jpeg", width: 4000, height: 3000, orientation: 1 });
  assertEquals(sniffImage(jpeg(4000, 3000, 6))?.orientation, 6);
  assertEquals(sniffImage(jpeg(4000, 3000, 8, false))?.orientation, 8);
  assertEquals(sniffImage(jpeg(4000, 3000, 99))?.orientation, 1, "a nonsense orientation is ignored");
});

Deno.test("[media sniff] markup, other files, empty, cut-short and lying headers are not images", () => {
  const cases: [string, Uint8Array][] = [
    ["svg", bytes('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ["html", bytes("<!doctype html><html><body>hi</body></html>")],
    ["pdf", bytes("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")],
    ["empty", new Uint8Array()],
    ["png cut short", png(10, 10).subarray(0, 20)],
    ["png of zero pixels", png(0, 10)],
    ["jpeg cut short", jpeg(4000, 3000).subarray(0, 24)],
    ["jpeg whose segment length overruns", new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0xff, 0xff, 1, 2, 3])],
    ["jpeg with scan data before a frame", new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 4, 0, 0, 0xff, 0xd9])],
    ["webp of another kind", bytes("RIFF", le32(30), "WEBPXXXX", le32(10), new Array(20).fill(0))],
    ["mp4", bytes(be32(24), "ftypisom", be32(0), "isomiso2", new Array(40).fill(0))],
    ["random", crypto.getRandomValues(new Uint8Array(4096)).map((b, i) => i === 0 ? 0x00 : b)],
  ];
  for (const [name, input] of cases) assertEquals(sniffImage(input), null, name);
});
