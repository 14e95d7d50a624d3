// The request schemas of the API (API.md, "Limits"), shared by the routes that validate with them, the WebSocket hub
// (one validation for a message however it is sent) and the OpenAPI document that describes them. Strict objects: an
// unknown field is a 422, never silently dropped.
import { z } from "zod";

/** `?limit=&cursor=` of every keyset-paginated list (API.md, Conventions). */
export const pageQuery = {
  limit: z.coerce.number({ error: "must be a number from 1 to 100" }).int("must be a whole number")
    .min(1, "must be from 1 to 100").max(100, "must be from 1 to 100").default(20),
  cursor: z.string().min(1).max(4096).optional(),
};
import { isInvisible, isStorableText, NOT_STORABLE } from "./text.ts";

// Control characters are refused on purpose: they have no place in names, and NUL breaks C-based tools downstream.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// deno-lint-ignore no-control-regex
const CONTROL_OR_NEWLINE = /[\u0000-\u001F\u007F]/;
const codePoints = (s: string) => [...s].length;

/** Any string field: well-formed Unicode without non-characters (services/text.ts), so every store keeps it as sent. */
const str = (error = "must be text") => z.string({ error }).refine(isStorableText, NOT_STORABLE);

/** Text measured in characters (code points, so an emoji counts once), stored exactly as sent. */
function text(min: number, max: number, opts: { multiline?: boolean } = {}) {
  return str()
    .refine((s) => codePoints(s) >= min, min === 1 ? "must not be empty" : `must be at least ${min} characters`)
    .refine((s) => codePoints(s) <= max, `must be at most ${max.toLocaleString("en")} characters`)
    .refine((s) => !(opts.multiline ? CONTROL : CONTROL_OR_NEWLINE).test(s), "must not contain control characters")
    .meta({ minLength: min, maxLength: max }); // JSON Schema counts code points too
}

export const email = text(3, 255).refine((s) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s), "must be an email address");
export const password = str()
  .refine((s) => codePoints(s) >= 8, "must be at least 8 characters")
  .refine((s) => codePoints(s) <= 256, "must be at most 256 characters")
  .meta({ minLength: 8, maxLength: 256 });
const name = text(1, 100).refine((s) => !isInvisible(s), "must have a visible character");
/** An image URL set directly: services/media/media.ts (checkIssuedUrl) takes only the ones this server issued. */
const pictureUrl = str().max(2048, "must be at most 2,048 characters").nullable();
const id = str().min(1, "must not be empty").max(64, "must be at most 64 characters");

export const registerBody = z.strictObject({
  email,
  password,
  firstName: name,
  lastName: name,
  role: z.enum(["member", "recruiter"], { error: "must be member or recruiter" }).optional(),
});

export const loginBody = z.strictObject({
  email: str().max(255, "must be at most 255 characters"),
  password: str().max(1024, "must be at most 256 characters"),
});

export const refreshBody = z.strictObject({ refreshToken: str().max(256).optional() });

export const profilePatch = z.strictObject({
  firstName: name.optional(),
  lastName: name.optional(),
  headline: text(0, 255).optional(),
  bio: text(0, 2600, { multiline: true }).optional(),
  location: text(0, 255).optional(),
  profilePictureUrl: pictureUrl.optional(),
  /** An avatar upload of the member's (POST /api/media, purpose avatar); null removes the picture. */
  profilePictureId: id.nullable().optional(),
});

const postContent = text(1, 3000, { multiline: true }).refine((s) => s.trim() !== "", "must not be blank");

const mediaIds = z.array(id).max(4, "must hold at most 4 images");

export const postBody = z.strictObject({
  content: postContent,
  mediaUrl: pictureUrl.optional(),
  mediaIds: mediaIds.optional(),
});

export const postPatch = z.strictObject({
  content: postContent.optional(),
  mediaUrl: pictureUrl.optional(),
  mediaIds: mediaIds.optional(),
});

export const mediaPurpose = z.enum(["avatar", "post"], { error: "must be avatar or post" });

export const mediaQuery = z.strictObject({ purpose: mediaPurpose.optional() });

export const mediaPatch = z.strictObject({ alt: text(0, 1000, { multiline: true }) });

export const postsQuery = z.strictObject({
  feed: z.enum(["home", "all"], { error: "must be home or all" }).optional(),
  authorId: str().min(1).max(64).optional(),
  ...pageQuery,
});

export const usersQuery = z.strictObject({ q: text(0, 100).optional(), ...pageQuery });

export const idParam = str().min(1).max(64);

export const connectionBody = z.strictObject({
  receiverId: str("must be a member id").min(1, "must be a member id").max(64, "must be a member id"),
  message: text(0, 300, { multiline: true }).optional(),
});

export const connectionAnswer = z.strictObject({
  status: z.enum(["accepted", "rejected"], { error: "must be accepted or rejected" }),
});

export const connectionsQuery = z.strictObject({
  status: z.enum(["accepted", "pending"], { error: "must be accepted or pending" }).default("accepted"),
  direction: z.enum(["incoming", "outgoing"], { error: "must be incoming or outgoing" }).optional(),
  ...pageQuery,
});

export const suggestionsQuery = z.strictObject({ limit: pageQuery.limit });

export const notificationsQuery = z.strictObject(pageQuery);

export const notificationsReadBody = z.strictObject({
  ids: z.array(idParam, { error: "must be a list of notification ids" }).max(100, "must hold at most 100 ids")
    .optional(),
});

/** A client's own id for a message: a resend with the same one is the same message. */
const clientIdField = z.string({ error: "must be text" }).regex(
  /^[\x21-\x7e]{1,64}$/,
  "must be 1 to 64 visible ASCII characters",
);

export const messageBody = z.strictObject({
  receiverId: str("must be a member id").min(1, "must be a member id").max(64, "must be a member id"),
  content: text(1, 5000, { multiline: true }).refine((s) => s.trim() !== "", "must not be blank"),
  clientId: clientIdField.optional(),
});

export const messagesQuery = z.strictObject({ with: idParam.optional(), ...pageQuery });

export const messagesReadBody = z.strictObject({ with: idParam });

export const jobTypes = ["full-time", "part-time", "contract", "internship"] as const;
const jobType = z.enum(jobTypes, { error: "must be full-time, part-time, contract or internship" });
const jobFields = {
  title: text(1, 255).refine((s) => s.trim() !== "", "must not be blank"),
  description: text(1, 10_000, { multiline: true }).refine((s) => s.trim() !== "", "must not be blank"),
  location: text(0, 255),
  salaryRange: text(0, 100).nullable(),
  jobType,
};

export const jobBody = z.strictObject({
  ...jobFields,
  location: jobFields.location.optional(),
  salaryRange: jobFields.salaryRange.optional(),
});

export const jobPatch = z.strictObject({
  title: jobFields.title.optional(),
  description: jobFields.description.optional(),
  location: jobFields.location.optional(),
  salaryRange: jobFields.salaryRange.optional(),
  jobType: jobType.optional(),
});

export const jobsQuery = z.strictObject({
  q: text(0, 100).optional(),
  location: text(0, 255).optional(),
  jobType: jobType.optional(),
  ...pageQuery,
});

export const searchQuery = z.strictObject({
  q: text(1, 100).refine((s) => s.trim() !== "", "must not be blank"),
  type: z.enum(["people", "posts", "jobs"], { error: "must be people, posts or jobs" }).default("people"),
  ...pageQuery,
});
