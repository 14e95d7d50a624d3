// Blobs in an S3-compatible bucket through the AWS SDK: AWS S3, Cloudflare R2, MinIO, Ceph... Every instance (and Deno
// Deploy, which has no disk) reaches the same bucket. Objects carry their content type and immutable caching, so a CDN
// or the bucket's own website serves them as the app would.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { UnavailableError } from "../errors.ts";
import { blobType } from "./keys.ts";
import type { BlobStore, StoredBlob } from "./types.ts";

export interface S3Options {
  bucket: string;
  /** Unset: AWS S3 itself, by region. */
  endpoint?: string;
  region: string;
  /** Unset: the SDK's own chain (environment, instance role, web identity). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** `bucket` as the first path segment rather than a subdomain (MinIO and most self-hosted servers). */
  forcePathStyle: boolean;
}

const IMMUTABLE = "public, max-age=31536000, immutable";

export class S3Blobs implements BlobStore {
  readonly kind = "s3";
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor(options: S3Options) {
    this.#bucket = options.bucket;
    this.#client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      credentials: options.credentials,
      forcePathStyle: options.forcePathStyle,
      maxAttempts: 3,
    });
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const contentType = blobType(key);
    await this.#reach(() =>
      this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          Body: bytes,
          ContentType: contentType,
          ContentLength: bytes.byteLength,
          CacheControl: IMMUTABLE,
        }),
      )
    );
  }

  async get(key: string): Promise<StoredBlob | null> {
    const contentType = blobType(key);
    try {
      const out = await this.#reach(() => this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key })));
      if (!out.Body) return null;
      return {
        body: out.Body.transformToWebStream() as ReadableStream<Uint8Array>,
        size: out.ContentLength ?? 0,
        contentType,
      };
    } catch (err) {
      const cause = err instanceof UnavailableError ? err.cause : err;
      if (
        cause instanceof NoSuchKey || (cause instanceof S3ServiceException && cause.$metadata.httpStatusCode === 404)
      ) {
        return null;
      }
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    blobType(key);
    // S3 answers 204 whether or not the key existed.
    await this.#reach(() => this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key })));
  }

  async ping(): Promise<void> {
    await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }));
  }

  /** A bucket that does not answer, or refuses (credentials, a missing bucket), is a 503 for the request, not a 500. */
  async #reach<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw new UnavailableError("The media bucket", { cause: err });
    }
  }

  close(): Promise<void> {
    this.#client.destroy();
    return Promise.resolve();
  }
}
