// The size an upload may have (API.md, Media), apart from the pipeline so the HTTP layer can stop reading at it
// without loading ImageMagick.
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export function tooLargeMessage(): string {
  return `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`;
}
