// The image pipeline behind a pool of one worker: one photo at a time per instance (each may need a few hundred MB
// while it is decoded), queued behind each other, never on the event loop where the platform has workers.
import { WorkerPool } from "../worker_pool.ts";
import type { MediaPurpose, ProcessedImage } from "./pipeline.ts";

type Job = { bytes: Uint8Array; purpose: MediaPurpose };

export class ImageProcessor {
  readonly #pool = new WorkerPool<Job, ProcessedImage>({
    name: "images",
    module: new URL("./media_worker.ts", import.meta.url),
    size: 1,
    inline: async () => {
      const { processImage } = await import("./pipeline.ts");
      return (job) => processImage(job.bytes, job.purpose);
    },
  });

  /** The upload's variants; refusals are the pipeline's (UnsupportedMediaError, ValidationError). */
  process(bytes: Uint8Array, purpose: MediaPurpose): Promise<ProcessedImage> {
    // A buffer that is the upload's alone moves to the worker rather than being copied (10 MB at most).
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    return this.#pool.run({ bytes, purpose }, whole ? [bytes.buffer as ArrayBuffer] : []);
  }

  close(): void {
    this.#pool.close();
  }
}
