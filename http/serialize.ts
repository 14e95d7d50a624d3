// Response shapes (API.md, "Resources") as allow-lists: a field reaches a client only if it is named here. Each
// returns the type of its schema in resources.ts, which the OpenAPI document is generated from.
import type { z } from "zod";
import type { ConnectionView, Relation } from "../services/connections.ts";
import type { JobView } from "../services/jobs.ts";
import type { ConversationView } from "../services/messages.ts";
import { messageJson } from "../services/realtime/events.ts";
import type { NotificationView } from "../services/notifications.ts";
import type { PostView } from "../services/posts.ts";
import type { SearchResult } from "../services/site_search.ts";
import type { Suggestion } from "../services/suggestions.ts";
import type { MemberSummary, User } from "../services/store/model.ts";
import type * as R from "./resources.ts";
import { legacyMediaUrl, type MediaView } from "../services/media/media.ts";
import { shownUrl } from "../services/media/urls.ts";
import { placeholderBackground } from "../services/media/placeholder.ts";

export function mediaJson(m: MediaView): z.infer<typeof R.Media> {
  return m;
}

export function userSummary(u: MemberSummary): z.infer<typeof R.UserSummary> {
  return {
    id: u.id,
    firstName: u.firstName,
    lastName: u.lastName,
    headline: u.headline,
    profilePictureUrl: shownUrl(u.profilePictureUrl),
  };
}

const SELF: Relation = { connection: null, degree: null, mutualCount: 0 };

/** A member as the caller sees them: `connection` and `degree` say how the two are related. */
export function publicUser(u: User, relation: Relation): z.infer<typeof R.User> {
  const c = relation.connection;
  return {
    ...userSummary(u),
    bio: u.bio,
    location: u.location,
    role: u.role,
    createdAt: u.createdAt.toISOString(),
    connection: c && {
      id: c.id,
      status: c.status as "pending" | "accepted",
      direction: c.senderId === u.id ? "incoming" as const : "outgoing" as const,
    },
    degree: relation.degree,
  };
}

/** The caller's own profile: the only answer that carries an email. */
export function me(u: User): z.infer<typeof R.Me> {
  return { ...publicUser(u, SELF), email: u.email };
}

export function connectionJson({ connection: c, sender, receiver }: ConnectionView): z.infer<typeof R.Connection> {
  return {
    id: c.id,
    sender: userSummary(sender),
    receiver: userSummary(receiver),
    status: c.status,
    message: c.message,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function suggestionJson(s: Suggestion): z.infer<typeof R.Suggestion> {
  return { user: userSummary(s.user), reason: s.reason, mutualCount: s.mutualCount };
}

export function notificationJson({ notification: n, actor }: NotificationView): z.infer<typeof R.Notification> {
  return {
    id: n.id,
    type: n.type,
    actor: userSummary(actor),
    subjectId: n.subjectId,
    read: n.read,
    createdAt: n.createdAt.toISOString(),
  };
}

/** A post as a server-rendered card takes it: its author as shown, its images with their placeholders drawn. */
export function postCard({ post, author, media }: PostView) {
  return {
    id: post.id,
    author: userSummary(author),
    content: post.content,
    mediaUrl: shownUrl(post.mediaUrl),
    media: media.map((m) => ({ ...m, background: placeholderBackground(m.placeholder) })),
    createdAt: post.createdAt.toISOString(),
  };
}

export function postJson({ post, author, media }: PostView): z.infer<typeof R.Post> {
  return {
    id: post.id,
    author: userSummary(author),
    content: post.content,
    mediaUrl: legacyMediaUrl(media) ?? shownUrl(post.mediaUrl),
    media: media.map(mediaJson),
    createdAt: post.createdAt.toISOString(),
    updatedAt: post.updatedAt.toISOString(),
  };
}

export function jobJson({ job, poster }: JobView): z.infer<typeof R.Job> {
  return {
    id: job.id,
    company: userSummary(poster),
    title: job.title,
    description: job.description,
    location: job.location,
    salaryRange: job.salaryRange,
    jobType: job.jobType,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}

/** A search hit: its type and the resource in the shape the rest of the API uses. */
export function hitJson(hit: SearchResult): z.infer<typeof R.SearchHit> {
  if (hit.type === "people") return { type: hit.type, user: userSummary(hit.user) };
  if (hit.type === "posts") return { type: hit.type, post: postJson(hit.post) };
  return { type: hit.type, job: jobJson(hit.job) };
}

/** A conversation as `GET /api/messages` lists it (and the Chat island shows it). */
export function conversationJson({ user, conversation }: ConversationView): z.infer<typeof R.Conversation> {
  return {
    user: userSummary(user),
    lastMessage: messageJson(conversation.lastMessage),
    unreadCount: conversation.unreadCount,
  };
}
