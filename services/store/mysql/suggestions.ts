// Where "People you may know" looks, on MySQL / MariaDB: one statement, a UNION ALL of the sources asked for, each
// with its members' rows, and all of them leaving out the member and the members in `linked` (everyone a pending or
// accepted connection joins them to, either way: index-only refs of the 002 keys, as many rows as they have
// connections).
//
// - The second degree: `direct` is the member's accepted connections, and `reach` follows each one step further (an
//   index-only ref per first-degree member and direction), so its rows are the connections of the member's
//   connections. They are counted per member, the ones in `linked` are left out with an anti-join, and the top
//   `limit` are taken before their records are read. (Probing uq_connections_live_pair once per candidate instead of
//   the anti-join took about twice as long at 100 connections each.)
// - Nearby: a backward range of ix_users_location (location_key, created_at, id) that stops after `limit` rows; the
//   trimmed location is `location_key`, a virtual column (migrations/003), so the index holds what is compared.
// - Similar: one boolean-mode search of ft_users_headline for any of the words, ranked by how many of them each
//   headline has (each word's own MATCH adds 1; a matching row's weight is always above 0, even for a word every
//   headline has), then newest. Words are whole tokens, as the parser (default sizes 3..84, no stopwords) indexes
//   them, so the cost is the postings of those words, never a scan. Ranked on (id, created_at, shared) alone, then
//   joined back for the page's rows: sorting whole rows of every match took about twice as long.
// Nearby and similar take their top `limit` first and leave out linked members after, as the Deno KV adapter does.
import type { SuggestionCandidates, SuggestionQuery, User } from "../model.ts";
import { headlineWords } from "../words.ts";
import { CONNECTED_TO, LIVE } from "./connections.ts";
import type { Param } from "./pool.ts";
import { type Ctx, dbId, limitParam, pageLimit } from "./shared.ts";
import { aliasedUserColumns, userFromAliased } from "./users.ts";

const LINKED = `linked AS (SELECT receiver_id AS id FROM connections WHERE sender_id = ? AND ${LIVE} ` +
  `UNION ALL SELECT sender_id FROM connections WHERE receiver_id = ? AND ${LIVE})`;
const SECOND_DEGREE = `direct AS (${CONNECTED_TO}), ` +
  "reach AS (SELECT c.receiver_id AS id FROM direct f " +
  "JOIN connections c ON c.sender_id = f.id AND c.status = 'accepted' " +
  "UNION ALL SELECT c.sender_id FROM direct f JOIN connections c ON c.receiver_id = f.id AND c.status = 'accepted'), " +
  "counted AS (SELECT id, COUNT(*) AS mutual_count FROM reach WHERE id <> ? GROUP BY id)";
const U = aliasedUserColumns("u");

/** The statement for the sources asked for (`words`: the headline's words, none to leave similar out). */
export function suggestionsSql(sources: { secondDegree: boolean; nearby: boolean; words: number }): string {
  const ctes = [LINKED, ...sources.secondDegree ? [SECOND_DEGREE] : []];
  const branches: string[] = [];
  if (sources.secondDegree) {
    branches.push(
      `SELECT 'second' AS source, k.mutual_count AS score, ${U} FROM (SELECT k.id, k.mutual_count FROM counted k ` +
        "LEFT JOIN linked l ON l.id = k.id WHERE l.id IS NULL ORDER BY k.mutual_count DESC, k.id LIMIT ?) k " +
        "JOIN users u ON u.id = k.id",
    );
  }
  if (sources.nearby) {
    branches.push(
      `SELECT 'nearby' AS source, 0 AS score, n.* FROM (SELECT ${U} FROM users u WHERE u.location_key = TRIM(?) ` +
        "ORDER BY u.created_at DESC, u.id DESC LIMIT ?) n LEFT JOIN linked l ON l.id = n.u_id " +
        "WHERE l.id IS NULL AND n.u_id <> ?",
    );
  }
  if (sources.words > 0) {
    const shared = Array(sources.words).fill("(MATCH (headline) AGAINST (? IN BOOLEAN MODE) > 0)").join(" + ");
    branches.push(
      `SELECT 'similar' AS source, t.shared AS score, ${U} FROM (SELECT id, created_at, ${shared} AS shared FROM users ` +
        "WHERE MATCH (headline) AGAINST (? IN BOOLEAN MODE) ORDER BY shared DESC, created_at DESC, id DESC LIMIT ?) t " +
        "JOIN users u ON u.id = t.id LEFT JOIN linked l ON l.id = u.id WHERE l.id IS NULL AND u.id <> ?",
    );
  }
  return `WITH ${ctes.join(", ")} ${branches.join(" UNION ALL ")}`;
}

/** Its parameters, in the order of the placeholders. */
export function suggestionsParams(member: string, query: SuggestionQuery, words: string[]): Param[] {
  const params: Param[] = [member, member];
  if (query.secondDegree) params.push(member, member, member, limitParam(query.secondDegree));
  if (query.nearby) params.push(query.location, limitParam(query.nearby), member);
  if (words.length) params.push(...words, words.join(" "), limitParam(query.similar), member);
  return params;
}

type Row = Record<string, unknown> & { source: "second" | "nearby" | "similar"; score: string | number };

const newestFirst = (a: User, b: User) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (BigInt(b.id) > BigInt(a.id) ? 1 : -1);

export async function listSuggestionCandidates(
  ctx: Ctx,
  memberId: string,
  query: SuggestionQuery,
): Promise<SuggestionCandidates> {
  // A limit of 0 asks for none of that source; any other must be a positive integer.
  for (const what of ["secondDegree", "nearby", "similar"] as const) {
    if (query[what] !== 0) pageLimit(query[what], `listSuggestionCandidates ${what}`);
  }
  const member = dbId(memberId);
  const words = query.similar ? headlineWords(query.headline) : [];
  const asked = { ...query, nearby: query.location.trim() ? query.nearby : 0 };
  if (!member || (!asked.secondDegree && !asked.nearby && !words.length)) {
    return { secondDegree: [], nearby: [], similar: [] };
  }
  const rows = await ctx.db.reader.query<Row>(
    suggestionsSql({ secondDegree: asked.secondDegree > 0, nearby: asked.nearby > 0, words: words.length }),
    suggestionsParams(member, asked, words),
  );
  const scored = (source: Row["source"]) =>
    rows.filter((row) => row.source === source).map((row) => ({
      user: userFromAliased(row),
      score: Number(row.score),
    }));
  return {
    secondDegree: scored("second")
      .sort((a, b) => b.score - a.score || (BigInt(a.user.id) < BigInt(b.user.id) ? -1 : 1))
      .map(({ user, score }) => ({ id: user.id, mutualCount: score, user })),
    nearby: scored("nearby").map((s) => s.user).sort(newestFirst),
    similar: scored("similar").sort((a, b) => b.score - a.score || newestFirst(a.user, b.user)).map((s) => s.user),
  };
}
