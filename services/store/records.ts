// Record shapes shared by every adapter, so the defaults of a new record are decided once.
import { ConflictError } from "../errors.ts";
import type { Job, NewJob, NewUser, User } from "./model.ts";

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

/** A new job's record without its id: location "" and salaryRange null when not given, updatedAt = createdAt. */
export function newJobRecord(input: NewJob, at: Date): Omit<Job, "id"> {
  return {
    posterId: input.posterId,
    title: input.title,
    description: input.description,
    location: input.location ?? "",
    salaryRange: input.salaryRange ?? null,
    jobType: input.jobType,
    createdAt: at,
    updatedAt: new Date(at),
  };
}

/** A creating write whose Idempotency-Key claim is no longer its own (lease lapsed and taken over): nothing written. */
export function idempotencyClaimLost(): ConflictError {
  return new ConflictError(
    "This request's claim on its Idempotency-Key lapsed and another request holds it now; retry with the same key.",
  );
}

/** A post's write found one of its images attached to another post since the service checked it: nothing written. */
export function mediaTaken(): ConflictError {
  return new ConflictError("An image of this post was attached to another post at the same time; upload it again.");
}
