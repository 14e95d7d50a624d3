// Single-use WebSocket tickets on Deno KV: one key per ticket, expiring with it (expireIn), and taken by deleting it
// under a versionstamp check, so of racing takes exactly one gets the grant.
import type { TicketGrant } from "../model.ts";
import * as keys from "./keys.ts";
import { type Ctx, MAX_KEY_TEXT } from "./shared.ts";

/** Keeps a ticket (by the hash of its secret) until `ttlMs` from now. */
export async function saveTicket(ctx: Ctx, hash: string, grant: TicketGrant, ttlMs: number): Promise<void> {
  if (hash.length === 0 || hash.length > MAX_KEY_TEXT) throw new RangeError("saveTicket: not a ticket hash");
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`saveTicket: ttlMs must be > 0, got ${ttlMs}`);
  const stored: keys.StoredTicket = { userId: grant.userId, sessionId: grant.sessionId, expiresAt: Date.now() + ttlMs };
  await ctx.kv.set(keys.ticket(hash), stored, { expireIn: ttlMs });
}

/**
 * Takes a ticket: its grant the first time within its lifetime, null afterwards or for an unknown one. KV drops
 * expired keys lazily, so the stored expiry is compared too; an expired ticket is taken all the same, and refused.
 */
export async function takeTicket(ctx: Ctx, hash: string): Promise<TicketGrant | null> {
  if (hash.length === 0 || hash.length > MAX_KEY_TEXT) return null;
  const entry = await ctx.kv.get<keys.StoredTicket>(keys.ticket(hash));
  if (!entry.value) return null;
  // Not retried: a failed check means a racing take deleted it first.
  if (!(await ctx.kv.atomic().check(entry).delete(entry.key).commit()).ok) return null;
  if (entry.value.expiresAt <= Date.now()) return null;
  return { userId: entry.value.userId, sessionId: entry.value.sessionId };
}
