// A post image's placeholder as a page draws it while the image loads: the ThumbHash decoded and reduced to three
// colours top to bottom, as a CSS gradient of about 60 bytes (a data URL of it would cost a kilobyte per image, and a
// feed page has twenty).
import { thumbHashToRGBA } from "thumbhash";

const BANDS = 3;

export function placeholderBackground(thumbHash: string): string | undefined {
  let decoded: { w: number; h: number; rgba: Uint8Array };
  try {
    decoded = thumbHashToRGBA(Uint8Array.from(atob(thumbHash), (c) => c.charCodeAt(0)));
  } catch {
    return undefined; // not one of ours: no placeholder rather than a broken page
  }
  const { w, h, rgba } = decoded;
  const stops: string[] = [];
  for (let band = 0; band < BANDS; band++) {
    const sum = [0, 0, 0];
    let n = 0;
    for (let y = Math.floor((band * h) / BANDS); y < Math.floor(((band + 1) * h) / BANDS); y++) {
      for (let x = 0; x < w; x++, n++) for (let c = 0; c < 3; c++) sum[c] += rgba[(y * w + x) * 4 + c];
    }
    stops.push("#" + sum.map((v) => Math.round(v / Math.max(1, n)).toString(16).padStart(2, "0")).join(""));
  }
  return `linear-gradient(${stops.join(",")})`;
}
