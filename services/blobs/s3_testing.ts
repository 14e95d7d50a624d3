// A real S3-protocol server for tests: s3rver (HTTP, signed requests, XML errors) on a free port over a temporary
// folder, with one bucket.
import S3rver from "s3rver";

export const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** A private s3rver with one bucket; the adapter talks to it as to any S3 endpoint, path-style. */
export async function startS3(bucket: string) {
  const directory = await Deno.makeTempDir({ prefix: "prok-s3-" });
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    close: async () => {
      await server.close();
      await Deno.remove(directory, { recursive: true });
    },
  };
}
