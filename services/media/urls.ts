// Where media live and what their URLs look like: one rule for the keys the service writes, the URLs it issues,
// and telling an issued URL from any other (API.md, Media: no hot-linked images).
//
// A variant's key is media/<media id>-<digest>-<width>.<webp|jpg>: the digest is of the upload's first variant and
// its id, so the name changes whenever the content could, and the URL can be cached for ever. The variants of one
// upload share everything but width and extension, so a page that knows one avatar URL knows the smaller ones.

export type VariantExt = "webp" | "jpg";

export interface IssuedName {
  /** The media id as the store spells it (KV ids are upper case; keys are lower case). */
  mediaId: string;
  digest: string;
  width: number;
  ext: VariantExt;
}

/**
 * PROK_MEDIA_BASE_URL, or "" for this app's own /media/ path. Process-wide, set once by openApp: a process serves one
 * configuration, and every serializer and page that shows a picture needs it without threading it through.
 */
let baseUrl = "";

export function useMediaBaseUrl(url: string): void {
  baseUrl = url;
}

const NAME = /^([0-9a-z]{1,26})-([0-9a-f]{16})-([1-9][0-9]{0,4})\.(webp|jpg)$/;

export function variantKey(name: Omit<IssuedName, "width" | "ext">, width: number, ext: VariantExt): string {
  return `media/${name.mediaId.toLowerCase()}-${name.digest}-${width}.${ext}`;
}

/** The public URL of a blob key: under the CDN when PROK_MEDIA_BASE_URL is set, else this app's /media/ path. */
export function mediaUrl(key: string): string {
  return `${baseUrl}/${key}`;
}

/** What an issued URL names, or null for any URL this server did not issue (another host, another path). */
export function parseIssuedUrl(url: string): IssuedName | null {
  const prefix = `${baseUrl}/media/`;
  return url.startsWith(prefix) ? parseMediaName(url.slice(prefix.length)) : null;
}

/** What a name under /media/ is, or null for any name the service never writes. */
export function parseMediaName(name: string): IssuedName | null {
  const m = NAME.exec(name);
  return m ? { mediaId: m[1].toUpperCase(), digest: m[2], width: Number(m[3]), ext: m[4] as VariantExt } : null;
}

/** The URL of the same upload at another width and encoding. */
export function siblingUrl(name: IssuedName, width: number, ext: VariantExt): string {
  return mediaUrl(variantKey(name, width, ext));
}

/** A stored URL as members may see it: an issued one, or null for one from before uploads (never fetched). */
export function shownUrl(url: string | null): string | null {
  return url !== null && parseIssuedUrl(url) ? url : null;
}
