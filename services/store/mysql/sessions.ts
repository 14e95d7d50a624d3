// Refresh-token families on MySQL / MariaDB: the sessions row and one session_tokens row per token it issued (the
// lookup of a presented token, current or rotated away). Reads use the writer: a revocation or rotation must take
// effect at once, on every instance.
import type { Session, SessionByToken, User } from "../model.ts";
import { type Ctx, dbId } from "./shared.ts";
import { actingMember, WROTE_AT_COLUMN } from "./replicas.ts";
import { aliasedUserColumns, userFromAliased } from "./users.ts";

/** Families outlive their expiry by this long, so a late reuse of one of their tokens is still recognised. */
const SESSION_GRACE_MS = 24 * 60 * 60 * 1000;

const SESSION_COLUMNS = "id, user_id, token_hash, created_at, expires_at, revoked_at, rotated_at";

interface SessionRow {
  id: string | number;
  user_id: string | number;
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  rotated_at: Date | null;
}

function toSession(row: SessionRow): Session {
  return {
    id: String(row.id),
    userId: String(row.user_id),
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    rotatedAt: row.rotated_at,
  };
}

export async function createSession(
  ctx: Ctx,
  input: { userId: string; tokenHash: string; expiresAt: Date },
): Promise<Session> {
  const createdAt = new Date();
  const id = await ctx.db.writer.transaction(async (tx) => {
    const { insertId } = await tx.execute(
      "INSERT INTO sessions (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)",
      [input.userId, input.tokenHash, createdAt, input.expiresAt],
    );
    await tx.execute("INSERT INTO session_tokens (token_hash, session_id) VALUES (?, ?)", [
      input.tokenHash,
      insertId,
    ]);
    return insertId;
  });
  if (ctx.db.replicated) actingMember(input.userId, undefined);
  return {
    id,
    userId: input.userId,
    tokenHash: input.tokenHash,
    createdAt,
    expiresAt: new Date(input.expiresAt.getTime()),
    revokedAt: null,
    rotatedAt: null,
  };
}

export async function getSession(ctx: Ctx, id: string): Promise<Session | null> {
  const key = dbId(id);
  if (!key) return null;
  const [row] = await ctx.db.writer.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`, [key]);
  return row ? toSession(row) : null;
}

export async function getSessionWithUser(
  ctx: Ctx,
  id: string,
  unreadCap = 0,
): Promise<{ session: Session; user: User; unreadNotifications: number } | null> {
  const key = dbId(id);
  if (!key) return null;
  // One statement for every authenticated request; the writer, so a revocation counts at once. The unread count
  // rides along (an index-only range of ix_notifications_user_unread): a page view costs one round trip, not two.
  // MariaDB cannot LIMIT a correlated count, so the cap applies here; unread notifications are few per member.
  const unread = unreadCap > 0
    ? ", (SELECT COUNT(*) FROM notifications n WHERE n.user_id = s.user_id AND n.read_at IS NULL) AS unread_count"
    : "";
  const [row] = await ctx.db.writer.query<SessionRow & Record<string, unknown>>(
    `SELECT s.id, s.user_id, s.token_hash, s.created_at, s.expires_at, s.revoked_at, s.rotated_at, ` +
      `${aliasedUserColumns("u")}` +
      `${unread}${ctx.db.replicated ? WROTE_AT_COLUMN : ""} FROM sessions s JOIN users u ON u.id = s.user_id ` +
      `WHERE s.id = ?`,
    [key],
  );
  if (!row) return null;
  if (ctx.db.replicated) actingMember(String(row.user_id), row.wrote_at as Date | null);
  const unreadNotifications = Math.min(unreadCap, Number(row.unread_count ?? 0));
  return { session: toSession(row), user: userFromAliased(row), unreadNotifications };
}

export async function findSessionByToken(ctx: Ctx, tokenHash: string): Promise<SessionByToken | null> {
  const [row] = await ctx.db.writer.query<SessionRow>(
    "SELECT s.id, s.user_id, s.token_hash, s.created_at, s.expires_at, s.revoked_at, s.rotated_at " +
      "FROM session_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = ?",
    [tokenHash],
  );
  return row ? { session: toSession(row), current: row.token_hash === tokenHash } : null;
}

export async function rotateSession(
  ctx: Ctx,
  id: string,
  fromHash: string,
  toHash: string,
  at = new Date(),
): Promise<boolean> {
  const key = dbId(id);
  if (!key) return false;
  return await ctx.db.writer.transaction(async (tx) => {
    // The row lock serialises racing rotations; the loser re-reads token_hash after the winner commits and matches 0.
    const { affectedRows } = await tx.execute(
      "UPDATE sessions SET token_hash = ?, rotated_at = ? WHERE id = ? AND token_hash = ? AND revoked_at IS NULL",
      [toHash, at, key, fromHash],
    );
    if (affectedRows !== 1) return false;
    await tx.execute("INSERT INTO session_tokens (token_hash, session_id) VALUES (?, ?)", [toHash, key]);
    return true;
  });
}

export async function revokeSession(ctx: Ctx, id: string): Promise<void> {
  const key = dbId(id);
  if (!key) return;
  await ctx.db.writer.execute("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [
    new Date(),
    key,
  ]);
}

export async function revokeUserSessions(ctx: Ctx, userId: string): Promise<void> {
  const key = dbId(userId);
  if (!key) return;
  await ctx.db.writer.execute("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", [
    new Date(),
    key,
  ]);
}

/** Deletes up to `batch` families past their expiry and grace (their token rows go with them: ON DELETE CASCADE). */
export async function deleteExpiredSessions(ctx: Ctx, batch: number): Promise<void> {
  await ctx.db.maintenance.execute("DELETE FROM sessions WHERE expires_at <= ? LIMIT ?", [
    new Date(Date.now() - SESSION_GRACE_MS),
    String(batch),
  ]);
}
