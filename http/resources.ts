// What the API answers (API.md, "Resources"), as zod schemas. The serialisers' return types are inferred from them
// and the OpenAPI document's components are generated from them, so the two cannot say different things; a test
// checks real answers against them. Objects are strict: a field the schema does not name is a drift, not a bonus.
import { z } from "zod";
import { jobTypes } from "../services/schemas.ts";

const text = z.string();
const nullableText = z.string().nullable();
const dateTime = z.iso.datetime();
const count = z.int().min(0);

export const UserSummary = z.strictObject({
  id: text,
  firstName: text,
  lastName: text,
  headline: text,
  profilePictureUrl: nullableText,
});

export const User = z.strictObject({
  ...UserSummary.shape,
  bio: text,
  location: text,
  role: z.enum(["member", "recruiter", "admin"]),
  createdAt: dateTime,
  connection: z.strictObject({
    id: text,
    status: z.enum(["pending", "accepted"]),
    direction: z.enum(["incoming", "outgoing"]),
  }).nullable(),
  degree: z.union([z.literal(1), z.literal(2), z.literal(3), z.null()])
    .describe("1st, 2nd or 3rd+ degree; null for the caller"),
});

export const Me = z.strictObject({ ...User.shape, email: text });

/** What GET and PUT /api/users/{id} answer: Me when the member is the caller, User for anyone else. */
export const Profile = z.union([Me, User]);

export const MediaVariant = z.strictObject({
  url: text,
  width: count,
  height: count,
  type: z.enum(["image/webp", "image/jpeg"]),
});

export const Media = z.strictObject({
  id: text,
  purpose: z.enum(["avatar", "post"]),
  width: count,
  height: count,
  alt: text,
  placeholder: text.describe("A ThumbHash, base64"),
  variants: z.array(MediaVariant).describe("Largest first, WebP then JPEG at each size"),
});

export const Post = z.strictObject({
  id: text,
  author: UserSummary,
  content: text,
  mediaUrl: nullableText.describe("The first image's 960 px JPEG, for clients of v1"),
  media: z.array(Media),
  createdAt: dateTime,
  updatedAt: dateTime,
});

export const Connection = z.strictObject({
  id: text,
  sender: UserSummary,
  receiver: UserSummary,
  status: z.enum(["pending", "accepted", "rejected"]),
  message: text,
  createdAt: dateTime,
  updatedAt: dateTime,
});

export const Suggestion = z.strictObject({ user: UserSummary, reason: text, mutualCount: count });

export const Notification = z.strictObject({
  id: text,
  type: z.enum(["invitation:received", "invitation:accepted", "message:received"]),
  actor: UserSummary,
  subjectId: text,
  read: z.boolean(),
  createdAt: dateTime,
});

export const Message = z.strictObject({
  id: text,
  senderId: text,
  receiverId: text,
  content: text,
  isRead: z.boolean(),
  createdAt: dateTime,
  clientId: nullableText,
});

export const Conversation = z.strictObject({ user: UserSummary, lastMessage: Message, unreadCount: count });

export const Job = z.strictObject({
  id: text,
  company: UserSummary,
  title: text,
  description: text,
  location: text,
  salaryRange: nullableText,
  jobType: z.enum(jobTypes),
  createdAt: dateTime,
  updatedAt: dateTime,
});

export const SearchHit = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("people"), user: UserSummary }),
  z.strictObject({ type: z.literal("posts"), post: Post }),
  z.strictObject({ type: z.literal("jobs"), job: Job }),
]);

/** A keyset page: `nextCursor` is null on the last one. */
const page = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: nullableText });

export const UserSummaryPage = page(UserSummary);
export const PostPage = page(Post);
export const ConnectionPage = page(Connection);
export const JobPage = page(Job);
export const MessagePage = page(Message);
export const SearchPage = page(SearchHit);
export const NotificationPage = z.strictObject({
  ...page(Notification).shape,
  unreadCount: count.describe("Counted up to 100"),
});
export const SuggestionList = z.strictObject({ items: z.array(Suggestion) });
export const ConversationList = z.strictObject({ items: z.array(Conversation) });
export const ConversationListOrMessagePage = z.union([ConversationList, MessagePage]);

export const AuthResult = z.strictObject({ user: Me, accessToken: text, refreshToken: text, expiresIn: count });
export const Ticket = z.strictObject({ ticket: text, expiresIn: count.describe("Seconds") });

/** RFC 9457 problem details, the shape of every /api error (http/problem.ts writes it). */
export const Problem = z.strictObject({
  type: text,
  title: text,
  status: z.int(),
  detail: text.optional(),
  errors: z.array(z.strictObject({ path: text, message: text })).optional(),
});

/** Every resource by the name the OpenAPI document gives it under components/schemas. */
export const RESOURCES = {
  Problem,
  UserSummary,
  User,
  Me,
  Profile,
  UserSummaryPage,
  Media,
  Post,
  PostPage,
  Connection,
  ConnectionPage,
  Suggestion,
  SuggestionList,
  Notification,
  NotificationPage,
  Message,
  MessagePage,
  Conversation,
  ConversationList,
  ConversationListOrMessagePage,
  Job,
  JobPage,
  SearchHit,
  SearchPage,
  Ticket,
  AuthResult,
} as const;

export type ResourceName = keyof typeof RESOURCES;
