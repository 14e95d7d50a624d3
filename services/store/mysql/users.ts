// Members on MySQL / MariaDB: the users table's columns and rows, shared by the statements that read members alone
// or joined to other tables; the listing of members; and the member writes and lookups (suggestions.ts finds members
// by place and headline).
import { ConflictError } from "../../errors.ts";
import { MEMBER_DELETION, type MemberDeletionStep } from "../../rules/members.ts";
import { profileChanges } from "../../rules/patches.ts";
import { newUserRecord } from "../records.ts";
import {
  type ListUsersQuery,
  type MemberSummary,
  type NewUser,
  type Role,
  type User,
  USER_SCAN_BUDGET,
  type UserPatch,
  type UsersPage,
} from "../model.ts";
import type { Executor, Param } from "./pool.ts";
import {
  type Ctx,
  dbId,
  dbIds,
  inLists,
  isDuplicate,
  likePattern,
  limitParam,
  newestPage,
  OLDER_THAN,
  olderThan,
  outboxEvent,
  pageLimit,
  updateRow,
  writeEvents,
} from "./shared.ts";

export const USER_COLUMNS = "id, email, password_hash, first_name, last_name, headline, bio, location, " +
  "profile_picture_url, role, created_at, updated_at";

export interface UserRow {
  id: string | number;
  email: string;
  password_hash: string;
  first_name: string;
  last_name: string;
  headline: string;
  bio: string;
  location: string;
  profile_picture_url: string | null;
  role: Role;
  created_at: Date;
  updated_at: Date;
}

export function toUser(row: UserRow): User {
  return {
    id: String(row.id),
    email: row.email,
    passwordHash: row.password_hash,
    firstName: row.first_name,
    lastName: row.last_name,
    headline: row.headline,
    bio: row.bio,
    location: row.location,
    profilePictureUrl: row.profile_picture_url,
    role: row.role,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What a card shows of a member (MemberSummary). */
const SUMMARY_COLUMNS = "id, first_name, last_name, headline, profile_picture_url";

/** `columns` of `table`, each aliased `u_<column>`, for a statement that joins users to another table. */
function aliased(table: string, columns: string): string {
  return columns.split(", ").map((c) => `${table}.${c} AS u_${c}`).join(", ");
}

/** The user columns of `table`, aliased, for a statement that joins users to another table. */
export function aliasedUserColumns(table: string): string {
  return aliased(table, USER_COLUMNS);
}

/** Row fields to user fields, and the same under their `u_` aliases: feed pages map 20 joined rows per request. */
const USER_FIELDS = USER_COLUMNS.split(", ").map((column) => [column, `u_${column}`] as const);

/** The member in a row selected with `aliasedUserColumns`. */
export function userFromAliased(row: Record<string, unknown>): User {
  const fields: Record<string, unknown> = {};
  for (const [column, alias] of USER_FIELDS) fields[column] = row[alias];
  return toUser(fields as unknown as UserRow);
}

/** A member's summary columns of `table`, aliased as aliasedUserColumns does them. */
export function aliasedSummaryColumns(table: string): string {
  return aliased(table, SUMMARY_COLUMNS);
}

/** The member in a row selected with `aliasedSummaryColumns`. */
export function summaryFromAliased(row: Record<string, unknown>): MemberSummary {
  return {
    id: String(row.u_id),
    firstName: row.u_first_name as string,
    lastName: row.u_last_name as string,
    headline: row.u_headline as string,
    profilePictureUrl: row.u_profile_picture_url as string | null,
  };
}

const NO_FILTER = { where: [], params: [] };

/**
 * Members newest first, keyset-paginated. With `q`, the next USER_SCAN_BUDGET + 1 members (a bounded backward range
 * of ix_users_created) are looked at, each marked whether its name or headline holds `q`, and only the matching ones
 * carry their columns: a rare `q` never scans the table. The page stops at `limit` matches or at the budget, as on
 * Deno KV; the extra row tells "stopped early" from "no member left".
 */
export async function listUsers(ctx: Ctx, query: ListUsersQuery): Promise<UsersPage> {
  const limit = pageLimit(query.limit, "listUsers");
  if (!query.q) {
    return await newestPage(ctx, `SELECT ${USER_COLUMNS} FROM users`, NO_FILTER, query.after, limit, toUser);
  }
  const older = query.after ? olderThan(query.after) : [];
  if (!older) return { items: [], next: null };
  const pattern = likePattern(query.q);
  const budget = Math.max(USER_SCAN_BUDGET, limit);
  const rows = await ctx.db.reader.query<WindowRow>(
    `WITH w AS (SELECT id, created_at, (first_name LIKE ? ESCAPE '!' OR last_name LIKE ? ESCAPE '!' ` +
      `OR headline LIKE ? ESCAPE '!') AS hit FROM users ${query.after ? `WHERE ${OLDER_THAN} ` : ""}` +
      "ORDER BY created_at DESC, id DESC LIMIT ?) " +
      `SELECT w.id AS w_id, w.created_at AS w_created_at, w.hit, ${aliasedUserColumns("u")} ` +
      "FROM w LEFT JOIN users u ON u.id = w.id AND w.hit ORDER BY w.created_at DESC, w.id DESC",
    [pattern, pattern, pattern, ...older, limitParam(budget + 1)],
  );
  const items: User[] = [];
  let last: WindowRow | null = null;
  for (const [scanned, row] of rows.entries()) {
    if (items.length === limit || scanned === budget) {
      return { items, next: { createdAt: last!.w_created_at.getTime(), id: String(last!.w_id) } };
    }
    last = row;
    if (row.u_id !== null) items.push(userFromAliased(row));
  }
  return { items, next: null };
}

type WindowRow = Record<string, unknown> & { w_id: string | number; w_created_at: Date; u_id: string | number | null };

// --- member records ------------------------------------------------------------------------------------------------

/** The unique key a taken email meets. */
export const EMAIL_KEY = "uq_users_email_lower";

export function emailTaken(): ConflictError {
  return new ConflictError("That email is already registered.", "email");
}

/** The column of each field a profile patch may set (rules/patches.ts decides which it sets). */
const PATCH_COLUMNS = {
  firstName: "first_name",
  lastName: "last_name",
  headline: "headline",
  bio: "bio",
  location: "location",
  profilePictureUrl: "profile_picture_url",
  passwordHash: "password_hash",
  role: "role",
} as const satisfies Record<keyof UserPatch, string>;

const USER_UPDATE = { table: "users", columns: USER_COLUMNS, event: "user.updated", toRecord: toUser } as const;

/** How each step of MEMBER_DELETION is done here, in the deleting transaction. */
const DELETION_STEPS: Record<MemberDeletionStep, (tx: Executor, memberId: string) => Promise<unknown>> = {
  sessions: () => Promise.resolve(), // with the row: sessions and their token hashes are ON DELETE CASCADE
  idempotencyKeys: (tx, memberId) => tx.execute("DELETE FROM idempotency_keys WHERE user_id = ?", [memberId]),
};

/** The columns a new member's row sets besides its id (createUser, importUsers), in newUserValues' order. */
export const NEW_USER_COLUMNS = "email, email_lower, password_hash, first_name, last_name, headline, bio, location, " +
  "profile_picture_url, role, created_at, updated_at";

/** A new member's NEW_USER_COLUMNS values, added to `out`. */
export function newUserValues(u: Omit<User, "id">, out: Param[]): Param[] {
  out.push(
    u.email,
    u.email.toLowerCase(),
    u.passwordHash,
    u.firstName,
    u.lastName,
    u.headline,
    u.bio,
    u.location,
    u.profilePictureUrl,
    u.role,
    u.createdAt,
    u.updatedAt,
  );
  return out;
}

export async function createUser(ctx: Ctx, input: NewUser): Promise<User> {
  const now = new Date();
  const user = newUserRecord(input, now);
  let id: string;
  try {
    id = await ctx.db.writer.transaction(async (tx) => {
      const { insertId } = await tx.execute(
        `INSERT INTO users (${NEW_USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        newUserValues(user, []),
      );
      await writeEvents(tx, [outboxEvent("user.created", insertId)]);
      return insertId;
    });
  } catch (err) {
    if (isDuplicate(err, EMAIL_KEY)) throw emailTaken();
    throw err;
  }
  ctx.kick();
  return { id, ...user };
}

export async function getUser(ctx: Ctx, id: string): Promise<User | null> {
  const key = dbId(id);
  if (!key) return null;
  const [row] = await ctx.db.reader.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`, [key]);
  return row ? toUser(row) : null;
}

export async function getUserByEmail(ctx: Ctx, email: string): Promise<User | null> {
  const [row] = await ctx.db.reader.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE email_lower = ?`, [
    email.toLowerCase(),
  ]);
  return row ? toUser(row) : null;
}

export async function updateUser(ctx: Ctx, id: string, patch: UserPatch): Promise<User | null> {
  const key = dbId(id);
  if (!key) return null;
  const changes = (Object.entries(profileChanges(patch)) as [keyof UserPatch, Param][])
    .map(([field, value]): [string, Param] => [PATCH_COLUMNS[field], value]);
  return await updateRow(ctx, USER_UPDATE, key, changes);
}

export async function deleteUser(ctx: Ctx, id: string): Promise<boolean> {
  const key = dbId(id);
  if (!key) return false;
  const deleted = await ctx.db.writer.transaction(async (tx) => {
    const { affectedRows } = await tx.execute("DELETE FROM users WHERE id = ?", [key]);
    if (affectedRows === 0) return false;
    for (const step of MEMBER_DELETION) await DELETION_STEPS[step](tx, key);
    await writeEvents(tx, [outboxEvent("user.deleted", key)]);
    return true;
  });
  if (deleted) ctx.kick();
  return deleted;
}

export async function getUsers(ctx: Ctx, ids: string[]): Promise<User[]> {
  const found = new Map<string, User>();
  for (const list of inLists(dbIds(ids))) {
    const rows = await ctx.db.reader.query<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users WHERE id IN (${list.placeholders})`,
      list.params,
    );
    for (const row of rows) found.set(String(row.id), toUser(row));
  }
  return ids.flatMap((id) => found.get(id) ?? []);
}
