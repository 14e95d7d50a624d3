// Index words, one definition for the Deno KV indexes, the MySQL queries, the built-in search engine and the reasons
// suggestions show. Every adapter matches whole words: a run of letters, marks and digits, three to 84 characters long
// (InnoDB's default full-text token sizes, so MySQL indexes the same words).
const MIN_WORD_LENGTH = 3;
const MAX_WORD_LENGTH = 84;
/** Words kept of one text: a 255-character headline has at most 64, and each costs the KV adapter one index key. */
export const MAX_HEADLINE_WORDS = 32;
/** Words a search query keeps (its first ones, and its last): each costs the index one bounded read. */
export const MAX_QUERY_WORDS = 8;
/** The last word of a query matches as a prefix from this many characters ("ja" finds "Java" as you type). */
const MIN_PREFIX_LENGTH = 2;

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** The runs of letters, marks and digits of `text`, lowercased (NFC, so a decomposed accent is the same word). */
function tokens(text: string): IterableIterator<RegExpMatchArray> {
  return text.normalize("NFC").toLowerCase().matchAll(WORD);
}

/** Every run of letters, marks and digits of `text`, lowercased, however short or long, distinct, in order. */
export function allWords(text: string): string[] {
  return [...new Set([...tokens(text)].map(([word]) => word))];
}

/** Code points, so "李小龍" is three long. */
function length(word: string): number {
  return [...word].length;
}

/** The distinct words of `text`, lowercased, in order of first appearance, at most `max`. */
export function indexWords(text: string, max: number): string[] {
  const words = new Set<string>();
  if (max < 1) return [];
  for (const [word] of tokens(text)) {
    const n = length(word);
    if (n < MIN_WORD_LENGTH || n > MAX_WORD_LENGTH) continue;
    words.add(word);
    if (words.size === max) break;
  }
  return [...words];
}

/** The distinct words of a headline, at most MAX_HEADLINE_WORDS. */
export function headlineWords(text: string): string[] {
  return indexWords(text, MAX_HEADLINE_WORDS);
}

/**
 * The words of a search query, as the index compares them: its distinct index words, the last one last, since a search
 * matches the last word as a prefix too. That last word may be as short as MIN_PREFIX_LENGTH (it is being typed); at
 * most MAX_QUERY_WORDS (the first ones and the last). Empty when the query has no word to look for.
 */
export function queryWords(q: string): string[] {
  const all = [...tokens(q)].map(([word]) => word);
  const lastToken = all.at(-1);
  const last = lastToken !== undefined && length(lastToken) >= MIN_PREFIX_LENGTH && length(lastToken) <= MAX_WORD_LENGTH
    ? lastToken
    : undefined;
  const words = indexWords(all.slice(0, last === undefined ? all.length : -1).join(" "), Infinity)
    .filter((w) => w !== last);
  if (last === undefined) return words.slice(0, MAX_QUERY_WORDS);
  return [...words.slice(0, MAX_QUERY_WORDS - 1), last];
}
