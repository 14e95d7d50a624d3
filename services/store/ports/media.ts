// The media port: the records of uploaded images (their bytes are in the blob store, services/blobs).
import type { Media, MediaPatch, NewMedia } from "../model.ts";

export interface MediaPort {
  /** Records an upload, unattached. */
  createMedia(input: NewMedia): Promise<Media>;
  getMedia(id: string): Promise<Media | null>;
  /** The media that exist among `ids`, in the order of `ids` (missing ones are skipped): one read for a page. */
  getMediaMany(ids: string[]): Promise<Media[]>;
  /** Applies the patch; null when there is no such media. */
  updateMedia(id: string, patch: MediaPatch): Promise<Media | null>;
  /** False when there was no such media. */
  deleteMedia(id: string): Promise<boolean>;
  /** Up to `limit` of a member's media, attached or not (what deleting the member removes). */
  listMemberMedia(ownerId: string, limit: number): Promise<Media[]>;
  /** Up to `limit` unattached media created before `before`, oldest first (the orphan sweep). */
  listUnattachedMedia(before: Date, limit: number): Promise<Media[]>;
}
