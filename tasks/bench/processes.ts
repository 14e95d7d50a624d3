// Child processes for the bench: servers it starts and waits for, and a registry so every child is stopped at the
// end, on an error, or on Ctrl-C.

const running = new Set<Deno.ChildProcess>();

/** Spawns a command and tracks it until it exits, so stopAll() can end it. */
export function track(child: Deno.ChildProcess): Deno.ChildProcess {
  running.add(child);
  child.status.finally(() => running.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export async function stop(child: Deno.ChildProcess, graceMs = 5000): Promise<void> {
  const signal = (sig: Deno.Signal) => {
    try {
      child.kill(sig);
    } catch {
      // Already exited.
    }
  };
  signal("SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const exited = await Promise.race([
    child.status.then(() => true),
    new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), graceMs)),
  ]);
  clearTimeout(timer);
  if (!exited) {
    signal("SIGKILL");
    await child.status;
  }
}

/** Stops every child still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stop(child)));
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

export interface Server {
  name: string;
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:40123 */
  origin: string;
  child: Deno.ChildProcess;
  /** The last few KB the server wrote to stderr, for error messages. */
  stderrTail(): string;
}

export interface ServerOptions {
  name: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  port: number;
  /** Path polled until it answers 2xx. */
  readyPath: string;
  readyTimeoutMs?: number;
  /** Keep the server's stdout (its JSON request log) in this file instead of discarding it. */
  stdoutFile?: string;
  /** Called with the text the server writes to stdout and stderr, as it comes (instead of a stdoutFile). */
  onOutput?: (text: string) => void;
}

const TAIL_CHARS = 8192;

/**
 * Starts a server with a clean environment (exactly `env`), its stdout discarded or kept in `stdoutFile` (the server still pays for writing
 * it) and its stderr kept for diagnostics, then polls `readyPath` until it answers or the time runs out.
 */
export async function startServer(options: ServerOptions): Promise<Server> {
  const child = track(
    new Deno.Command(options.args[0], {
      args: options.args.slice(1),
      cwd: options.cwd,
      env: options.env,
      clearEnv: true,
      stdin: "null",
      stdout: options.stdoutFile || options.onOutput ? "piped" : "null",
      stderr: "piped",
    }).spawn(),
  );
  if (options.stdoutFile) {
    const file = await Deno.open(options.stdoutFile, { write: true, create: true, truncate: true });
    child.stdout.pipeTo(file.writable).catch(() => {});
  } else if (options.onOutput) {
    (async () => {
      for await (const text of child.stdout.pipeThrough(new TextDecoderStream())) options.onOutput!(text);
    })().catch(() => {});
  }
  let tail = "";
  (async () => {
    for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) {
      tail = (tail + text).slice(-TAIL_CHARS);
      options.onOutput?.(text);
    }
  })().catch(() => {});
  let exited: Deno.CommandStatus | undefined;
  child.status.then((status) => exited = status);

  const server: Server = {
    name: options.name,
    origin: `http://127.0.0.1:${options.port}`,
    child,
    stderrTail: () => tail.trim(),
  };
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`${options.name} exited with code ${exited.code} before it was ready:\n${server.stderrTail()}`);
    }
    try {
      const res = await fetch(server.origin + options.readyPath, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.ok) return server;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop(child);
  throw new Error(
    `${options.name} did not answer GET ${options.readyPath} within ${timeoutMs / 1000} s:\n${server.stderrTail()}`,
  );
}

/**
 * The command run through `sh` with its soft open-files limit raised to the hard one first (each socket is a file:
 * 10,000 of them need more than the usual soft limit of 1,024). The pid stays the command's: `sh` execs it.
 */
export function fileLimitWrapped(args: string[]): string[] {
  return ["sh", "-c", 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', "sh", ...args];
}

const temporary = new Set<string>();

/** A new temporary folder, removed by removeTemporary() at the end of the run, even an interrupted one. */
export async function temporaryDir(prefix: string): Promise<string> {
  const path = await Deno.makeTempDir({ prefix });
  temporary.add(path);
  return path;
}

/** Removes a temporary folder now (or every one left, with no argument). */
export async function removeTemporary(path?: string): Promise<void> {
  // Forgotten only once gone: an interrupt that races a section's own cleanup still waits for (and redoes) it.
  for (const p of path ? [path] : [...temporary]) {
    await Deno.remove(p, { recursive: true }).catch(() => {});
    temporary.delete(p);
  }
}

/**
 * The command that serves the app, as `deno task start` runs it (its runtime flags included), so the bench measures
 * what operators run. Read from deno.json at `root`, with this Deno in place of `deno`.
 */
export function appCommand(root: string): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${root}/deno.json`));
  const words = String(config.tasks?.start ?? "").trim().split(/\s+/);
  if (words[0] !== "deno" || words.at(-1) !== "main.ts") {
    throw new Error(`deno.json's start task must be "deno run … main.ts", got "${config.tasks?.start}"`);
  }
  return [Deno.execPath(), ...words.slice(1)];
}
