// What listJobs' text filters mean, one definition for both adapters (the Deno KV one evaluates it, the MySQL one asks
// its FULLTEXT index the same question):
// - `q`: every word of the query is a whole word, or the beginning of one, of the title, the description or the
//   location (the words may come from different fields). A word is a run of letters, marks and digits, lowercased in
//   NFC (services/store/words.ts's definition); a job's words are those three to 84 characters long (InnoDB's default
//   full-text token sizes, so MySQL indexes exactly those), while a query word may be shorter ("c" finds "C++" only as
//   the start of a longer word, e.g. "Clojure"). A query without any word ("!!!") filters nothing.
// - `location`: a case-insensitive substring of the location, taken literally (no wildcards).
import type { Job } from "./model.ts";
import { allWords, indexWords } from "./words.ts";

/** The distinct words of a `q`, lowercased, in order; empty when it has none. */
export function jobQueryWords(q: string): string[] {
  return allWords(q);
}

/** The distinct words of a job that `q` is matched against (the index's words: three to 84 characters). */
function jobWords(job: Pick<Job, "title" | "description" | "location">): Set<string> {
  return new Set(indexWords(`${job.title}\n${job.description}\n${job.location}`, Infinity));
}

/** Whether every one of `queryWords` (from jobQueryWords) is a word of the job or the beginning of one. */
export function matchesJobQuery(job: Pick<Job, "title" | "description" | "location">, queryWords: string[]): boolean {
  if (queryWords.length === 0) return true;
  const words = jobWords(job);
  return queryWords.every((q) => {
    if (words.has(q)) return true;
    for (const word of words) if (word.startsWith(q)) return true;
    return false;
  });
}

/** The `location` filter as compared: lowercased; null when it filters nothing (""). */
export function locationNeedle(location: string | undefined): string | null {
  return location ? location.toLowerCase() : null;
}

/** Whether the job's location holds the needle (from locationNeedle), in any letter case. */
export function matchesLocation(job: Pick<Job, "location">, needle: string): boolean {
  return job.location.toLowerCase().includes(needle);
}
