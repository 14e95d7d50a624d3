// `deno task bench --media`: what one 12 MP photo costs the image pipeline, on one core (the pool runs one photo at a
// time in one worker): milliseconds per photo and the memory above the process's idle size at its peak. Measured in
// a process of its own, so nothing else the bench did counts towards the peak. The same photo then feeds the upload
// burst (upload_burst.ts).
export interface MediaResult {
  photoBytes: number;
  variants: number;
  /** Each round's milliseconds; the first includes warming the WebAssembly code. */
  ms: number[];
  medianMs: number;
  /** VmHWM minus VmRSS before the first photo. */
  peakAboveIdleMb: number;
}

const probe = async (root: string, ...args: string[]) => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tasks/bench/media_probe.ts", ...args],
    cwd: root,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`the media probe (${args[0]}) failed with exit ${out.code}`);
  return new TextDecoder().decode(out.stdout).trim();
};

/** Writes a 12 MP camera-like JPEG to a new temporary file and answers its path (the caller removes it). */
export async function makePhoto(root: string): Promise<string> {
  const photo = await Deno.makeTempFile({ prefix: "prok-bench-photo-", suffix: ".jpg" });
  try {
    await probe(root, "make", photo);
  } catch (err) {
    await Deno.remove(photo);
    throw err;
  }
  return photo;
}

export async function mediaBench(root: string, photo: string, rounds = 5): Promise<MediaResult> {
  const measured = JSON.parse((await probe(root, "run", photo, String(rounds))).split("\n").pop()!);
  const sorted = [...measured.ms].sort((a: number, b: number) => a - b);
  return {
    photoBytes: measured.photoBytes,
    variants: measured.variants,
    ms: measured.ms,
    medianMs: sorted[Math.floor(sorted.length / 2)],
    peakAboveIdleMb: (measured.peakKb - measured.idleKb) / 1024,
  };
}
