import type { App } from "../services/app.ts";
import { fanoutWorkers } from "./fanout.ts";
import type { Worker } from "./runner.ts";

/** The queue's consumers; the search indexer and the mailer join them in later issues. */
export function appWorkers(app: App): Worker[] {
  return [...fanoutWorkers(app.store)];
}
