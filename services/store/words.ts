// Headline words, one definition for the Deno KV index, the MySQL query and the reasons suggestions show. Both
// adapters match whole words: a run of letters, marks and digits, three to 84 characters long (InnoDB's default
// full-text token sizes, so MySQL indexes the same words).
const MIN_WORD_LENGTH = 3;
const MAX_WORD_LENGTH = 84;
/** Words kept of one text: a 255-character headline has at most 64, and each costs the KV adapter one index key. */
export const MAX_HEADLINE_WORDS = 32;

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** The distinct words of `text`, lowercased, in order of first appearance, at most MAX_HEADLINE_WORDS. */
export function headlineWords(text: string): string[] {
  const words = new Set<string>();
  for (const [word] of text.normalize("NFC").toLowerCase().matchAll(WORD)) {
    const length = [...word].length; // code points, so "李小龍" is three long
    if (length < MIN_WORD_LENGTH || length > MAX_WORD_LENGTH) continue;
    words.add(word);
    if (words.size === MAX_HEADLINE_WORDS) break;
  }
  return [...words];
}
