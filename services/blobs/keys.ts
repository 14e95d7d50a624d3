// What a blob key may be, checked by both adapters before any I/O: lower-case path segments and one extension from a
// fixed list, so no key climbs out of the media folder (`..`, absolute paths) and nothing is ever served as HTML or SVG
// from the media path: the type comes from the extension, and only these types exist.
import { ValidationError } from "../errors.ts";

const TYPES: Record<string, string> = {
  avif: "image/avif",
  gif: "image/gif",
  jpg: "image/jpeg",
  pdf: "application/pdf",
  png: "image/png",
  webp: "image/webp",
};

const KEY = /^(?:[a-z0-9][a-z0-9_-]{0,127}\/){0,4}[a-z0-9][a-z0-9_-]{0,127}\.([a-z0-9]{1,5})$/;

/** The key's content type; throws ValidationError for a key that is not one. */
export function blobType(key: string): string {
  const ext = KEY.exec(key)?.[1];
  const type = ext === undefined ? undefined : TYPES[ext];
  if (!type) throw new ValidationError(`not a blob key: ${JSON.stringify(key.slice(0, 200))}`);
  return type;
}
