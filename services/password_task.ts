// One bcrypt job, the same in a worker (password_worker.ts) and, where there are none, on the event loop.
import bcrypt from "bcryptjs";

export type PasswordTask = { op: "hash"; input: string; cost: number } | { op: "compare"; input: string; hash: string };

export function runPasswordTask(task: PasswordTask): string | boolean {
  return task.op === "hash" ? bcrypt.hashSync(task.input, task.cost) : bcrypt.compareSync(task.input, task.hash);
}
