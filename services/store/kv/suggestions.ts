// Where "People you may know" looks, on Deno KV: the second degree (graph.ts) and members by place and by headline
// (users.ts), read side by side; then, in one go, the pair claims that leave out anyone already linked and the
// records of the second degree.
import type { SuggestionCandidates, SuggestionQuery, User } from "../model.ts";
import { findLinked } from "./connections.ts";
import { listSecondDegree } from "./graph.ts";
import { isId } from "./ids.ts";
import { checkLimit, type Ctx } from "./shared.ts";
import { getUsers, listUsersByHeadline, listUsersByLocation } from "./users.ts";

/** A limit of 0 asks for none; any other must be a positive integer. */
function wanted(what: string, limit: number): boolean {
  if (limit !== 0) checkLimit(`listSuggestionCandidates ${what}`, limit);
  return limit !== 0;
}

export async function listSuggestionCandidates(
  ctx: Ctx,
  memberId: string,
  query: SuggestionQuery,
): Promise<SuggestionCandidates> {
  const [second, nearby, similar] = [
    wanted("secondDegree", query.secondDegree),
    wanted("nearby", query.nearby),
    wanted("similar", query.similar),
  ];
  if (!isId(memberId)) return { secondDegree: [], nearby: [], similar: [] };
  const [reached, inPlace, alike] = await Promise.all([
    second ? listSecondDegree(ctx, memberId, query.secondDegree) : [],
    nearby ? listUsersByLocation(ctx, query.location, query.nearby) : [],
    similar ? listUsersByHeadline(ctx, query.headline, query.similar) : [],
  ]);
  const [linked, records] = await Promise.all([
    findLinked(ctx, memberId, [...inPlace, ...alike].map((u) => u.id)),
    getUsers(ctx, reached.map((s) => s.id)),
  ]);
  const byId = new Map(records.map((u) => [u.id, u]));
  const free = (u: User) => u.id !== memberId && !linked.has(u.id);
  return {
    secondDegree: reached.flatMap((s) => byId.has(s.id) ? [{ ...s, user: byId.get(s.id)! }] : []),
    nearby: inPlace.filter(free),
    similar: alike.filter(free),
  };
}
