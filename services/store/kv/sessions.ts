// Refresh-token families on Deno KV: the record, its per-member index and every token's lookup and history keys,
// written together by writeSession.
import { ConflictError, NotFoundError } from "../../errors.ts";
import type { Session, SessionByToken, User } from "../model.ts";
import { isId, newId } from "./ids.ts";
import * as keys from "./keys.ts";
import { countUnreadNotifications } from "./notifications.ts";
import { CHUNK_MUTATIONS, commitOrRetry, type Ctx, lostRaces, MAX_KEY_TEXT, MAX_TRIES } from "./shared.ts";
import { getUser } from "./users.ts";

/** Session keys outlive their family by this long, so a late reuse is still recognised before KV drops them. */
const SESSION_GRACE_MS = 24 * 60 * 60 * 1000;

interface TokenIndex {
  sessionId: string;
}

/**
 * The one place a session family is written: adds to `op` the record, its per-member index and, when a token is
 * issued, that token's lookup and history keys, all expiring a grace period after the family.
 */
function writeSession(op: Deno.AtomicOperation, s: Session, issuedTokenHash: string | null): Deno.AtomicOperation {
  const expireIn = Math.max(s.expiresAt.getTime() - Date.now(), 0) + SESSION_GRACE_MS;
  op.set(keys.session(s.id), s, { expireIn }).set(keys.sessionByUser(s.userId, s.id), true, { expireIn });
  if (issuedTokenHash !== null) {
    const tokenKey = keys.sessionByToken(issuedTokenHash);
    op.check({ key: tokenKey, versionstamp: null })
      .set(tokenKey, { sessionId: s.id } satisfies TokenIndex, { expireIn })
      .set(keys.sessionToken(s.id, issuedTokenHash), true, { expireIn });
  }
  return op;
}

/** Starts a refresh-token family; throws NotFoundError when the member does not exist (or is being deleted). */
export async function createSession(
  ctx: Ctx,
  input: { userId: string; tokenHash: string; expiresAt: Date },
): Promise<Session> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const member = isId(input.userId) ? await ctx.kv.get<User>(keys.user(input.userId)) : null;
    if (!member?.value) throw new NotFoundError("member");
    const { id, ms } = newId();
    const session: Session = {
      id,
      userId: input.userId,
      tokenHash: input.tokenHash,
      createdAt: new Date(ms),
      expiresAt: new Date(input.expiresAt.getTime()),
      revokedAt: null,
      rotatedAt: null,
    };
    // Checking the member's versionstamp means a session can never be added after deleteUser's first commit.
    const op = ctx.kv.atomic().check(member).check({ key: keys.session(id), versionstamp: null });
    if ((await commitOrRetry(writeSession(op, session, input.tokenHash))).ok) return session;
    const taken = await ctx.kv.get(keys.sessionByToken(input.tokenHash));
    if (taken.versionstamp !== null) throw new ConflictError("That refresh token is already in use.");
  }
  throw lostRaces("member");
}

export async function getSession(ctx: Ctx, id: string): Promise<Session | null> {
  if (!isId(id)) return null;
  const s = (await ctx.kv.get<Session>(keys.session(id))).value;
  // Families written before rotations were timed have no rotatedAt.
  return s && { ...s, rotatedAt: s.rotatedAt ?? null };
}

/** The family that ever issued `tokenHash`, and whether it is still that family's live token. */
export async function getSessionWithUser(
  ctx: Ctx,
  id: string,
  unreadCap = 0,
): Promise<{ session: Session; user: User; unreadNotifications: number } | null> {
  const session = await getSession(ctx, id);
  if (!session) return null;
  // Both need only the session's member id: read side by side.
  const [user, unreadNotifications] = await Promise.all([
    getUser(ctx, session.userId),
    unreadCap > 0 ? countUnreadNotifications(ctx, session.userId, unreadCap) : 0,
  ]);
  return user ? { session, user, unreadNotifications } : null;
}

export async function findSessionByToken(ctx: Ctx, tokenHash: string): Promise<SessionByToken | null> {
  if (tokenHash.length > MAX_KEY_TEXT) return null;
  const index = await ctx.kv.get<TokenIndex>(keys.sessionByToken(tokenHash));
  if (!index.value) return null;
  const session = await getSession(ctx, index.value.sessionId);
  return session ? { session, current: session.tokenHash === tokenHash } : null;
}

/**
 * Replaces the live token if, and only if, `fromHash` is still live and the family is not revoked. Not retried:
 * a failed check means another rotation or a revocation won, and this call's expected token is gone.
 */
export async function rotateSession(
  ctx: Ctx,
  id: string,
  fromHash: string,
  toHash: string,
  at = new Date(),
): Promise<boolean> {
  if (!isId(id)) return false;
  const entry = await ctx.kv.get<Session>(keys.session(id));
  const s = entry.value;
  if (!s || s.revokedAt !== null || s.tokenHash !== fromHash) return false;
  const op = writeSession(ctx.kv.atomic().check(entry), { ...s, tokenHash: toHash, rotatedAt: at }, toHash);
  return (await op.commit()).ok;
}

export async function revokeSession(ctx: Ctx, id: string): Promise<void> {
  if (isId(id)) await revokeSessions(ctx, [id]);
}

/** Revokes every family of a member (password change, deletion, "sign out everywhere"). */
export async function revokeUserSessions(ctx: Ctx, userId: string): Promise<void> {
  const ids: string[] = [];
  for await (const { key } of ctx.kv.list({ prefix: keys.sessionsByUser(userId) })) ids.push(key[2] as string);
  await revokeSessions(ctx, ids);
}

async function revokeSessions(ctx: Ctx, ids: string[]): Promise<void> {
  // getMany reads at most 10 keys; each chunk is one checked commit, retried on a lost race.
  for (let start = 0; start < ids.length; start += 10) {
    const chunk = ids.slice(start, start + 10);
    for (let i = 0;; i++) {
      if (i === MAX_TRIES) throw lostRaces("session");
      const entries = await ctx.kv.getMany<Session[]>(chunk.map((id) => keys.session(id)));
      const op = ctx.kv.atomic();
      let live = 0;
      const now = new Date();
      for (const entry of entries) {
        if (!entry.value || entry.value.revokedAt !== null) continue;
        live++;
        writeSession(op.check(entry), { ...entry.value, revokedAt: now }, null);
      }
      if (live === 0 || (await commitOrRetry(op)).ok) break;
    }
  }
}

/** Deletes every family of a member and all the token keys each ever issued, in commits of bounded size. */
export async function deleteSessionsOf(ctx: Ctx, userId: string): Promise<void> {
  let op = ctx.kv.atomic();
  let pending = 0;
  const flush = async () => {
    if (pending === 0) return;
    await op.commit();
    op = ctx.kv.atomic();
    pending = 0;
  };
  for await (const { key } of ctx.kv.list({ prefix: keys.sessionsByUser(userId) })) {
    const sessionId = key[2] as string;
    // The record goes in the first commit that touches its family, so a family half cleaned up is already dead.
    op.delete(keys.session(sessionId)).delete(key);
    pending += 2;
    for await (const token of ctx.kv.list({ prefix: keys.sessionTokens(sessionId) })) {
      if (pending >= CHUNK_MUTATIONS) await flush();
      op.delete(keys.sessionByToken(token.key[2] as string)).delete(token.key);
      pending += 2;
    }
    if (pending >= CHUNK_MUTATIONS) await flush();
  }
  await flush();
}
