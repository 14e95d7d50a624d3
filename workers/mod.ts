import type { App } from "../services/app.ts";
import type { Worker } from "./runner.ts";

/**
 * The queue's consumers. Member events are committed from the first write on; the search indexer, the feed fan-out
 * and the mailer register here as they arrive. Until then the runner acknowledges the events, so the queue does not
 * grow without bound.
 */
export function appWorkers(_app: App): Worker[] {
  return [];
}
