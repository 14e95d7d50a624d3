// The users table's columns and rows, shared by the statements that read members alone or joined to other tables.
import type { Role, User } from "../types.ts";

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

/** The member in a row selected with `aliasedUserColumns`. */
export function userFromAliased(row: Record<string, unknown>): User {
  const fields = Object.fromEntries(USER_COLUMNS.split(", ").map((c) => [c, row[`u_${c}`]]));
  return toUser(fields as unknown as UserRow);
}
