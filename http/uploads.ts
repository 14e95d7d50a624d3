// Reading an image upload (API.md, POST /api/media): a multipart form with a `file` part and a `purpose` part, or the
// raw bytes with `content-type: image/*` and `?purpose=`. The body is read up to the cap and no further; what the
// file is, is decided later from its bytes (services/media/sniff.ts), never from its name or declared type.
import { z } from "zod";
import { UnsupportedMediaError, ValidationError } from "../services/errors.ts";
import { MAX_UPLOAD_BYTES, tooLargeMessage } from "../services/media/limits.ts";
import type { MediaPurpose } from "../services/store/model.ts";
import { mediaPurpose } from "../services/schemas.ts";
import { readCapped, validate } from "./api.ts";

/** Room for a multipart body's boundaries and part headers around the file. */
const FORM_OVERHEAD = 64 * 1024;

export interface Upload {
  bytes: Uint8Array<ArrayBuffer>;
  purpose: MediaPurpose;
}

function purposeOf(value: unknown): MediaPurpose {
  return validate(z.strictObject({ purpose: mediaPurpose }), { purpose: value ?? undefined }).purpose;
}

export async function readUpload(req: Request, url: URL): Promise<Upload> {
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  const tooLarge = () => new ValidationError(tooLargeMessage(), [{ path: "file", message: tooLargeMessage() }]);
  if (type.startsWith("multipart/form-data")) {
    const body = await readCapped(req, tooLarge, MAX_UPLOAD_BYTES + FORM_OVERHEAD);
    let form: FormData;
    try {
      form = await new Request(url, { method: "POST", headers: { "content-type": type }, body }).formData();
    } catch {
      throw new ValidationError("The form could not be read: send multipart/form-data with a file part.");
    }
    const file = form.get("file");
    if (!(file instanceof File)) {
      throw new ValidationError("Add the image as the form's file part.", [{ path: "file", message: "required" }]);
    }
    if (file.size > MAX_UPLOAD_BYTES) throw tooLarge();
    return {
      bytes: new Uint8Array(await file.arrayBuffer()),
      purpose: purposeOf(form.get("purpose") ?? url.searchParams.get("purpose")),
    };
  }
  if (type.startsWith("image/") || type.startsWith("application/octet-stream")) {
    const purpose = purposeOf(url.searchParams.get("purpose"));
    return { bytes: await readCapped(req, tooLarge, MAX_UPLOAD_BYTES), purpose };
  }
  throw new UnsupportedMediaError(
    "Send the image as multipart/form-data (file, purpose) or as the body with content-type image/*.",
  );
}
