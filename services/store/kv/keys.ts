// Every key the Deno KV store reads or writes, in one place. A record and its index keys are always written together
// in one atomic commit by the one write function of its entity in store.ts.
//
//   ["users", id]                            → User
//   ["users_by_email", lowercased email]     → id; the uniqueness claim, created under a versionstamp-null check
//   ["users_by_created", createdAtMs, id]    → User (a copy, so listing and filtering read one range, no lookups)
//   ["sessions", id]                         → Session
//   ["sessions_by_user", userId, sessionId]  → true
//   ["sessions_by_token", tokenHash]         → { sessionId }; kept for every token a family ever issued, so a
//                                              rotated token is recognised as reuse
//   ["session_tokens", sessionId, tokenHash] → true; a family's token history, so its keys above can be deleted
//   ["idempotency", userId, key]             → StoredIdempotency
//
// Session keys expire (expireIn) a day after their family does, and idempotency keys with their claim, so KV cleans
// them up without a sweeper. KV expiry is lazy, so readers still compare the stored expiry themselves.
import type { User } from "../types.ts";

export const PING: Deno.KvKey = ["ping"];

export const user = (id: string): Deno.KvKey => ["users", id];
/** Emails are unique in any letter case: the claim is the lowercased address. */
export const userByEmail = (email: string): Deno.KvKey => ["users_by_email", email.toLowerCase()];
export const USERS_BY_CREATED: Deno.KvKey = ["users_by_created"];
export const userByCreated = (createdAtMs: number, id: string): Deno.KvKey => ["users_by_created", createdAtMs, id];

/** Every index key of a member, so writes can tell which ones moved. */
export function userIndexKeys(u: User): Deno.KvKey[] {
  return [userByEmail(u.email), userByCreated(u.createdAt.getTime(), u.id)];
}

export const session = (id: string): Deno.KvKey => ["sessions", id];
export const sessionsByUser = (userId: string): Deno.KvKey => ["sessions_by_user", userId];
export const sessionByUser = (userId: string, sessionId: string): Deno.KvKey => [
  "sessions_by_user",
  userId,
  sessionId,
];
export const sessionByToken = (tokenHash: string): Deno.KvKey => ["sessions_by_token", tokenHash];
export const sessionTokens = (sessionId: string): Deno.KvKey => ["session_tokens", sessionId];
export const sessionToken = (sessionId: string, tokenHash: string): Deno.KvKey => [
  "session_tokens",
  sessionId,
  tokenHash,
];

export const idempotency = (userId: string, key: string): Deno.KvKey => ["idempotency", userId, key];
