// The built-in search index on MySQL / MariaDB: FULLTEXT indexes on the records themselves (migrations/006), so
// there is nothing to write. InnoDB updates a FULLTEXT index in the same transaction as its row (visible at commit),
// which is why indexDocuments, removeDocuments and clearIndex are no-ops here: the records are the index.
//
// What matches (the same on Deno KV): every query word but the last, as a whole word, and the last one as a prefix
// (`ja` finds "Java"), required alone and optional after other words, where it ranks the records that have it first.
// In boolean mode that is `+w1 +w2 w3*`. Ranking: `matched` (query words the record has), then `score` (the weights
// of the columns they are in: name or title 3, headline or location 2, body 1, the weights the builtin engine gives
// Deno KV), then newest, then id. Each word's MATCH on each weighted column says whether that column has it; the
// WHERE is one boolean-mode search of the type's all-columns index, so a search reads the postings of its words,
// never the table. Words come from services/store/words.ts (letters, marks and digits only), so none is a boolean
// operator, and their minimum length (3) is InnoDB's innodb_ft_min_token_size; a prefix (`ja*`) may be shorter.
//
// InnoDB's cost is the postings of the words: about 10 µs per record that has one (MariaDB 10.11), so a word that a
// third of a million posts have costs seconds. Posts therefore read the newest posts first, RECENT_POSTS at a time:
// when `offset + limit` of them have every query word (the best rank there is for a post, whose only column is its
// content), those are the answer, exactly, since no older post can rank above a newer one of the same rank. When the
// first chunk shows the words common enough to fill the page within MAX_RECENT_POSTS, more chunks are read; otherwise
// the words are rare and the FULLTEXT search, quick for rare words, answers. The server stops that search after
// POSTS_FULLTEXT_MS (InnoDB notices within about half a second): a common required word with a rare last one is then
// answered from the newest MAX_RECENT_POSTS posts alone, ranked the same way, approximately, instead of holding a
// connection and a core for seconds. Measured on the benchmark's million posts: README "Search".
import { searchPage } from "../search_page.ts";
import type { SearchDocument, SearchHit, SearchType } from "../model.ts";
import { indexWords } from "../words.ts";
import { errno, type Param } from "./pool.ts";
import { type Ctx, limitParam } from "./shared.ts";

// The records are the index (see above): nothing to write, remove or clear.

export function indexDocuments(_ctx: Ctx, _docs: SearchDocument[]): Promise<void> {
  return Promise.resolve();
}

export function removeDocuments(_ctx: Ctx, _type: SearchType, _ids: string[]): Promise<void> {
  return Promise.resolve();
}

export function clearIndex(_ctx: Ctx, _type: SearchType): Promise<void> {
  return Promise.resolve();
}

/** Longer words cannot be in the index (services/store/words.ts). */
const MAX_WORD_LENGTH = 84;
/** Words one search looks for at most (more would be more MATCH passes; words.ts keeps at most 8). */
const MAX_WORDS = 8;
/** Newest posts read before the FULLTEXT search (about 10 ms for 2,000 posts of 200 characters). */
export const RECENT_POSTS = 2_000;
/** Newest posts read at most, in RECENT_POSTS chunks, when they are the better way to a page (about 50 ms). */
const MAX_RECENT_POSTS = 10_000;
/** The FULLTEXT search of posts gets this long before the newest posts answer alone. */
const POSTS_FULLTEXT_MS = 250;

interface Source {
  table: string;
  /** The column list of the FULLTEXT index the WHERE uses (it must match an index exactly). */
  all: string;
  /** Each with a FULLTEXT index of exactly these columns. */
  columns: { match: string; weight: number }[];
}

const SOURCES: Record<SearchType, Source> = {
  people: {
    table: "users",
    all: "first_name, last_name, headline, location",
    columns: [
      { match: "first_name, last_name", weight: 3 },
      { match: "headline", weight: 2 },
      { match: "location", weight: 2 },
    ],
  },
  posts: { table: "posts", all: "content", columns: [{ match: "content", weight: 1 }] },
  jobs: {
    table: "jobs",
    all: "title, description, location",
    columns: [
      { match: "title", weight: 3 },
      { match: "location", weight: 2 },
      { match: "description", weight: 1 },
    ],
  },
};

const has = (match: string) => `(MATCH (${match}) AGAINST (? IN BOOLEAN MODE) > 0)`;

/**
 * The statement for `count` words of one type, and its parameters for given words (then come limit and offset): the
 * last word on each column for `matched` (when other words come first), each word on each column for `score` (types
 * of several columns), then the WHERE's boolean query. A handful of texts in all, so prepared statements stay few.
 */
export function searchSql(type: SearchType, count: number): { sql: string; params: (words: string[]) => string[] } {
  const { table, all, columns } = SOURCES[type];
  const single = columns.length === 1;
  // The WHERE already requires every word but the last: only the last one's presence varies.
  const matched = count === 1 ? "1" : `${count - 1} + (${columns.map((c) => has(c.match)).join(" OR ")})`;
  const score = single
    ? "" // one column: the score is its weight times `matched`
    : `, ${
      Array.from({ length: count }, () => columns.map((c) => `${c.weight} * ${has(c.match)}`).join(" + ")).join(" + ")
    } AS score`;
  const sql = `SELECT id, ${single ? `${columns[0].weight} * matched AS score` : "score"} FROM (` +
    `SELECT id, created_at, ${matched} AS matched${score} FROM ${table} ` +
    `WHERE MATCH (${all}) AGAINST (? IN BOOLEAN MODE)) t ` +
    `ORDER BY matched DESC, ${single ? "" : "score DESC, "}created_at DESC, id DESC LIMIT ? OFFSET ?`;
  return {
    sql,
    params: (words) => {
      const out: string[] = [];
      const terms = words.map((w, i) => (i === words.length - 1 ? `${w}*` : w));
      if (count > 1) out.push(...columns.map(() => terms[count - 1]));
      if (!single) { for (const term of terms) out.push(...columns.map(() => term)); }
      out.push(booleanQuery(words));
      return out;
    },
  };
}

/** `+w1 +w2 w3*`: every word but the last required, the last one a prefix (required when alone). */
export function booleanQuery(words: string[]): string {
  return words.map((w, i) => (i === words.length - 1 ? `${w}*` : `+${w}`)).join(" ");
}

/** The words a search uses: valid ones, each once (a repeated word where it last appears), at most MAX_WORDS. */
function searchWords(words: string[]): string[] {
  // Only what words.ts makes can be a word; anything else (an operator, a quote) would change the boolean query.
  const valid = words.filter((w) => /^[\p{L}\p{M}\p{N}]+$/u.test(w) && [...w].length <= MAX_WORD_LENGTH);
  const last = valid.at(-1);
  const unique = [...new Set(valid.filter((w) => w !== last)), ...(last === undefined ? [] : [last])];
  return unique.length > MAX_WORDS ? [...unique.slice(0, MAX_WORDS - 1), unique.at(-1)!] : unique;
}

/**
 * How many query words a post has (every word but the last as a whole word, the last as a prefix), or 0 when it lacks
 * a required one: what the FULLTEXT search's `matched` is, read from the text with words.ts.
 */
function matchedWords(content: string, words: string[]): number {
  const required = words.length - 1;
  const text = content.normalize("NFC").toLowerCase();
  // A word the text does not even contain rules the post out without splitting it into words.
  for (let i = 0; i < required; i++) if (!text.includes(words[i])) return 0;
  const last = words[required];
  if (required === 0 && !text.includes(last)) return 0;
  const own = new Set(indexWords(text, Infinity));
  for (let i = 0; i < required; i++) if (!own.has(words[i])) return 0;
  for (const w of own) if (w.startsWith(last)) return words.length;
  return required;
}

/** The server's way to bound one statement's time (MariaDB and MySQL spell it differently), learnt once per pool. */
const flavours = new WeakMap<object, Promise<"mariadb" | "mysql">>();

function flavour(ctx: Ctx): Promise<"mariadb" | "mysql"> {
  let known = flavours.get(ctx.db);
  if (!known) {
    known = ctx.db.reader.query<{ v: string }>("SELECT VERSION() AS v")
      .then(([row]) => (/mariadb/i.test(row?.v ?? "") ? "mariadb" : "mysql") as "mariadb" | "mysql");
    known.catch(() => flavours.delete(ctx.db));
    flavours.set(ctx.db, known);
  }
  return known;
}

/** `sql` (a SELECT) stopped by the server after `ms`: MariaDB's SET STATEMENT, MySQL 8's optimizer hint. */
function withTimeLimit(sql: string, kind: "mariadb" | "mysql", ms: number): string {
  return kind === "mariadb"
    ? `SET STATEMENT max_statement_time = ${(ms / 1000).toFixed(3)} FOR ${sql}`
    : sql.replace(/^SELECT /, `SELECT /*+ MAX_EXECUTION_TIME(${Math.round(ms)}) */ `);
}

/** Runs a SELECT that the server stops after `ms` (or soon after); null when it did. */
export async function queryWithin<T>(ctx: Ctx, sql: string, params: Param[], ms: number): Promise<T[] | null> {
  try {
    return await ctx.db.reader.query<T>(withTimeLimit(sql, await flavour(ctx), ms), params);
  } catch (err) {
    if (isTimeout(err)) return null;
    throw err;
  }
}

/**
 * The statement ran out of its time: ER_STATEMENT_TIMEOUT (MariaDB), ER_QUERY_TIMEOUT (MySQL), or InnoDB's handler
 * error 188, which MariaDB 10.11 reports when the limit interrupts a full-text search under way.
 */
function isTimeout(err: unknown): boolean {
  const n = errno(err);
  return n === 1969 || n === 3024 || n === 188;
}

/** The newest posts, read RECENT_POSTS at a time (at most MAX_RECENT_POSTS), ranked by the query words they have. */
class RecentPosts {
  read = 0;
  /** How many have every query word (the best rank). */
  best = 0;
  /** Nothing older is left. */
  exhausted = false;
  #matches: { id: string | number; score: number }[] = [];
  #after: { createdAt: Date; id: string | number } | null = null;

  constructor(private readonly ctx: Ctx, private readonly words: string[]) {}

  /** Reads the next chunk; false when nothing is left or MAX_RECENT_POSTS were read. */
  async more(): Promise<boolean> {
    if (this.exhausted || this.read >= MAX_RECENT_POSTS) return false;
    const older = this.#after ? "WHERE created_at < ? OR (created_at = ? AND id < ?) " : "";
    const rows = await this.ctx.db.reader.query<{ id: string | number; created_at: Date; content: string }>(
      `SELECT id, created_at, content FROM posts ${older}ORDER BY created_at DESC, id DESC LIMIT ?`,
      [
        ...(this.#after ? [this.#after.createdAt, this.#after.createdAt, String(this.#after.id)] : []),
        limitParam(RECENT_POSTS),
      ],
    );
    for (const row of rows) {
      const score = matchedWords(row.content, this.words);
      if (score === 0) continue;
      this.#matches.push({ id: row.id, score });
      if (score === this.words.length) this.best++;
    }
    this.read += rows.length;
    const last = rows.at(-1);
    if (last) this.#after = { createdAt: last.created_at, id: last.id };
    this.exhausted = rows.length < RECENT_POSTS;
    return rows.length > 0;
  }

  /** A page of what was read: more matched words first, newest first within each (a stable sort of newest-first). */
  page(offset: number, limit: number): { id: string | number; score: number }[] {
    return this.#matches.toSorted((a, b) => b.score - a.score).slice(offset, offset + limit);
  }
}

/**
 * Ranked matches of `words` (the last one also as a prefix): more matched words first, then the sum of the weights of
 * the columns they are in, then newer. The cost is the postings of the words in the FULLTEXT indexes; for posts see
 * the top of this file (at most MAX_RECENT_POSTS posts read, and POSTS_FULLTEXT_MS of FULLTEXT search).
 */
export async function searchIndex(
  ctx: Ctx,
  type: SearchType,
  words: string[],
  query: { limit: number; offset: number },
): Promise<SearchHit[]> {
  const { limit, offset } = searchPage(query);
  const kept = searchWords(words);
  if (kept.length === 0) return [];
  const { sql, params } = searchSql(type, kept.length);
  const values: Param[] = [...params(kept), limitParam(limit), limitParam(offset)];
  const toHits = (rows: { id: string | number; score: string | number }[]) =>
    rows.map((r) => ({ id: String(r.id), score: Number(r.score) }));
  if (type !== "posts") return toHits(await ctx.db.reader.query(sql, values));

  const need = offset + limit;
  const scan = new RecentPosts(ctx, kept);
  await scan.more();
  // When the newest posts show the words to be common enough, reading further back finds the page sooner than the
  // FULLTEXT search would (it reads every posting of every word); otherwise the words are rare, which is its forte.
  const density = scan.best / scan.read;
  if (scan.best < need && density > 0 && need / density <= MAX_RECENT_POSTS) {
    while (scan.best < need && await scan.more());
  }
  // Enough of the best rank: exact. (A table read whole is still asked through FULLTEXT, cheap at that size, so the
  // statement is what small databases, tests included, run too.)
  if (scan.best >= need) return toHits(scan.page(offset, limit));
  const rows = await queryWithin<{ id: string | number; score: string | number }>(ctx, sql, values, POSTS_FULLTEXT_MS);
  if (rows) return toHits(rows);
  while (scan.best < need && await scan.more());
  return toHits(scan.page(offset, limit)); // the best the newest MAX_RECENT_POSTS posts can say
}
