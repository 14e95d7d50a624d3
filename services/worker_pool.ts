// A pool of Web Workers for CPU-bound jobs (bcrypt, the image pipeline), so a burst of them never stalls the event
// loop that serves every other request. A worker module answers with serveJobs(handler). Where there are no Web
// Workers (Deno Deploy), the same handler runs on the event loop instead, and the pool says so once.
import { UnsupportedMediaError, ValidationError } from "./errors.ts";
import { log } from "./log.ts";

type Answer<R> = { id: number; ok: true; value: R } | { id: number; ok: false; name: string; message: string };

// Domain errors a job may throw (a refused upload), rebuilt on this side so they map to their status.
const REVIVED: Record<string, new (message: string) => Error> = {
  ValidationError,
  UnsupportedMediaError,
};

function revive(name: string, message: string): Error {
  const Kind = REVIVED[name];
  return Kind ? new Kind(message) : new Error(message);
}

/** In a worker module: runs each job the pool sends through `handle` and answers with its value or its error. */
export function serveJobs<T, R>(handle: (job: T) => R | Promise<R>): void {
  self.onmessage = async (e: MessageEvent<{ id: number; job: T }>) => {
    const { id, job } = e.data;
    try {
      self.postMessage({ id, ok: true, value: await handle(job) } satisfies Answer<R>);
    } catch (err) {
      const { name, message } = err instanceof Error ? err : new Error(String(err));
      self.postMessage({ id, ok: false, name, message } satisfies Answer<R>);
    }
  };
}

interface Waiting<T, R> {
  id: number;
  job: T;
  transfer: Transferable[];
  resolve: (value: R) => void;
  reject: (err: Error) => void;
}

export interface PoolOptions<T, R> {
  /** For logs and errors: "passwords", "images". */
  name: string;
  /** The worker module (it calls serveJobs). */
  module: URL;
  size: number;
  /** The same work, loaded only when the platform has no Web Workers. */
  inline: () => Promise<(job: T) => R | Promise<R>>;
}

export class WorkerPool<T, R> {
  #workers: Worker[] = [];
  #idle: Worker[] = [];
  #queue: Waiting<T, R>[] = [];
  #pending = new Map<number, Waiting<T, R> & { worker: Worker }>();
  #nextId = 1;
  #started = false;
  #inline: Promise<(job: T) => R | Promise<R>> | null = null;
  #closed = false;

  // Workers start with the first job, not with the process: each holds a V8 isolate (about 17 MB).
  constructor(readonly options: PoolOptions<T, R>) {}

  /** Runs the job; `transfer` hands buffers to the worker instead of copying them. */
  run(job: T, transfer: Transferable[] = []): Promise<R> {
    if (this.#closed) return Promise.reject(new Error(`${this.options.name} pool closed`));
    this.#start();
    if (this.#inline) return this.#inline.then((handle) => handle(job));
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, job, transfer, resolve, reject });
      this.#pump();
    });
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    try {
      for (let i = 0; i < this.options.size; i++) {
        const worker = new Worker(this.options.module.href, { type: "module" });
        worker.onmessage = (e: MessageEvent<Answer<R>>) => this.#settle(worker, e.data);
        this.#workers.push(worker);
        this.#idle.push(worker);
      }
    } catch (err) {
      for (const worker of this.#workers) worker.terminate();
      this.#workers = [];
      this.#idle = [];
      log.warn(`no worker threads; ${this.options.name} run on the event loop`, { error: err });
      this.#inline = this.options.inline();
    }
  }

  #pump(): void {
    while (this.#idle.length && this.#queue.length) {
      const worker = this.#idle.pop()!;
      const waiting = this.#queue.shift()!;
      this.#pending.set(waiting.id, { ...waiting, worker });
      worker.postMessage({ id: waiting.id, job: waiting.job }, waiting.transfer);
    }
  }

  #settle(worker: Worker, answer: Answer<R>): void {
    const pending = this.#pending.get(answer.id);
    this.#pending.delete(answer.id);
    this.#idle.push(worker);
    if (pending) {
      if (answer.ok) pending.resolve(answer.value);
      else pending.reject(revive(answer.name, answer.message));
    }
    this.#pump();
  }

  /** Stops every worker; jobs not answered yet are rejected. */
  close(): void {
    this.#closed = true;
    for (const worker of this.#workers) worker.terminate();
    const closed = new Error(`${this.options.name} pool closed`);
    for (const { reject } of [...this.#pending.values(), ...this.#queue]) reject(closed);
    this.#workers = [];
    this.#idle = [];
    this.#queue = [];
    this.#pending.clear();
  }
}
