/** What `deno task build` records in `<outDir>/meta.json` and the server reads at start. */
export interface BuildMeta {
  /** A hash of every built file's content: bundle URLs change whenever any byte does. */
  buildId: string;
  /** What the static folder and the bundle sources hashed to; a mismatch at start means the build is stale. */
  staticFingerprint: string;
  sourceFingerprint: string;
  /** The boot module, relative to `<outDir>/js/<buildId>/`. */
  boot: string;
  /** Island source (`./islands/X.tsx`) → its bundle, relative to the same folder. */
  islands: Record<string, string>;
  /** Bundle → every chunk it imports, directly or not, for modulepreload. */
  deps: Record<string, string[]>;
}
