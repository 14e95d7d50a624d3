// The users table's columns and rows, shared by the statements that read members alone or joined to other tables,
// the listing of members, and the reads that find members by place or headline (store.ts keeps the member writes
// and lookups).
import type { ListUsersQuery, Role, User, UsersPage } from "../types.ts";
import { headlineWords } from "../words.ts";
import type { Param } from "./pool.ts";
import { type Ctx, likePattern, limitParam, newestPage, pageLimit } from "./shared.ts";

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

/** The user columns of `table`, under their own names. */
function qualifiedUserColumns(table: string): string {
  return USER_COLUMNS.split(", ").map((c) => `${table}.${c}`).join(", ");
}

/** The user columns of `table`, each aliased `u_<column>`, for a statement that joins users to another table. */
export function aliasedUserColumns(table: string): string {
  return USER_COLUMNS.split(", ").map((c) => `${table}.${c} AS u_${c}`).join(", ");
}

/** Row fields to user fields, and the same under their `u_` aliases: feed pages map 20 joined rows per request. */
const USER_FIELDS = USER_COLUMNS.split(", ").map((column) => [column, `u_${column}`] as const);

/** The member in a row selected with `aliasedUserColumns`. */
export function userFromAliased(row: Record<string, unknown>): User {
  const fields: Record<string, unknown> = {};
  for (const [column, alias] of USER_FIELDS) fields[column] = row[alias];
  return toUser(fields as unknown as UserRow);
}

/**
 * Members whose location, without the spaces around it, equals `location` in the table collation (case-insensitive):
 * a backward range scan of ix_users_location (location_key, created_at, id), which stops after `limit` rows. The
 * trimmed location is `location_key`, a virtual column (migrations/003), so the index holds what is compared.
 */
export async function listUsersByLocation(ctx: Ctx, location: string, limit: number): Promise<User[]> {
  pageLimit(limit, "listUsersByLocation");
  if (location.trim() === "") return [];
  const rows = await ctx.db.reader.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users WHERE location_key = TRIM(?) ORDER BY created_at DESC, id DESC LIMIT ?`,
    [location, limitParam(limit)],
  );
  return rows.map(toUser);
}

/**
 * Members whose headline shares a word with `headline` (words.ts decides what a word is; InnoDB's full-text parser,
 * with the default token sizes of 3..84 and no stopwords, indexes the same ones), most shared words first, then
 * newest. The WHERE is one boolean-mode search of ft_users_headline for any of the words; each word's own MATCH adds
 * 1 to `shared` where it occurs (a matching row's weight is always above 0, even for a word every headline has). So
 * the cost is the members who share a word (the postings of those words), never a scan of the table. Full-text
 * changes are visible once committed (not inside the writing transaction).
 */
export async function listUsersByHeadline(ctx: Ctx, headline: string, limit: number): Promise<User[]> {
  pageLimit(limit, "listUsersByHeadline");
  // Letters, marks and digits only, so no word is a boolean-mode operator.
  const words = headlineWords(headline);
  if (words.length === 0) return [];
  const shared = words.map(() => "(MATCH (headline) AGAINST (? IN BOOLEAN MODE) > 0)").join(" + ");
  // Ranked on (id, created_at, shared) alone, then joined back for the page's rows: sorting the whole rows of every
  // match (bio included) took about twice as long for a word a third of the members have.
  const rows = await ctx.db.reader.query<UserRow>(
    `SELECT ${qualifiedUserColumns("u")} FROM (SELECT id, created_at, ${shared} AS shared FROM users ` +
      "WHERE MATCH (headline) AGAINST (? IN BOOLEAN MODE) ORDER BY shared DESC, created_at DESC, id DESC LIMIT ?) t " +
      "JOIN users u ON u.id = t.id ORDER BY t.shared DESC, t.created_at DESC, t.id DESC",
    [...words, words.join(" "), limitParam(limit)],
  );
  return rows.map(toUser);
}

/** Members newest first, optionally those whose name or headline holds `q`; keyset-paginated. */
export async function listUsers(ctx: Ctx, query: ListUsersQuery): Promise<UsersPage> {
  const limit = pageLimit(query.limit, "listUsers");
  const where: string[] = [];
  const params: Param[] = [];
  if (query.q) {
    const pattern = likePattern(query.q);
    where.push("(first_name LIKE ? ESCAPE '!' OR last_name LIKE ? ESCAPE '!' OR headline LIKE ? ESCAPE '!')");
    params.push(pattern, pattern, pattern);
  }
  return await newestPage(ctx, `SELECT ${USER_COLUMNS} FROM users`, { where, params }, query.after, limit, toUser);
}
