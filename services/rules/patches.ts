// Which fields a patch may set, for every store: a member's profile, a post and a job.
import type { JobPatch, PostPatch, UserPatch } from "../store/model.ts";

const PROFILE_FIELDS = [
  "firstName",
  "lastName",
  "headline",
  "bio",
  "location",
  "profilePictureUrl",
  "passwordHash",
  "role",
] as const satisfies readonly (keyof UserPatch)[];

const POST_FIELDS = ["content", "mediaUrl", "mediaIds"] as const satisfies readonly (keyof PostPatch)[];

const JOB_FIELDS = ["title", "description", "location", "salaryRange", "jobType"] as const satisfies readonly (
  keyof JobPatch
)[];

/** The allow-listed `fields` that `patch` sets: extra keys and explicit undefineds never reach the record. */
function allowListed<P extends object>(fields: readonly (keyof P)[], patch: P): P {
  return Object.fromEntries(fields.filter((field) => patch[field] !== undefined).map((f) => [f, patch[f]])) as P;
}

export function profileChanges(patch: UserPatch): UserPatch {
  return allowListed(PROFILE_FIELDS, patch);
}

export function postChanges(patch: PostPatch): PostPatch {
  return allowListed(POST_FIELDS, patch);
}

export function jobChanges(patch: JobPatch): JobPatch {
  return allowListed(JOB_FIELDS, patch);
}
