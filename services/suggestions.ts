// People you may know: members two steps away ranked by mutual connections, then members in the same place, then
// members with a similar headline, each with the reason shown. The store reads every source at once, each an index
// read of bounded size, so the cost does not grow with the number of members.
import type { User } from "./store/model.ts";
import type { MembersPort } from "./store/ports/members.ts";
import type { ConnectionsPort } from "./store/ports/network.ts";
import type { PageReadsPort } from "./store/ports/pages.ts";
import { headlineWords } from "./store/words.ts";

/** The storage ports this module uses. */
type Store = ConnectionsPort & MembersPort & PageReadsPort;

export interface Suggestion {
  user: User;
  reason: string;
  mutualCount: number;
}

/** How many candidates each source contributes before ranking. */
const SECOND_DEGREE = 100;
const NEARBY = 50;
const SIMILAR = 50;

interface Candidate {
  user: User;
  mutualCount: number;
  sameLocation: boolean;
  sharedWords: string[];
}

const sameText = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
// Made once: toLocaleString builds a new ICU formatter at every call, twenty times a list.
const COUNT = new Intl.NumberFormat("en");

/** `location` is the caller's, as they wrote it: "Also in Berlin" reads right whoever typed "berlin". */
function reasonFor(c: Candidate, location: string): string {
  if (c.mutualCount > 0) {
    return c.mutualCount === 1 ? "1 mutual connection" : `${COUNT.format(c.mutualCount)} mutual connections`;
  }
  if (c.sameLocation) return `Also in ${location}`;
  return `Headline also mentions “${c.sharedWords[0]}”`;
}

export async function suggestConnections(store: Store, caller: User, limit: number): Promise<Suggestion[]> {
  const location = caller.location.trim();
  const found = await store.listSuggestionCandidates(caller.id, {
    secondDegree: SECOND_DEGREE,
    location,
    nearby: NEARBY,
    headline: caller.headline,
    similar: SIMILAR,
  });
  const mutual = new Map(found.secondDegree.map((s) => [s.id, s.mutualCount]));
  const others = new Map([...found.nearby, ...found.similar].map((u) => [u.id, u]));
  const users = [
    ...found.secondDegree.map((s) => s.user),
    ...[...others.values()].filter((u) => !mutual.has(u.id)),
  ];
  const mine = new Set(headlineWords(caller.headline));
  const candidates: Candidate[] = users.map((user) => ({
    user,
    mutualCount: mutual.get(user.id) ?? 0,
    sameLocation: location !== "" && sameText(user.location, location),
    sharedWords: headlineWords(user.headline).filter((w) => mine.has(w)),
  })).filter((c) => c.mutualCount > 0 || c.sameLocation || c.sharedWords.length > 0);
  candidates.sort((a, b) =>
    b.mutualCount - a.mutualCount || Number(b.sameLocation) - Number(a.sameLocation) ||
    b.sharedWords.length - a.sharedWords.length || b.user.createdAt.getTime() - a.user.createdAt.getTime() ||
    (a.user.id < b.user.id ? -1 : 1)
  );
  return candidates.slice(0, limit).map((c) => ({
    user: c.user,
    reason: reasonFor(c, location),
    mutualCount: c.mutualCount,
  }));
}
