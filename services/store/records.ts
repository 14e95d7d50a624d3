// Record shapes shared by every adapter, so the defaults of a new record are decided once.
import type { NewUser, User } from "./types.ts";

/** A new member's record without its id (each adapter makes ids its own way). */
export function newUserRecord(input: NewUser, at: Date): Omit<User, "id"> {
  return {
    email: input.email,
    passwordHash: input.passwordHash,
    firstName: input.firstName,
    lastName: input.lastName,
    headline: input.headline ?? "",
    bio: input.bio ?? "",
    location: input.location ?? "",
    profilePictureUrl: input.profilePictureUrl ?? null,
    role: input.role,
    createdAt: at,
    updatedAt: new Date(at),
  };
}
