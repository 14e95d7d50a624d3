// Which fields of a member a profile patch may set, for every store.
import type { UserPatch } from "../store/types.ts";

const PATCHABLE = [
  "firstName",
  "lastName",
  "headline",
  "bio",
  "location",
  "profilePictureUrl",
  "passwordHash",
  "role",
] as const satisfies readonly (keyof UserPatch)[];

/** The allow-listed fields `patch` sets: extra keys and explicit undefineds never reach the record. */
export function patchChanges(patch: UserPatch): UserPatch {
  return Object.fromEntries(
    PATCHABLE.filter((field) => patch[field] !== undefined).map((field) => [field, patch[field]]),
  );
}
