// The built-in search index on Deno KV: an inverted index of postings, kept in the primary store so every instance
// reads the same one. Its keys (kept here, beside the only code that touches them):
//
//   ["search", type, word, weight, createdAtMs, docId] → true; one posting per word of a document. Read backwards, a
//                                                        word's postings come heaviest first, then newest.
//   ["search_docs", type, docId] → StoredSearchDoc; the postings the document has, so indexing it again removes the
//                                  stale ones and removing it finds them all.
//
// A document's postings and its entry change in one atomic commit, guarded by the entry's versionstamp, so racing
// writers never leave a posting behind: the loser re-reads and runs again. To fit in one commit, a document keeps at
// most DOC_POSTINGS words (and DOC_KEY_BYTES of their keys), its heaviest first. Several small documents share a
// commit within KV's limits (100 checks, 1,000 mutations, 80 KiB of keys, 800 KiB in all).
//
// A search reads at most WORD_POSTINGS postings per query word (heaviest, then newest), as many again for the longer
// words the last one begins, and at most WORD_POSTINGS document entries; so its cost is bounded by the number of query
// words, never by the size of the index. The price: when every required word of a query is in more than
// WORD_POSTINGS documents, only the heaviest and newest of them are candidates (exact otherwise). What matches and
// how it ranks is searchIndex's comment, and the same on MySQL (mysql/search.ts).
import { searchPage } from "../search_page.ts";
import type { SearchDocument, SearchHit, SearchType } from "../model.ts";
import { keyBytes } from "./keys.ts";
import { type Ctx, getEntries, lostRaces, MAX_TRIES } from "./shared.ts";

/** Postings one document keeps at most: its old and new postings both fit in one commit of 1,000 mutations. */
export const DOC_POSTINGS = 480;
/** Bytes of posting keys one document keeps at most: old and new both fit in the 80 KiB of keys of one commit. */
const DOC_KEY_BYTES = 34 * 1024;
/** Postings a search reads per query word (and again for the longer words the last one begins). */
export const WORD_POSTINGS = 1_000;
/** Longer words cannot be in the index (services/store/words.ts). */
const MAX_WORD_LENGTH = 84;
/** The greatest code point: a prefix range ends after every word that begins with the prefix. */
const LAST_CHAR = "\u{10FFFF}";

const COMMIT_LIMITS = { checks: 100, mutations: 1_000, keyBytes: 72 * 1024, bytes: 640 * 1024 };

/** What the index holds of a document: its words with their weights, and its time. */
interface StoredSearchDoc {
  createdAtMs: number;
  words: [word: string, weight: number][];
}

const docKey = (type: SearchType, id: string): Deno.KvKey => ["search_docs", type, id];
const postingKey = (type: SearchType, word: string, weight: number, ms: number, id: string): Deno.KvKey => [
  "search",
  type,
  word,
  weight,
  ms,
  id,
];

function postingKeys(type: SearchType, id: string, doc: StoredSearchDoc | null): Deno.KvKey[] {
  return doc?.words.map(([word, weight]) => postingKey(type, word, weight, doc.createdAtMs, id)) ?? [];
}

/** The document as stored: distinct words (the first weight of a repeated one), its heaviest first, within bounds. */
function toStored(doc: SearchDocument): StoredSearchDoc {
  const ms = doc.createdAt.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`indexDocuments: ${doc.type} ${doc.id} has an invalid createdAt`);
  const seen = new Set<string>();
  const candidates = doc.words
    .filter(({ word, weight }) => {
      if (!word || [...word].length > MAX_WORD_LENGTH || seen.has(word)) return false;
      if (!Number.isFinite(weight) || weight <= 0) return false;
      seen.add(word);
      return true;
    })
    .map((w, order) => ({ ...w, order }))
    .sort((a, b) => b.weight - a.weight || a.order - b.order); // stable: the caller's order among equal weights
  const words: [string, number][] = [];
  let bytes = 0;
  for (const { word, weight } of candidates) {
    const size = keyBytes(postingKey(doc.type, word, weight, ms, doc.id));
    if (words.length === DOC_POSTINGS || bytes + size > DOC_KEY_BYTES) break;
    words.push([word, weight]);
    bytes += size;
  }
  return { createdAtMs: ms, words };
}

/** What one document's change adds to a commit. */
interface Change {
  entry: Deno.KvEntryMaybe<StoredSearchDoc>;
  sets: Deno.KvKey[];
  deletes: Deno.KvKey[];
  doc: StoredSearchDoc | null;
  checks: number;
  mutations: number;
  keyBytes: number;
  bytes: number;
}

/** Replaces a document's postings with those of `doc` (null: removes them all, and its entry). */
function change(entry: Deno.KvEntryMaybe<StoredSearchDoc>, type: SearchType, id: string, doc: StoredSearchDoc | null) {
  const next = postingKeys(type, id, doc);
  const wanted = new Set(next.map((k) => JSON.stringify(k)));
  // Every wanted posting is set again (cheap, and it repairs one an interrupted clearIndex took away); only the
  // stale ones are deleted.
  const deletes = postingKeys(type, id, entry.value).filter((k) => !wanted.has(JSON.stringify(k)));
  const sets = next;
  let bytes = 2 * keyBytes(entry.key); // checked, and set or deleted
  for (const key of [...sets, ...deletes]) bytes += keyBytes(key);
  const valueBytes = 64 + 9 * (doc?.words.length ?? 0) + (doc?.words.reduce((n, [w]) => n + 2 * w.length, 0) ?? 0);
  return {
    entry,
    sets,
    deletes,
    doc,
    checks: 1,
    mutations: sets.length + deletes.length + 1,
    keyBytes: bytes,
    bytes: bytes + sets.length * 8 + valueBytes,
  } satisfies Change;
}

/**
 * Applies changes to documents, as many per commit as KV's limits allow; a commit whose check fails (another writer
 * changed one of its documents) is read again and retried.
 */
async function applyChanges(
  ctx: Ctx,
  type: SearchType,
  ids: string[],
  build: (entry: Deno.KvEntryMaybe<StoredSearchDoc>, index: number) => Change,
): Promise<void> {
  let pending = ids.map((id, index) => ({ id, index }));
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === MAX_TRIES) throw lostRaces("search index");
    const entries = await getEntries<StoredSearchDoc>(ctx, pending.map(({ id }) => docKey(type, id)));
    const failed: typeof pending = [];
    let group: { item: (typeof pending)[number]; change: Change }[] = [];
    const used = { checks: 0, mutations: 0, keyBytes: 0, bytes: 0 };
    const flush = async () => {
      if (group.length === 0) return;
      const op = ctx.kv.atomic();
      for (const { change: c } of group) {
        op.check(c.entry);
        for (const key of c.deletes) op.delete(key);
        for (const key of c.sets) op.set(key, true);
        if (c.doc) op.set(c.entry.key, c.doc);
        else op.delete(c.entry.key);
      }
      if (!(await op.commit()).ok) failed.push(...group.map(({ item }) => item));
      group = [];
      Object.assign(used, { checks: 0, mutations: 0, keyBytes: 0, bytes: 0 });
    };
    for (let i = 0; i < pending.length; i++) {
      const c = build(entries[i], pending[i].index);
      if (c.mutations === 1 && c.doc === null && entries[i].versionstamp === null) continue; // nothing to remove
      const fits = used.checks + c.checks <= COMMIT_LIMITS.checks &&
        used.mutations + c.mutations <= COMMIT_LIMITS.mutations &&
        used.keyBytes + c.keyBytes <= COMMIT_LIMITS.keyBytes && used.bytes + c.bytes <= COMMIT_LIMITS.bytes;
      if (!fits) await flush();
      group.push({ item: pending[i], change: c });
      used.checks += c.checks;
      used.mutations += c.mutations;
      used.keyBytes += c.keyBytes;
      used.bytes += c.bytes;
    }
    await flush();
    pending = failed;
  }
}

/** Writes documents, each replacing what was indexed for it; idempotent. */
export async function indexDocuments(ctx: Ctx, docs: SearchDocument[]): Promise<void> {
  // The last of several writes of one document wins, as it would one after the other.
  const latest = new Map<string, SearchDocument>();
  for (const doc of docs) latest.set(`${doc.type}\u0000${doc.id}`, doc);
  const byType = new Map<SearchType, SearchDocument[]>();
  for (const doc of latest.values()) {
    const list = byType.get(doc.type);
    if (list) list.push(doc);
    else byType.set(doc.type, [doc]);
  }
  for (const [type, list] of byType) {
    const stored = list.map(toStored);
    await applyChanges(ctx, type, list.map((d) => d.id), (entry, i) => change(entry, type, list[i].id, stored[i]));
  }
}

export async function removeDocuments(ctx: Ctx, type: SearchType, ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  await applyChanges(ctx, type, unique, (entry, i) => change(entry, type, unique[i], null));
}

/** Deletes a type's postings, then its document entries (so a write racing the clear leaves an entry to clean up). */
export async function clearIndex(ctx: Ctx, type: SearchType): Promise<void> {
  for (const prefix of [["search", type], ["search_docs", type]]) {
    for (;;) {
      const op = ctx.kv.atomic();
      let mutations = 0;
      let bytes = 0;
      for await (const { key } of ctx.kv.list({ prefix }, { limit: 500, batchSize: 500 })) {
        op.delete(key);
        mutations++;
        bytes += keyBytes(key);
        if (bytes > COMMIT_LIMITS.keyBytes - 2048) break;
      }
      if (mutations === 0) break;
      await op.commit();
    }
  }
}

interface Posting {
  weight: number;
  ms: number;
  id: string;
}

/** Reads up to `limit` postings of a key range, heaviest then newest first; `complete` when none was left out. */
async function readPostings(
  ctx: Ctx,
  selector: Deno.KvListSelector,
  limit: number,
): Promise<{ postings: Posting[]; complete: boolean }> {
  const postings: Posting[] = [];
  for await (const { key } of ctx.kv.list(selector, { reverse: true, limit: limit + 1, batchSize: 500 })) {
    postings.push({ weight: key[3] as number, ms: key[4] as number, id: key[5] as string });
  }
  const complete = postings.length <= limit;
  if (!complete) postings.length = limit;
  return { postings, complete };
}

/** The words a search uses: each once (a repeated word where it last appears), none that cannot be in the index. */
function searchWords(words: string[]): string[] {
  const valid = words.filter((w) => w && [...w].length <= MAX_WORD_LENGTH);
  const last = valid.at(-1);
  return [...new Set(valid.filter((w) => w !== last)), ...(last === undefined ? [] : [last])];
}

/**
 * Ranked matches of `words`: every word but the last as a whole word, the last one as a prefix too (the heaviest of
 * the words it begins counts), required when alone and optional after other words, where it ranks the records that
 * have it first. Order: more matched words, then the sum of their weights, then newer, then the id.
 *
 * Bounds: at most WORD_POSTINGS postings per word (heaviest, then newest), and as many again of the longer words the
 * last one begins. The candidates are the documents read for the required word with the fewest postings (all of its
 * documents when it has at most WORD_POSTINGS) and, when it has more, those read for the last word; a candidate's
 * other words are looked up in the postings read, or, when a word had more postings than were read, in the
 * candidate's own entry (so at most 3 × WORD_POSTINGS entries, ten per read).
 */
export async function searchIndex(
  ctx: Ctx,
  type: SearchType,
  words: string[],
  query: { limit: number; offset: number },
): Promise<SearchHit[]> {
  const { limit, offset } = searchPage(query);
  const list = searchWords(words);
  if (list.length === 0) return [];
  const required = list.slice(0, -1);
  const prefix = list[list.length - 1];
  const [exact, longer, ...reads] = await Promise.all([
    readPostings(ctx, { prefix: ["search", type, prefix] }, WORD_POSTINGS),
    // The longer words the last one begins: after every key of the word itself ("\0" sorts first), up to the
    // greatest code point.
    readPostings(
      ctx,
      { start: ["search", type, `${prefix}\u0000`], end: ["search", type, prefix + LAST_CHAR] },
      WORD_POSTINGS,
    ),
    ...required.map((word) => readPostings(ctx, { prefix: ["search", type, word] }, WORD_POSTINGS)),
  ]);
  // Per word (required ones in order, then the last), the weight of each document read for it.
  const found = reads.map((r) => new Map(r.postings.map((p) => [p.id, p.weight])));
  const complete = reads.map((r) => r.complete);
  const lastFound = new Map<string, number>();
  for (const p of [...exact.postings, ...longer.postings]) {
    lastFound.set(p.id, Math.max(lastFound.get(p.id) ?? 0, p.weight));
  }
  found.push(lastFound);
  complete.push(exact.complete && longer.complete);

  const times = new Map<string, number>();
  for (const r of [exact, longer, ...reads]) for (const p of r.postings) times.set(p.id, p.ms);
  // Candidates: the documents read for the required word with the fewest postings, or for the last word alone.
  let driver = found.length - 1;
  for (let i = 0; i < required.length; i++) {
    if (i === 0 || found[i].size < found[driver].size || (complete[i] && !complete[driver])) driver = i;
  }
  const candidates = new Set(found[driver].keys());
  // When that word has more documents than were read, the documents read for the last word may hold every word too
  // (they are the best matches there are): they are candidates as well.
  if (!complete[driver]) { for (const id of lastFound.keys()) candidates.add(id); }
  // Which candidates need their own entry: a word read incompletely does not say that a document lacks it.
  const unknown = [...candidates].filter((id) => found.some((f, i) => !complete[i] && !f.has(id)));
  const entries = await getEntries<StoredSearchDoc>(ctx, unknown.map((id) => docKey(type, id)));
  const own = new Map(unknown.map((id, i) => [id, entries[i].value]));

  const ranked: { id: string; ms: number; matched: number; score: number }[] = [];
  for (const id of candidates) {
    const doc = own.get(id);
    const weights = found.map((f, i) => {
      const seen = f.get(id);
      if (seen !== undefined || complete[i] || !doc) return seen ?? 0;
      const last = i === found.length - 1;
      let best = 0;
      for (const [word, weight] of doc.words) {
        if (last ? word.startsWith(prefix) : word === required[i]) best = Math.max(best, weight);
      }
      return best;
    });
    if (weights.slice(0, required.length).some((w) => w === 0)) continue; // lacks a required word
    const ms = times.get(id) ?? doc?.createdAtMs ?? 0;
    const matched = weights.filter((w) => w > 0).length;
    ranked.push({ id, ms, matched, score: weights.reduce((a, b) => a + b, 0) });
  }
  ranked.sort((a, b) =>
    b.matched - a.matched || b.score - a.score || b.ms - a.ms || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
  );
  return ranked.slice(offset, offset + limit).map(({ id, score }) => ({ id, score }));
}
