// Password hashing as QUALITY.md asks: bcrypt only reads 72 bytes and stops at NUL, so it hashes
// base64(HMAC-SHA384(password, pepper)) instead (64 ASCII bytes: nothing truncated, no NUL), at cost >= 10, in a pool
// of workers so a burst of sign-ins never blocks the event loop.
import { log } from "./log.ts";
import type { PasswordJob, PasswordResult, PasswordTask } from "./password_worker.ts";

export const BCRYPT_COST = 10;

/** A pool of bcrypt workers; one fewer than the cores, so the event loop keeps a core of its own. */
export class PasswordHasher {
  #workers: Worker[] = [];
  #idle: Worker[] = [];
  #queue: { job: PasswordJob; resolve: (v: string | boolean) => void; reject: (e: Error) => void }[] = [];
  #pending = new Map<number, { resolve: (v: string | boolean) => void; reject: (e: Error) => void; worker: Worker }>();
  #nextId = 1;
  #dummy: Promise<string> | null = null;
  #inline = false;
  #closed = false;

  // The workers start with the first hash or check, not with the process: each holds a V8 isolate (about 17 MB),
  // which an instance that only serves pages and sockets never needs.
  constructor(readonly pepper: CryptoKey, readonly size = Math.max(1, (navigator.hardwareConcurrency ?? 2) - 1)) {}

  #start(): void {
    if (this.#dummy || this.#closed) return;
    try {
      for (let i = 0; i < this.size; i++) {
        const worker = new Worker(new URL("./password_worker.ts", import.meta.url).href, { type: "module" });
        worker.onmessage = (e: MessageEvent<PasswordResult>) => this.#settle(worker, e.data);
        this.#workers.push(worker);
        this.#idle.push(worker);
      }
    } catch (err) {
      // A platform without Web Workers: hash on the main thread rather than not at all, and say so.
      log.warn("no worker threads; bcrypt runs on the event loop", { error: err });
      this.#inline = true;
    }
    // Unknown emails are checked against this, so they cost what a wrong password costs (the first check of either
    // kind waits for it too, so even the first sign-in after start says nothing about the email).
    this.#dummy = this.hash(crypto.randomUUID());
    this.#dummy.catch(() => {}); // a pool closed before it finished: nobody is waiting for it then
  }

  async #prehash(password: string): Promise<string> {
    const mac = await crypto.subtle.sign("HMAC", this.pepper, new TextEncoder().encode(password));
    return btoa(String.fromCharCode(...new Uint8Array(mac)));
  }

  async #run(job: PasswordTask): Promise<string | boolean> {
    if (this.#closed) throw new Error("password hasher closed");
    this.#start();
    if (this.#inline) {
      const bcrypt = (await import("bcryptjs")).default;
      return job.op === "hash" ? bcrypt.hashSync(job.input, job.cost) : bcrypt.compareSync(job.input, job.hash);
    }
    return await new Promise((resolve, reject) => {
      this.#queue.push({ job: { ...job, id: this.#nextId++ }, resolve, reject });
      this.#pump();
    });
  }

  #pump() {
    while (this.#idle.length && this.#queue.length) {
      const worker = this.#idle.pop()!;
      const { job, resolve, reject } = this.#queue.shift()!;
      this.#pending.set(job.id, { resolve, reject, worker });
      worker.postMessage(job);
    }
  }

  #settle(worker: Worker, result: PasswordResult) {
    const pending = this.#pending.get(result.id);
    this.#pending.delete(result.id);
    this.#idle.push(worker);
    if (pending) {
      if (result.ok) pending.resolve(result.value);
      else pending.reject(new Error(result.error));
    }
    this.#pump();
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
    this.#closed = true;
    for (const w of this.#workers) w.terminate();
    for (const { reject } of this.#pending.values()) reject(new Error("password hasher closed"));
    for (const { reject } of this.#queue) reject(new Error("password hasher closed"));
    this.#workers = [];
    this.#idle = [];
    this.#queue = [];
    this.#pending.clear();
  }
}
