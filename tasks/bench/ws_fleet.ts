// The bench's side of the WebSocket load clients (ws_clients.ts): each runs in its own process, takes commands as
// JSON lines and answers them; a fleet sends every command to all of its clients at once and gathers the answers.
import { fileLimitWrapped, stop, track } from "./processes.ts";
import type { Command, OpenResult, RunResult, SocketSpec } from "./ws_clients.ts";

const SCRIPT = new URL("./ws_clients.ts", import.meta.url).pathname;
const TAIL_CHARS = 4096;

type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
/** A command without its id: the client process numbers them. */
type Request = Command extends infer C ? C extends { id: number } ? Omit<C, "id"> : never : never;

/** One load client process. */
export class WsClient {
  #next = 1;
  #waiting = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #stderr = "";
  #exited = false;

  private constructor(readonly name: string, readonly child: Deno.ChildProcess) {
    this.#writer = child.stdin.getWriter();
    this.#read().catch(() => {});
    (async () => {
      for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) {
        this.#stderr = (this.#stderr + text).slice(-TAIL_CHARS);
      }
    })().catch(() => {});
    child.status.then((status) => {
      this.#exited = true;
      const err = new Error(`${name} exited with code ${status.code}:\n${this.#stderr.trim()}`);
      for (const { reject } of this.#waiting.values()) reject(err);
      this.#waiting.clear();
    });
  }

  /** Starts a client process, with the open-files limit raised as far as the system allows (sockets are files). */
  static start(name: string, cwd: string, env: Record<string, string>): WsClient {
    const [command, ...args] = fileLimitWrapped([Deno.execPath(), "run", "-A", SCRIPT]);
    const child = track(
      new Deno.Command(command, { args, cwd, env, clearEnv: true, stdin: "piped", stdout: "piped", stderr: "piped" })
        .spawn(),
    );
    return new WsClient(name, child);
  }

  get pid(): number {
    return this.child.pid;
  }

  async #read(): Promise<void> {
    let buffered = "";
    for await (const chunk of this.child.stdout.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const answer = JSON.parse(buffered.slice(0, newline)) as Answer;
        buffered = buffered.slice(newline + 1);
        const waiting = this.#waiting.get(answer.id);
        this.#waiting.delete(answer.id);
        if (answer.ok) waiting?.resolve(answer.value);
        else waiting?.reject(new Error(`${this.name}: ${answer.error}`));
      }
    }
  }

  call<T>(request: Request): Promise<T> {
    if (this.#exited) return Promise.reject(new Error(`${this.name} has exited:\n${this.#stderr.trim()}`));
    const id = this.#next++;
    const answer = new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    this.#writer.write(new TextEncoder().encode(JSON.stringify({ ...request, id }) + "\n")).catch(() => {});
    return answer;
  }

  /** Closes its sockets (politely, 1000), then ends the process. */
  async close(): Promise<void> {
    if (!this.#exited) {
      await Promise.race([this.call({ type: "close" }), new Promise((r) => setTimeout(r, 6_000))]).catch(() => {});
      await this.#writer.close().catch(() => {});
    }
    await stop(this.child, 3_000);
  }
}

/** Load client processes that act together. */
export class WsFleet {
  private constructor(readonly clients: WsClient[]) {}

  static start(count: number, cwd: string, env: Record<string, string>): WsFleet {
    return new WsFleet(Array.from({ length: count }, (_, i) => WsClient.start(`load client ${i + 1}`, cwd, env)));
  }

  get pids(): number[] {
    return this.clients.map((c) => c.pid);
  }

  /** Opens `sockets[i]` in client i, all clients at once. */
  async open(sockets: SocketSpec[][], concurrency: number, timeoutMs = 30_000): Promise<OpenResult> {
    const results = await Promise.all(
      this.clients.map((c, i) =>
        c.call<OpenResult>({ type: "open", sockets: sockets[i] ?? [], concurrency, timeoutMs })
      ),
    );
    return {
      opened: results.reduce((n, r) => n + r.opened, 0),
      failed: results.reduce((n, r) => n + r.failed, 0),
      errors: results.flatMap((r) => r.errors).slice(0, 5),
      ms: Math.max(...results.map((r) => r.ms)),
    };
  }

  /** Sends `rate` messages a second in all (split evenly) for `durationMs`, then waits up to `drainMs` for the rest. */
  run(rate: number, durationMs: number, drainMs: number, tag: string, ids = false): Promise<RunResult[]> {
    const share = rate / this.clients.length;
    return Promise.all(
      this.clients.map((c, i) =>
        c.call<RunResult>({ type: "run", rate: share, durationMs, drainMs, tag: `${tag}-${i}`, ids })
      ),
    );
  }

  /** Waits until no client has had a frame for `idleMs` (at most `timeoutMs`); false if frames kept coming. */
  async quiet(idleMs: number, timeoutMs: number): Promise<boolean> {
    const answers = await Promise.all(
      this.clients.map((c) => c.call<{ quiet: boolean }>({ type: "quiet", idleMs, timeoutMs })),
    );
    return answers.every((a) => a.quiet);
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }
}
