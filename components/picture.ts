// Which encodings of an uploaded image a page offers: srcset lists from the variants the API gives, and for an avatar,
// whose profile holds one URL only, its smaller sizes from that URL (the media service names every variant of an
// upload alike, services/media/urls.ts, and a component may not import it: the names are matched here by shape).

export interface CardVariant {
  url: string;
  width: number;
  height: number;
  type: "image/webp" | "image/jpeg";
}

export interface Sources {
  /** The smallest JPEG: what a browser without srcset shows. */
  src: string;
  webp: string;
  jpeg: string;
}

/** The srcset of each encoding from a list of variants; null when there is no JPEG to fall back on. */
export function sourcesOf(variants: CardVariant[]): Sources | null {
  const list = (type: CardVariant["type"]) => variants.filter((v) => v.type === type).sort((a, b) => a.width - b.width);
  const jpegs = list("image/jpeg");
  if (!jpegs.length) return null;
  const srcset = (items: CardVariant[]) => items.map((v) => `${v.url} ${v.width}w`).join(", ");
  return { src: jpegs[0].url, webp: srcset(list("image/webp")), jpeg: srcset(jpegs) };
}

const AVATAR_SIZES = [64, 128, 256];
const VARIANT_NAME = /^(.*\/media\/[0-9a-z]+-[0-9a-f]{16}-)([1-9][0-9]*)\.jpg$/;

/** An uploaded avatar's sizes up to the one its profile URL names; null for a URL of any other shape. */
export function avatarSources(url: string): Sources | null {
  const m = VARIANT_NAME.exec(url);
  if (!m) return null;
  const named = Number(m[2]);
  // Never upscaled: a picture smaller than 64 px has its own size only.
  const widths = AVATAR_SIZES.includes(named) ? AVATAR_SIZES.filter((w) => w <= named) : [named];
  const at = (w: number, ext: string) => `${m[1]}${w}.${ext}`;
  return {
    src: at(widths[0], "jpg"),
    webp: widths.map((w) => `${at(w, "webp")} ${w}w`).join(", "),
    jpeg: widths.map((w) => `${at(w, "jpg")} ${w}w`).join(", "),
  };
}
