// Response shapes (API.md, "Resources") as allow-lists: a field reaches a client only if it is named here.
import type { PostView } from "../../services/posts.ts";
import type { User } from "../../services/store/types.ts";

export function userSummary(u: User) {
  return {
    id: u.id,
    firstName: u.firstName,
    lastName: u.lastName,
    headline: u.headline,
    profilePictureUrl: u.profilePictureUrl,
  };
}

/** A member as others see them; `connection` is their relation to the caller (connections arrive in a later issue). */
export function publicUser(u: User) {
  return {
    ...userSummary(u),
    bio: u.bio,
    location: u.location,
    role: u.role,
    createdAt: u.createdAt.toISOString(),
    connection: null,
  };
}

/** The caller's own profile: the only answer that carries an email. */
export function me(u: User) {
  return { ...publicUser(u), email: u.email };
}

export function postJson({ post, author }: PostView) {
  return {
    id: post.id,
    author: userSummary(author),
    content: post.content,
    mediaUrl: post.mediaUrl,
    createdAt: post.createdAt.toISOString(),
    updatedAt: post.updatedAt.toISOString(),
  };
}
