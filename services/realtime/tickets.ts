// WebSocket tickets (API.md): non-browser clients cannot send cookies or headers with an upgrade, so they trade their
// access token for a ticket, single use and valid 30 s, and open `/api/ws?ticket=...`. Only its hash is stored.
import type { Caller } from "../auth.ts";
import type { WriteBudgets } from "../budgets.ts";
import { sha256Hex } from "../crypto.ts";
import { randomToken } from "../tokens.ts";
import type { Store } from "../store/store.ts";

export const TICKET_TTL_MS = 30_000;

/** A ticket for the caller; RateLimitError past the member's ticket budget (each can open a socket). */
export async function issueTicket(
  deps: { store: Store; budgets: Pick<WriteBudgets, "spend"> },
  caller: Caller,
): Promise<string> {
  await deps.budgets.spend("wsTicket", caller.user.id);
  const ticket = randomToken();
  await deps.store.saveTicket(
    await sha256Hex(ticket),
    { userId: caller.user.id, sessionId: caller.session.id },
    TICKET_TTL_MS,
  );
  return ticket;
}

/** The caller a ticket was issued to, once, while its session is still live; null otherwise. */
export async function redeemTicket(store: Store, ticket: string): Promise<Caller | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(ticket)) return null;
  const grant = await store.takeTicket(await sha256Hex(ticket));
  if (!grant) return null;
  const found = await store.getSessionWithUser(grant.sessionId);
  if (!found || found.session.revokedAt || found.session.expiresAt.getTime() <= Date.now()) return null;
  return found.user.id === grant.userId ? found : null;
}
