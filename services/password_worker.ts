// Runs bcrypt off the main thread: hashing at cost 10 takes tens of milliseconds of pure CPU.
import bcrypt from "bcryptjs";

export type PasswordTask = { op: "hash"; input: string; cost: number } | { op: "compare"; input: string; hash: string };
export type PasswordJob = PasswordTask & { id: number };

export type PasswordResult = { id: number; ok: true; value: string | boolean } | {
  id: number;
  ok: false;
  error: string;
};

self.onmessage = (e: MessageEvent<PasswordJob>) => {
  const job = e.data;
  try {
    const value = job.op === "hash" ? bcrypt.hashSync(job.input, job.cost) : bcrypt.compareSync(job.input, job.hash);
    self.postMessage({ id: job.id, ok: true, value } satisfies PasswordResult);
  } catch (err) {
    self.postMessage({ id: job.id, ok: false, error: String(err) } satisfies PasswordResult);
  }
};
