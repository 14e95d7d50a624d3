// A graceful stop, in the order QUALITY.md promises: readiness fails at once while the server keeps serving for the
// drain window (load balancers take the instance out of rotation before anything is refused); then the server stops
// accepting and the in-flight requests and queue handlers finish within a deadline; sockets close with 1001; the store
// and every pool close last, when nothing uses them any more. Closing the store first stranded the queue handlers'
// claims, and their events waited out a five-minute lease.
import { type App, closeApp } from "./app.ts";

/** How long in-flight requests and queue handlers get together, after the drain window (Kubernetes grants 30 s). */
export const STOP_DEADLINE_MS = 20_000;

export interface StopParts {
  app: App;
  /** The HTTP server: `shutdown` stops accepting connections and resolves when the in-flight requests are answered. */
  server: { shutdown(): Promise<void> };
  /** The queue consumer (workers/runner.ts). */
  workers: {
    stop(withinMs: number): Promise<{ finished: number; abandoned: number }>;
    settle(quietMs: number, withinMs: number): Promise<void>;
  };
  /** Timers that use the store (the dead-letter redrive): stopped before it closes. */
  sweeps: { stop(): Promise<void> }[];
  log: (fields: Record<string, unknown>) => void;
  /** The drain window (PROK_DRAIN_MS). */
  drainMs: number;
  deadlineMs?: number;
}

/** How long the queue listener must be idle before its handle closes, and the longest wait for that. */
const SETTLE_QUIET_MS = 250;
const SETTLE_LIMIT_MS = 3_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the stop in order; resolves once every resource is closed (the caller then exits). */
export async function gracefulStop(parts: StopParts): Promise<void> {
  const { app, log } = parts;
  const deadline = parts.deadlineMs ?? STOP_DEADLINE_MS;
  app.accepting = false; // /readyz answers 503 from now on
  log({ msg: "draining", drainMs: parts.drainMs });
  await sleep(parts.drainMs);

  const started = Date.now();
  // Deno.serve's shutdown ends upgraded sockets at once: the hub says 1001 first, with a reason, so clients reconnect
  // to another instance and resync.
  app.hub.closeAll();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const answered = await Promise.race([
    parts.server.shutdown().then(() => true, (err) => {
      log({ level: "error", msg: "server shutdown failed", error: err instanceof Error ? err.message : String(err) });
      return false;
    }),
    new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), deadline)),
  ]);
  clearTimeout(timer);
  // The queue keeps running until the last requests are answered, so the events they committed are handled here too.
  const queue = await parts.workers.stop(Math.max(0, deadline - (Date.now() - started)));
  await Promise.all(parts.sweeps.map((s) => s.stop()));
  log({ msg: "stopped serving", requestsAnswered: answered, ...queue, ms: Date.now() - started });
  // On Deno KV the handle closes only when the listener is idle: a message taken at the moment it closes would wait
  // about a minute before coming back. On MySQL the stopped listener has recorded its last verdicts by then.
  await closeApp(app, () => parts.workers.settle(SETTLE_QUIET_MS, SETTLE_LIMIT_MS));
}
