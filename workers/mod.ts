import type { App } from "../services/app.ts";
import { logRecord } from "../services/log.ts";
import { onPrimary } from "../services/store/reads.ts";
import { emailWorkers, mailOrigin } from "./email.ts";
import { fanoutWorkers } from "./fanout.ts";
import type { Worker } from "./runner.ts";
import { searchWorkers } from "./search.ts";

/** What the email workers log (a mail refused for good), like the runner's log in main.ts. */
const workerLog = (fields: Record<string, unknown>) => logRecord({ kind: "worker", ...fields });

/**
 * The queue's consumers. Called once, when the workers start: it also starts the search indexer's sweep (records an
 * unavailable search engine could not take yet), which closeApp stops.
 */
export function appWorkers(app: App): Worker[] {
  app.searchIndexer.startSweeping();
  return [
    ...fanoutWorkers(app.store),
    ...emailWorkers({ store: app.store, mail: app.mail, origin: mailOrigin(app.config), log: workerLog }),
    ...searchWorkers(app.searchIndexer),
  ].map(onPrimaryReads);
}

/** A worker acts on what it reloads, so it reads from the primary, never from a replica that may lag. */
function onPrimaryReads(worker: Worker): Worker {
  return { ...worker, run: (event) => onPrimary(() => worker.run(event)) };
}
