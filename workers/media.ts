// The ends of uploads: a deleted member's media (records and blobs), and the hourly sweep of uploads never attached.
import type { BlobStore } from "../services/blobs/types.ts";
import { purgeMemberMedia, sweepOrphanMedia } from "../services/media/media.ts";
import type { Sweep } from "../services/scheduler.ts";
import type { Store } from "../services/store/store.ts";
import type { Worker } from "./runner.ts";

const HOUR = 60 * 60 * 1000;

export function mediaWorkers(deps: { store: Store; blobs: BlobStore }): Worker[] {
  return [{
    name: "media:member-deleted",
    handles: ["user.deleted"],
    async run(event) {
      // Bounded batches, like the member's other content; a redelivery starts over where a crash stopped.
      while (!await purgeMemberMedia(deps, event.id)) { /* next batch */ }
    },
  }];
}

export function orphanMediaSweep(deps: { store: Store; blobs: BlobStore }): Sweep {
  return { name: "media-orphans", intervalMs: HOUR, run: async () => void await sweepOrphanMedia(deps) };
}
