// Blobs as files under one folder (PROK_DATA_DIR/media): the embedded default, for one instance or a shared volume.
import { dirname, join } from "node:path";
import { UnavailableError } from "../errors.ts";
import { blobType } from "./keys.ts";
import type { BlobStore, StoredBlob } from "./types.ts";

export class DiskBlobs implements BlobStore {
  readonly kind = "disk";

  constructor(readonly root: string) {}

  async put(key: string, bytes: Uint8Array): Promise<void> {
    blobType(key);
    const path = join(this.root, key);
    // Written aside and renamed into place: a reader sees the whole file or none. A crash between the two leaves only
    // a temporary file no key can name.
    const aside = `${path}.${crypto.randomUUID()}.tmp`;
    try {
      await Deno.mkdir(dirname(path), { recursive: true });
      await Deno.writeFile(aside, bytes, { mode: 0o644 });
      await Deno.rename(aside, path);
    } catch (err) {
      await Deno.remove(aside).catch(() => {});
      throw unavailable(err);
    }
  }

  async get(key: string): Promise<StoredBlob | null> {
    const contentType = blobType(key);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(join(this.root, key));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw unavailable(err);
    }
    try {
      const { size, isFile } = await file.stat();
      if (!isFile) throw new Deno.errors.NotFound(key);
      return { body: file.readable, size, contentType };
    } catch (err) {
      file.close();
      if (err instanceof Deno.errors.NotFound) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    blobType(key);
    await Deno.remove(join(this.root, key)).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw unavailable(err);
    });
  }

  /** The folder exists (made if need be) and takes a file. */
  async ping(): Promise<void> {
    await Deno.mkdir(this.root, { recursive: true });
    const probe = join(this.root, `.ping.${crypto.randomUUID()}`);
    await Deno.writeFile(probe, new Uint8Array());
    await Deno.remove(probe);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A folder that cannot be written (a full disk, no permission, no disk at all on Deno Deploy): 503, not 500. */
function unavailable(err: unknown): UnavailableError {
  return new UnavailableError("The media folder", { cause: err });
}
