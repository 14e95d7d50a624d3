// The users table's columns and rows, shared by the statements that read members alone or joined to other tables,
// and the listing of members (store.ts keeps the member writes and lookups; suggestions.ts finds members by place
// and headline).
import type { ListUsersQuery, Role, User, UsersPage } from "../types.ts";
import type { Param } from "./pool.ts";
import { type Ctx, likePattern, newestPage, pageLimit } from "./shared.ts";

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
