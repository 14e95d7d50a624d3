import type { App } from "../services/app.ts";
import { logRecord } from "../services/log.ts";
import { onPrimary } from "../services/store/reads.ts";
import { emailWorkers, mailOrigin } from "./email.ts";
import { fanoutWorkers } from "./fanout.ts";
import type { Worker } from "./runner.ts";
import { searchWorkers } from "./search.ts";
import { mediaWorkers, orphanMediaSweep } from "./media.ts";
import { redriveSweep } from "./dead_letters.ts";
import type { Sweep } from "../services/scheduler.ts";
import { SWEEP_INTERVAL_MS } from "../services/search/indexer.ts";

/** What the email workers log (a mail refused for good), like the runner's log in main.ts. */
const workerLog = (fields: Record<string, unknown>) => logRecord({ kind: "worker", ...fields });

/** The queue's consumers. */
export function appWorkers(app: App): Worker[] {
  return [
    ...fanoutWorkers(app.store),
    ...emailWorkers({ store: app.store, mail: app.mail, origin: mailOrigin(app.config), log: workerLog }),
    ...searchWorkers(app.searchIndexer),
    ...mediaWorkers(app),
  ].map(onPrimaryReads);
}

/** A worker acts on what it reloads, so it reads from the primary, never from a replica that may lag. */
function onPrimaryReads(worker: Worker): Worker {
  return { ...worker, run: (event) => onPrimary(() => worker.run(event)) };
}

/**
 * The periodic sweeps, for the scheduler: the store's own (MySQL's purge of expired rows), the search catch-up (records
 * an unavailable engine could not take yet), the dead-letter redrive and the orphan-media sweep.
 */
export function appSweeps(app: App): Sweep[] {
  const orphans = orphanMediaSweep(app);
  return [
    ...app.store.sweeps,
    { name: "search-catch-up", intervalMs: SWEEP_INTERVAL_MS, run: () => onPrimary(() => app.searchIndexer.sweep()) },
    redriveSweep(app.store.queue, workerLog),
    { ...orphans, run: () => onPrimary(() => orphans.run()) },
  ];
}
