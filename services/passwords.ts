// Password hashing as QUALITY.md asks: bcrypt only reads 72 bytes and stops at NUL, so it hashes
// base64(HMAC-SHA384(password, pepper)) instead (64 ASCII bytes: nothing truncated, no NUL), at cost >= 10, in a pool
// of workers so a burst of sign-ins never blocks the event loop.
import type { PasswordTask } from "./password_task.ts";
import { WorkerPool } from "./worker_pool.ts";

export const BCRYPT_COST = 10;

/** bcrypt in a pool of workers; one fewer than the cores, so the event loop keeps a core of its own. */
export class PasswordHasher {
  readonly #pool: WorkerPool<PasswordTask, string | boolean>;
  #dummy: Promise<string> | null = null;

  constructor(readonly pepper: CryptoKey, readonly size = Math.max(1, (navigator.hardwareConcurrency ?? 2) - 1)) {
    this.#pool = new WorkerPool({
      name: "passwords",
      module: new URL("./password_worker.ts", import.meta.url),
      size,
      inline: async () => (await import("./password_task.ts")).runPasswordTask,
    });
  }

  #start(): void {
    if (this.#dummy) return;
    // Unknown emails are checked against this, so they cost what a wrong password costs (the first check of either
    // kind waits for it too, so even the first sign-in after start says nothing about the email).
    this.#dummy = this.hash(crypto.randomUUID());
    this.#dummy.catch(() => {}); // a pool closed before it finished: nobody is waiting for it then
  }

  async #prehash(password: string): Promise<string> {
    const mac = await crypto.subtle.sign("HMAC", this.pepper, new TextEncoder().encode(password));
    return btoa(String.fromCharCode(...new Uint8Array(mac)));
  }

  #run(task: PasswordTask): Promise<string | boolean> {
    this.#start();
    return this.#pool.run(task);
  }

  async hash(password: string): Promise<string> {
    return await this.#run({ op: "hash", input: await this.#prehash(password), cost: BCRYPT_COST }) as string;
  }

  /** Compares against `hash`, or against a dummy hash when there is none, taking the same time either way. */
  async verify(password: string, hash: string | null): Promise<boolean> {
    this.#start();
    await this.#dummy;
    const target = hash ?? await this.#dummy!;
    const ok = await this.#run({ op: "compare", input: await this.#prehash(password), hash: target }) as boolean;
    return ok && hash !== null;
  }

  close(): void {
    this.#pool.close();
  }
}
