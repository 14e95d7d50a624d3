// Site search: people, posts and jobs, ranked by the active search engine (services/search), then read back from
// the store so every hit is current and visible (a hit whose record is gone is skipped). Jobs are public; people
// and posts are for members.
import { AuthenticationError, ValidationError } from "./errors.ts";
import { getPostsView, type PostView } from "./posts.ts";
import { getJobsView, type JobView } from "./jobs.ts";
import type { SearchEngine } from "./search/types.ts";
import { decodeCursor, encodeCursor } from "./store/cursor.ts";
import type { SearchType, User } from "./store/model.ts";
import type { JobsPort } from "./store/ports/jobs.ts";
import type { MembersPort } from "./store/ports/members.ts";
import type { PostsPort } from "./store/ports/posts.ts";
import type { MediaPort } from "./store/ports/media.ts";

/** The storage ports this module uses. */
type Store = MembersPort & PostsPort & JobsPort & MediaPort;

export interface SearchDeps {
  store: Store;
  search: SearchEngine;
  cursorKey: Uint8Array;
}

export type SearchResult =
  | { type: "people"; user: User }
  | { type: "posts"; post: PostView }
  | { type: "jobs"; job: JobView };

/** Relevance order has no stable key to page by, so pages go by offset; this far is as deep as anyone reads. */
const MAX_OFFSET = 1000;

const isOffset = (v: unknown): v is { offset: number } =>
  typeof v === "object" && v !== null && Number.isSafeInteger((v as { offset: number }).offset) &&
  (v as { offset: number }).offset >= 0 && (v as { offset: number }).offset <= MAX_OFFSET;

async function load(store: Store, type: SearchType, ids: string[]): Promise<SearchResult[]> {
  if (type === "people") return (await store.getUsers(ids)).map((user) => ({ type, user }));
  if (type === "posts") return (await getPostsView(store, ids)).map((post) => ({ type, post }));
  return (await getJobsView(store, ids)).map((job) => ({ type, job }));
}

export async function searchSite(
  deps: SearchDeps,
  caller: User | null,
  query: { q: string; type: SearchType; limit: number; cursor?: string },
): Promise<{ items: SearchResult[]; nextCursor: string | null }> {
  if (query.type !== "jobs" && !caller) throw new AuthenticationError("Sign in to search people and posts.");
  const q = query.q.trim();
  if (!q) throw new ValidationError("Type something to search for.", [{ path: "q", message: "must not be blank" }]);
  // Bound to the query, so a cursor cannot be replayed on another search.
  const kind = `search:${query.type}:${q.toLowerCase()}`;
  const { offset } = query.cursor ? decodeCursor(deps.cursorKey, kind, query.cursor, isOffset) : { offset: 0 };
  // One more than asked tells whether there is a next page.
  const { ids } = await deps.search.search(query.type, q, { limit: query.limit + 1, offset });
  const more = ids.length > query.limit && offset + query.limit < MAX_OFFSET;
  const items = await load(deps.store, query.type, ids.slice(0, query.limit));
  return {
    items,
    nextCursor: more ? encodeCursor(deps.cursorKey, kind, { offset: offset + query.limit }) : null,
  };
}
