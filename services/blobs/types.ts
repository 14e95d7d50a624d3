// The blob port: the bytes of uploaded media (and later résumés), by key. Two adapters: disk.ts keeps them under
// PROK_DATA_DIR/media (the embedded default), s3.ts in an S3-compatible bucket (AWS, R2, MinIO...), which every
// instance and Deno Deploy can reach. contract.ts is the one suite both pass. Keys are content-addressed by the
// media service, so a key never changes meaning: a second put of a key writes the same bytes.
export interface StoredBlob {
  /** The bytes, streamed: a large file never sits in memory whole. */
  body: ReadableStream<Uint8Array>;
  size: number;
  /** From the key's extension (keys.ts): the same answer on every adapter. */
  contentType: string;
}

export interface BlobStore {
  readonly kind: "disk" | "s3";
  /** Stores the bytes under `key` (checked by keys.ts first); visible to get() once it resolves, never half-written. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The blob, or null when there is none. */
  get(key: string): Promise<StoredBlob | null>;
  /** Removes it; a key with no blob is no error. */
  delete(key: string): Promise<void>;
  /** Answers when the backend answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
