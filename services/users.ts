// Member profiles: read, list, edit, delete. Object-level rules: anyone signed in reads a profile; only the member
// or an admin edits or deletes it.
import { type Relation, relationTo } from "./connections.ts";
import { ForbiddenError, NotFoundError } from "./errors.ts";
import { type JobsDeps, type JobView, listJobs, mayPostJobs } from "./jobs.ts";
import { decodeCursor, encodeCursor, isPosition } from "./store/cursor.ts";
import type { Live } from "./realtime/events.ts";
import type { User, UserPatch } from "./store/model.ts";
import type { ConnectionsPort } from "./store/ports/network.ts";
import type { MembersPort } from "./store/ports/members.ts";
import type { MediaPort } from "./store/ports/media.ts";
import { checkIssuedUrl, type MediaDeps, retirePicture, setProfilePicture } from "./media/media.ts";

/** The storage ports this module uses. */
type Store = MembersPort & ConnectionsPort & MediaPort;

export interface UsersDeps extends MediaDeps {
  store: Store;
  cursorKey: Uint8Array;
  log: (event: Record<string, unknown>) => void;
  /** Closes a deleted member's sockets, on every instance. */
  live: Pick<Live, "memberGone">;
}

/** The fields a member may change on a profile (API.md, PUT /api/users/:id). */
export type ProfilePatch =
  & Pick<UserPatch, "firstName" | "lastName" | "headline" | "bio" | "location" | "profilePictureUrl">
  & { profilePictureId?: string | null };

export async function getMember(deps: Pick<UsersDeps, "store">, id: string): Promise<User> {
  const user = await deps.store.getUser(id);
  if (!user) throw new NotFoundError("member");
  return user;
}

/** A member's profile as the caller sees it: with their connection and degree. */
export async function viewMember(
  deps: Pick<UsersDeps, "store">,
  caller: User,
  id: string,
): Promise<{ user: User; relation: Relation }> {
  const user = await getMember(deps, id);
  return { user, relation: await relationTo(deps.store, caller, user) };
}

/** What a profile page shows: the member, how they relate to the caller, and the jobs a recruiter posted. */
export async function profilePage(
  deps: UsersDeps & JobsDeps,
  caller: User,
  id: string,
): Promise<{ user: User; relation: Relation; jobs: JobView[] }> {
  const view = await viewMember(deps, caller, id);
  const jobs = mayPostJobs(view.user) ? (await listJobs(deps, { posterId: view.user.id, limit: 10 })).items : [];
  return { ...view, jobs };
}

/** Newest members first; `q` filters by name or headline. */
export async function listMembers(
  deps: UsersDeps,
  query: { q?: string; limit: number; cursor?: string },
): Promise<{ items: User[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(deps.cursorKey, "users", query.cursor, isPosition) : undefined;
  const page = await deps.store.listUsers({ q: query.q?.trim() || undefined, limit: query.limit, after });
  return {
    items: page.items,
    nextCursor: page.next ? encodeCursor(deps.cursorKey, "users", page.next) : null,
  };
}

function assertMayChange(caller: User, id: string, action: string): void {
  if (caller.id !== id && caller.role !== "admin") {
    throw new ForbiddenError(`Only the member or an admin may ${action} this profile.`);
  }
}

export async function updateProfile(
  deps: UsersDeps,
  caller: User,
  id: string,
  patch: ProfilePatch,
): Promise<{ user: User; relation: Relation }> {
  const member = await getMember(deps, id); // unknown is 404 before the 403 question
  assertMayChange(caller, id, "edit");
  const { profilePictureId, ...fields } = patch;
  checkIssuedUrl("profilePictureUrl", fields.profilePictureUrl);
  let updated = await deps.store.updateUser(id, fields);
  if (updated && profilePictureId !== undefined) updated = await setProfilePicture(deps, updated, profilePictureId);
  if (!updated) throw new NotFoundError("member");
  await retirePicture(deps, member, updated);
  if (caller.id !== id) deps.log({ msg: "admin edited a profile", adminId: caller.id, userId: id });
  return { user: updated, relation: await relationTo(deps.store, caller, updated) };
}

/** Deletes the account: it can no longer sign in, its sessions end, and its email is free again. */
export async function deleteAccount(deps: UsersDeps, caller: User, id: string): Promise<void> {
  await getMember(deps, id);
  assertMayChange(caller, id, "delete");
  if (!await deps.store.deleteUser(id)) throw new NotFoundError("member");
  await deps.live.memberGone(id);
  deps.log({ msg: "account deleted", userId: id, by: caller.id });
}
