// Periodic sweeps (the search catch-up, the dead-letter redrive, MySQL's purge of expired rows) run through one
// scheduler. On Deno Deploy an isolate sleeps when no request comes, so a timer there may never fire: Deploy's cron
// (Deno.cron) runs each sweep once per deployment on its schedule instead. Everywhere else each process keeps its own
// timers; every sweep is safe to run from several instances at once.
import { log } from "./log.ts";

/** One periodic task: `name` is stable (Deno.cron keys its schedule by it). */
export interface Sweep {
  name: string;
  intervalMs: number;
  run(): Promise<unknown>;
}

export interface Scheduler {
  readonly kind: "deno-cron" | "timers";
  /** Runs the sweep every `intervalMs` (on cron: the nearest whole minutes, at least one) until stop(). */
  add(sweep: Sweep): void;
  /** No sweep starts after this; resolves when the ones under way have finished. */
  stop(): Promise<void>;
}

/** A run at a time per sweep: a sweep slower than its interval is skipped, not stacked. */
abstract class Runs {
  #running = new Map<string, Promise<void>>();
  protected stopped = false;

  protected fire(sweep: Sweep): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const under = this.#running.get(sweep.name);
    if (under) return under;
    const run = sweep.run().then(
      () => {},
      (err) => log.error("sweep failed", { kind: "sweep", sweep: sweep.name, error: err }),
    )
      .finally(() => this.#running.delete(sweep.name));
    this.#running.set(sweep.name, run);
    return run;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halt();
    await Promise.all(this.#running.values());
  }

  protected abstract halt(): void;
}

/** setInterval per sweep; the timers never keep a process alive on their own. */
export class TimerScheduler extends Runs implements Scheduler {
  readonly kind = "timers";
  #timers: ReturnType<typeof setInterval>[] = [];

  add(sweep: Sweep): void {
    if (this.stopped) return;
    const timer = setInterval(() => this.fire(sweep), sweep.intervalMs);
    Deno.unrefTimer(timer);
    this.#timers.push(timer);
  }

  protected halt(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
  }
}

/** A cron expression for "every `intervalMs`", rounded to whole minutes (cron's unit) or to whole hours past one. */
export function cronSchedule(intervalMs: number): string {
  const minutes = Math.max(1, Math.round(intervalMs / 60_000));
  if (minutes < 60) return minutes === 1 ? "* * * * *" : `*/${minutes} * * * *`;
  const hours = Math.min(24, Math.round(minutes / 60));
  return hours >= 24 ? "0 0 * * *" : hours === 1 ? "0 * * * *" : `0 */${hours} * * *`;
}

type Cron = (name: string, schedule: string, options: { signal: AbortSignal }, handler: () => Promise<void>) => unknown;

/** Deno.cron: on Deploy, registered while the module starts, which is when main.ts adds the sweeps. */
export class CronScheduler extends Runs implements Scheduler {
  readonly kind = "deno-cron";
  #abort = new AbortController();

  constructor(private readonly cron: Cron) {
    super();
  }

  add(sweep: Sweep): void {
    if (this.stopped) return;
    this.cron(
      `prok-${sweep.name}`,
      cronSchedule(sweep.intervalMs),
      { signal: this.#abort.signal },
      () => this.fire(sweep),
    );
  }

  protected halt(): void {
    this.#abort.abort();
  }
}

/** Deno.cron on Deno Deploy (where it exists), timers elsewhere. */
export function openScheduler(onDeploy: boolean): Scheduler {
  const cron = (Deno as unknown as { cron?: Cron }).cron;
  return onDeploy && typeof cron === "function" ? new CronScheduler(cron.bind(Deno)) : new TimerScheduler();
}
