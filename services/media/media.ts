// Uploaded images: upload, alt text, delete, attach to a profile or a post, and their end (an upload never attached
// is swept after a day; a deleted post's or member's media go at once). The bytes of each variant are in the blob
// store, the record in the store. Every rule about who may use which media is here: adapters only persist.
import type { WriteBudgets } from "../budgets.ts";
import { sha256Hex } from "../crypto.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import type { BlobStore } from "../blobs/types.ts";
import type { Media, MediaPurpose, MediaVariant, Post, User } from "../store/model.ts";
import type { MediaPort } from "../store/ports/media.ts";
import type { MembersPort } from "../store/ports/members.ts";
import type { ProcessedImage } from "./pipeline.ts";
import { mediaUrl, parseIssuedUrl, variantKey } from "./urls.ts";

/** A media record as clients see it (API.md, Media): its variants by URL. */
export interface MediaView {
  id: string;
  purpose: MediaPurpose;
  width: number;
  height: number;
  alt: string;
  placeholder: string;
  variants: { url: string; width: number; height: number; type: MediaVariant["type"] }[];
}

export function mediaView(m: Media): MediaView {
  return {
    id: m.id,
    purpose: m.purpose,
    width: m.width,
    height: m.height,
    alt: m.alt,
    placeholder: m.placeholder,
    variants: m.variants.map((v) => ({ url: mediaUrl(v.key), width: v.width, height: v.height, type: v.type })),
  };
}

/** What a v1 client reads as a post's `mediaUrl`: the first image's 960 JPEG (or its largest, when smaller). */
export function legacyMediaUrl(media: MediaView[]): string | null {
  const jpegs = media[0]?.variants.filter((v) => v.type === "image/jpeg") ?? [];
  return (jpegs.find((v) => v.width <= 960) ?? jpegs[jpegs.length - 1])?.url ?? null;
}

/** The storage ports this module uses. */
type Store = MediaPort & Pick<MembersPort, "getUser" | "updateUser">;

export interface MediaDeps {
  store: Store;
  blobs: BlobStore;
  images: { process(bytes: Uint8Array, purpose: MediaPurpose): Promise<ProcessedImage> };
  budgets: Pick<WriteBudgets, "spend" | "assertRoom">;
  log: (event: Record<string, unknown>) => void;
}

/** Images one post may carry (API.md, Media). */
export const MAX_POST_MEDIA = 4;
/** How long an upload may wait to be attached before the sweep deletes it. */
export const ORPHAN_AFTER_MS = 24 * 60 * 60 * 1000;
/** The avatar size a profile's `profilePictureUrl` names (API.md). */
const PROFILE_SIZE = 256;
const BATCH = 100;

/** 429 before an upload's body is read, when the member has no upload left this hour (uploadMedia counts it). */
export async function assertUploadRoom(deps: Pick<MediaDeps, "budgets">, caller: User): Promise<void> {
  await deps.budgets.assertRoom("upload", caller.id);
}

/**
 * Re-encodes the upload (off the event loop), records it, then stores its variants (storeImage).
 */
export async function uploadMedia(
  deps: MediaDeps,
  caller: User,
  bytes: Uint8Array,
  purpose: MediaPurpose,
): Promise<Media> {
  await deps.budgets.spend("upload", caller.id);
  return await storeImage(deps, caller.id, await deps.images.process(bytes, purpose), purpose);
}

/**
 * Records an image the pipeline made as `ownerId`'s upload, then stores its variants under keys of that record alone.
 * The record names every key before a blob is written, so whatever a crash leaves is found by the orphan sweep.
 */
export async function storeImage(
  deps: Pick<MediaDeps, "store" | "blobs">,
  ownerId: string,
  image: ProcessedImage,
  purpose: MediaPurpose,
): Promise<Media> {
  const draft = await deps.store.createMedia({
    ownerId,
    purpose,
    width: image.width,
    height: image.height,
    alt: "",
    placeholder: image.placeholder,
    variants: [],
  });
  const first = image.variants[0].bytes;
  const digest = (await sha256Hex(concat(new TextEncoder().encode(`${draft.id}:`), first))).slice(0, 16);
  const variants: MediaVariant[] = image.variants.map((v) => ({
    key: variantKey({ mediaId: draft.id, digest }, v.width, v.type === "image/webp" ? "webp" : "jpg"),
    width: v.width,
    height: v.height,
    type: v.type,
  }));
  const media = (await deps.store.updateMedia(draft.id, { variants })) ?? { ...draft, variants };
  try {
    await Promise.all(variants.map((v, i) => deps.blobs.put(v.key, image.variants[i].bytes)));
  } catch (err) {
    await removeMedia(deps, media).catch(() => {}); // the sweep retries what this could not remove
    throw err;
  }
  return media;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}

/**
 * A page form's images for a post, each uploaded with its alt text, in order: what the Composer sends without
 * JavaScript. Resolves to their ids for the post; what a refusal leaves behind is swept as unattached.
 */
export async function uploadPostImages(
  deps: MediaDeps,
  caller: User,
  images: { bytes: Uint8Array; alt: string }[],
): Promise<string[]> {
  if (images.length > MAX_POST_MEDIA) {
    throw new ValidationError(`A post carries at most ${MAX_POST_MEDIA} images.`);
  }
  const ids: string[] = [];
  for (const [i, image] of images.entries()) {
    try {
      const media = await uploadMedia(deps, caller, image.bytes, "post");
      if (image.alt) await deps.store.updateMedia(media.id, { alt: image.alt });
      ids.push(media.id);
    } catch (err) {
      // Which image it was, when there are several.
      if (images.length > 1 && err instanceof Error) err.message = `Image ${i + 1}: ${err.message}`;
      throw err;
    }
  }
  return ids;
}

/** The caller's own media; 404 when there is none, 403 when it is someone else's. */
export async function ownMedia(deps: Pick<MediaDeps, "store">, caller: User, id: string): Promise<Media> {
  const media = await deps.store.getMedia(id);
  if (!media || media.variants.length === 0) throw new NotFoundError("media");
  if (media.ownerId !== caller.id) throw new ForbiddenError("Only its owner may change this media.");
  return media;
}

export async function setMediaAlt(deps: MediaDeps, caller: User, id: string, alt: string): Promise<Media> {
  await ownMedia(deps, caller, id);
  const updated = await deps.store.updateMedia(id, { alt });
  if (!updated) throw new NotFoundError("media");
  return updated;
}

/** Deletes the caller's upload; a profile picture it was stops being shown. */
export async function deleteMedia(deps: MediaDeps, caller: User, id: string): Promise<void> {
  const media = await ownMedia(deps, caller, id);
  if (media.attachedTo === `avatar:${caller.id}`) await deps.store.updateUser(caller.id, { profilePictureUrl: null });
  await removeMedia(deps, media);
}

/** The blobs first, then the record: a failure part way leaves the record for a retry to find. */
async function removeMedia(deps: Pick<MediaDeps, "store" | "blobs">, media: Media): Promise<void> {
  await Promise.all(media.variants.map((v) => deps.blobs.delete(v.key)));
  await deps.store.deleteMedia(media.id);
}

/**
 * The media a post of the caller's may carry, in the order given: the caller's own post uploads, each once, not on
 * another post. 422 otherwise (the ids are input like any other field).
 */
export async function mediaForPost(
  deps: Pick<MediaDeps, "store">,
  caller: User,
  ids: string[],
  postId?: string,
): Promise<Media[]> {
  const refuse = (message: string) => new ValidationError(message, [{ path: "mediaIds", message }]);
  if (ids.length > MAX_POST_MEDIA) throw refuse(`A post carries at most ${MAX_POST_MEDIA} images.`);
  if (new Set(ids).size !== ids.length) throw refuse("Each image may be attached once.");
  const found = await deps.store.getMediaMany(ids);
  for (const id of ids) {
    const media = found.find((m) => m.id === id);
    const usable = media && media.ownerId === caller.id && media.purpose === "post" && media.variants.length > 0 &&
      (media.attachedTo === null || media.attachedTo === `post:${postId}`);
    if (!usable) throw refuse(`${JSON.stringify(id)} is not one of your uploaded post images.`);
  }
  return found;
}

/** Each post's media, read in one go for a page of posts. */
export async function mediaOfPosts(deps: Pick<MediaDeps, "store">, posts: Post[]): Promise<Map<string, Media[]>> {
  const ids = posts.flatMap((p) => p.mediaIds ?? []);
  const byId = new Map((ids.length ? await deps.store.getMediaMany(ids) : []).map((m) => [m.id, m]));
  return new Map(posts.map((p) => [p.id, (p.mediaIds ?? []).flatMap((id) => byId.get(id) ?? [])]));
}

/** After a post is gone (its media detached in the same commit): its images go too. */
export async function removePostMedia(deps: Pick<MediaDeps, "store" | "blobs">, post: Post): Promise<void> {
  const media = await deps.store.getMediaMany(post.mediaIds ?? []);
  for (const m of media) if (m.attachedTo === null && m.ownerId === post.authorId) await removeMedia(deps, m);
}

/** A profile picture's URL and the upload it is: the caller's own avatar upload. */
async function avatarFor(deps: MediaDeps, memberId: string, mediaId: string): Promise<{ media: Media; url: string }> {
  const media = await deps.store.getMedia(mediaId);
  if (!media || media.ownerId !== memberId || media.purpose !== "avatar" || media.variants.length === 0) {
    const message = `${JSON.stringify(mediaId)} is not one of this member's uploaded avatars.`;
    throw new ValidationError(message, [{ path: "profilePictureId", message }]);
  }
  // The 256 JPEG, or the largest one when the picture was smaller (never upscaled).
  const jpegs = media.variants.filter((v) => v.type === "image/jpeg");
  const pick = jpegs.find((v) => v.width <= PROFILE_SIZE) ?? jpegs[jpegs.length - 1];
  return { media, url: mediaUrl(pick.key) };
}

/**
 * Sets (or with null, removes) a member's picture from an avatar upload of theirs: the profile first, then the
 * attachment, then the previous picture's removal (a crash in between leaves what the sweep repairs).
 */
export async function setProfilePicture(
  deps: MediaDeps,
  member: User,
  mediaId: string | null,
): Promise<User | null> {
  const next = mediaId === null ? null : await avatarFor(deps, member.id, mediaId);
  const updated = await deps.store.updateUser(member.id, { profilePictureUrl: next?.url ?? null });
  if (next) await deps.store.updateMedia(next.media.id, { attachedTo: `avatar:${member.id}` });
  if (updated) await retirePicture(deps, member, updated);
  return updated;
}

/** After a profile's picture changed from `before`'s: the upload it was is deleted (it was the member's). */
export async function retirePicture(
  deps: Pick<MediaDeps, "store" | "blobs">,
  before: User,
  after: User,
): Promise<void> {
  const previous = before.profilePictureUrl ? parseIssuedUrl(before.profilePictureUrl) : null;
  const current = after.profilePictureUrl ? parseIssuedUrl(after.profilePictureUrl) : null;
  if (!previous || previous.mediaId === current?.mediaId) return;
  const old = await deps.store.getMedia(previous.mediaId);
  if (old?.ownerId === before.id && old.attachedTo === `avatar:${before.id}`) await removeMedia(deps, old);
}

/**
 * The Settings picker: a new picture from an upload (with its description), or null to remove the picture.
 * Undefined (the form sent no file) is a 422 asking for one.
 */
export async function changePicture(
  deps: MediaDeps,
  member: User,
  image: { bytes: Uint8Array; alt: string } | null | undefined,
): Promise<void> {
  if (image === undefined) {
    throw new ValidationError("Choose a picture to upload.", [{ path: "picture", message: "was not chosen" }]);
  }
  if (image === null) {
    await setProfilePicture(deps, member, null);
    return;
  }
  const media = await uploadMedia(deps, member, image.bytes, "avatar");
  if (image.alt) await deps.store.updateMedia(media.id, { alt: image.alt });
  await setProfilePicture(deps, member, media.id);
}

/** A picture or media URL set directly must be one this server issued (API.md: no hot-linked images). */
export function checkIssuedUrl(field: string, url: string | null | undefined): void {
  if (url == null || parseIssuedUrl(url)) return;
  const message = "must be the URL of an image uploaded here (POST /api/media); other sites' images are not shown.";
  throw new ValidationError(`${field} ${message}`, [{ path: field, message }]);
}

/** Deletes up to a batch of a deleted member's media, blobs first; true when none is left. */
export async function purgeMemberMedia(deps: Pick<MediaDeps, "store" | "blobs">, memberId: string): Promise<boolean> {
  const batch = await deps.store.listMemberMedia(memberId, BATCH);
  for (const media of batch) await removeMedia(deps, media);
  return batch.length < BATCH;
}

/**
 * Deletes uploads never attached within ORPHAN_AFTER_MS. An avatar that is its owner's picture after all (the
 * profile was set, the attachment not yet) is attached instead. Resolves to how many it deleted.
 */
export async function sweepOrphanMedia(deps: Pick<MediaDeps, "store" | "blobs">, now = Date.now()): Promise<number> {
  let removed = 0;
  for (;;) {
    const batch = await deps.store.listUnattachedMedia(new Date(now - ORPHAN_AFTER_MS), BATCH);
    for (const media of batch) {
      if (media.purpose === "avatar") {
        const owner = await deps.store.getUser(media.ownerId);
        const shown = owner?.profilePictureUrl ? parseIssuedUrl(owner.profilePictureUrl) : null;
        if (shown?.mediaId === media.id) {
          await deps.store.updateMedia(media.id, { attachedTo: `avatar:${owner!.id}` });
          continue;
        }
      }
      await removeMedia(deps, media);
      removed++;
    }
    if (batch.length < BATCH) return removed;
  }
}
