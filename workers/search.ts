// Keeps the search index in line with members, posts and jobs: each event names a record, which the indexer reloads
// and indexes in the active engine, or removes from it when the record is gone (services/search/indexer.ts). Running
// an event again indexes the record as it is then, so redeliveries are harmless; an engine that is down defers the
// record to the indexer's sweep instead of failing the event.
import type { SearchIndexer } from "../services/search/indexer.ts";
import type { DomainEvent, SearchType } from "../services/store/model.ts";
import type { Worker } from "./runner.ts";

const INDEXED: Record<string, SearchType> = {
  "user.created": "people",
  "user.updated": "people",
  "user.deleted": "people",
  "post.created": "posts",
  "post.updated": "posts",
  "post.deleted": "posts",
  "job.created": "jobs",
  "job.updated": "jobs",
  "job.deleted": "jobs",
};

export function searchWorkers(indexer: SearchIndexer): Worker[] {
  return [
    {
      name: "search:index",
      handles: Object.keys(INDEXED) as DomainEvent["type"][],
      async run(event) {
        await indexer.sync(INDEXED[event.type], event.id);
      },
    },
  ];
}
