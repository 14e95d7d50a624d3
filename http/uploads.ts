// Reading an image upload (API.md, POST /api/media): a multipart form with a `file` part and a `purpose` part, or the
// raw bytes with `content-type: image/*` and `?purpose=`. The body is read up to the cap and no further; what the
// file is, is decided later from its bytes (services/media/sniff.ts), never from its name or declared type.
import { z } from "zod";
import { UnsupportedMediaError, ValidationError } from "../services/errors.ts";
import { MAX_UPLOAD_BYTES, tooLargeMessage } from "../services/media/limits.ts";
import type { MediaPurpose } from "../services/store/model.ts";
import { mediaPatch, mediaPurpose } from "../services/schemas.ts";
import { HttpProblem, readCapped, validate } from "./api.ts";

/** Room for a multipart body's boundaries and part headers around the file. */
const FORM_OVERHEAD = 64 * 1024;

export interface Upload {
  bytes: Uint8Array<ArrayBuffer>;
  purpose: MediaPurpose;
}

function purposeOf(value: unknown): MediaPurpose {
  return validate(z.strictObject({ purpose: mediaPurpose }), { purpose: value ?? undefined }).purpose;
}

/**
 * A multipart form that may carry up to `files` images: read whole up to their cap (a page's form posts its images
 * with the rest of its fields). 422 past the cap, 400 for a body that is not a form.
 */
export async function readUploadForm(req: Request, url: URL, files = 1): Promise<FormData> {
  const body = await readCapped(req, tooLarge, files * MAX_UPLOAD_BYTES + FORM_OVERHEAD);
  try {
    return await new Request(url, {
      method: "POST",
      headers: { "content-type": req.headers.get("content-type") ?? "" },
      body,
    })
      .formData();
  } catch {
    throw new HttpProblem(400, "Bad Request", "The form could not be read. Reload the page and send it again.");
  }
}

function tooLarge(): ValidationError {
  return new ValidationError(tooLargeMessage());
}

/** The files a form sent under `name`, each within the cap; an empty file input sends none. */
export async function formFiles(form: FormData, name: string): Promise<Uint8Array<ArrayBuffer>[]> {
  const files = form.getAll(name).filter((f): f is File => f instanceof File && f.size > 0);
  if (files.some((f) => f.size > MAX_UPLOAD_BYTES)) throw tooLarge();
  return await Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer())));
}

/**
 * A page form's images, each with the alt text of the same row: the nth `alt` field describes the nth `name` input,
 * and a row left empty sends an empty file, skipped here.
 */
export async function formImages(
  form: FormData,
  name = "images",
): Promise<{ bytes: Uint8Array<ArrayBuffer>; alt: string }[]> {
  const alts = form.getAll("alt");
  const rows = form.getAll(name).flatMap((file, i) => {
    if (!(file instanceof File) || file.size === 0) return [];
    const alt = alts[i];
    return [{ file, alt: validate(mediaPatch, { alt: typeof alt === "string" ? alt.trim() : "" }).alt }];
  });
  if (rows.some((row) => row.file.size > MAX_UPLOAD_BYTES)) throw tooLarge();
  return await Promise.all(
    rows.map(async (row) => ({ bytes: new Uint8Array(await row.file.arrayBuffer()), alt: row.alt })),
  );
}

export async function readUpload(req: Request, url: URL): Promise<Upload> {
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data")) {
    const form = await readUploadForm(req, url);
    const [file] = await formFiles(form, "file");
    if (!file) {
      throw new ValidationError("Add the image as the form's file part.", [{ path: "file", message: "required" }]);
    }
    return { bytes: file, purpose: purposeOf(form.get("purpose") ?? url.searchParams.get("purpose")) };
  }
  if (type.startsWith("image/") || type.startsWith("application/octet-stream")) {
    const purpose = purposeOf(url.searchParams.get("purpose"));
    return { bytes: await readCapped(req, tooLarge, MAX_UPLOAD_BYTES), purpose };
  }
  throw new UnsupportedMediaError(
    "Send the image as multipart/form-data (file, purpose) or as the body with content-type image/*.",
  );
}
