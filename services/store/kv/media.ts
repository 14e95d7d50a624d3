// Media records on Deno KV: the record and its index keys, written together by writeMedia. Posts attach and detach
// their media in their own commits through stageAttachments.
import type { Media, MediaPatch, NewMedia } from "../model.ts";
import { isId, newId } from "./ids.ts";
import * as keys from "./keys.ts";
import { mediaTaken } from "../records.ts";
import { checkLimit, commitOrRetry, type Ctx, getEntries, lostRaces, MAX_TRIES, values } from "./shared.ts";

/** Adds to `op` the record and its index keys (a null `after` deletes them), checking `before` when it exists. */
function writeMedia(
  op: Deno.AtomicOperation,
  before: Deno.KvEntryMaybe<Media> | null,
  after: Media | null,
): Deno.AtomicOperation {
  if (before) op.check(before);
  const kept = new Set(after ? keys.mediaIndexKeys(after).map((key) => JSON.stringify(key)) : []);
  for (const key of before?.value ? keys.mediaIndexKeys(before.value) : []) {
    if (!kept.has(JSON.stringify(key))) op.delete(key);
  }
  if (after) {
    op.set(keys.media(after.id), after);
    for (const key of keys.mediaIndexKeys(after)) op.set(key, true);
  } else if (before?.value) op.delete(keys.media(before.value.id));
  return op;
}

export async function createMedia(ctx: Ctx, input: NewMedia): Promise<Media> {
  const { id, ms } = newId();
  const media: Media = { ...input, id, attachedTo: null, createdAt: new Date(ms) };
  const fresh = { key: keys.media(id), value: null, versionstamp: null };
  if (!(await commitOrRetry(writeMedia(ctx.kv.atomic(), fresh, media))).ok) throw lostRaces("media");
  return media;
}

export async function getMedia(ctx: Ctx, id: string): Promise<Media | null> {
  if (!isId(id)) return null;
  return (await ctx.kv.get<Media>(keys.media(id))).value;
}

export async function getMediaMany(ctx: Ctx, ids: string[]): Promise<Media[]> {
  return values(await getEntries<Media>(ctx, ids.filter(isId).map((id) => keys.media(id))));
}

export async function updateMedia(ctx: Ctx, id: string, patch: MediaPatch): Promise<Media | null> {
  if (!isId(id)) return null;
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<Media>(keys.media(id));
    if (!entry.value) return null;
    const next: Media = { ...entry.value };
    if (patch.alt !== undefined) next.alt = patch.alt;
    if (patch.attachedTo !== undefined) next.attachedTo = patch.attachedTo;
    if (patch.variants !== undefined) next.variants = patch.variants;
    if ((await commitOrRetry(writeMedia(ctx.kv.atomic(), entry, next))).ok) return next;
  }
  throw lostRaces("media");
}

export async function deleteMedia(ctx: Ctx, id: string): Promise<boolean> {
  if (!isId(id)) return false;
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<Media>(keys.media(id));
    if (!entry.value) return false;
    if ((await commitOrRetry(writeMedia(ctx.kv.atomic(), entry, null))).ok) return true;
  }
  throw lostRaces("media");
}

async function listed(ctx: Ctx, selector: Deno.KvListSelector, limit: number): Promise<Media[]> {
  const ids: string[] = [];
  for await (const entry of ctx.kv.list(selector, { limit })) ids.push(entry.key[entry.key.length - 1] as string);
  return await getMediaMany(ctx, ids);
}

export function listMemberMedia(ctx: Ctx, ownerId: string, limit: number): Promise<Media[]> {
  checkLimit("listMemberMedia", limit);
  return listed(ctx, { prefix: keys.mediaByOwner(ownerId) }, limit);
}

export function listUnattachedMedia(ctx: Ctx, before: Date, limit: number): Promise<Media[]> {
  checkLimit("listUnattachedMedia", limit);
  return listed(ctx, { prefix: keys.MEDIA_UNATTACHED, end: [...keys.MEDIA_UNATTACHED, before.getTime()] }, limit);
}

/**
 * Adds to `op` the attachment changes of a post's media going from `before` to `after` ids: the dropped ones are
 * detached, the added ones attached to `post:<postId>`, each checked against the entry read here so a concurrent
 * change fails the commit. Media that no longer exist are skipped; one attached meanwhile is a ConflictError.
 */
export async function stageAttachments(
  ctx: Ctx,
  op: Deno.AtomicOperation,
  postId: string,
  before: readonly string[],
  after: readonly string[],
): Promise<void> {
  const changed = [...before.filter((id) => !after.includes(id)), ...after.filter((id) => !before.includes(id))];
  const entries = await getEntries<Media>(ctx, changed.filter(isId).map((id) => keys.media(id)));
  for (const entry of entries) {
    if (!entry.value) continue;
    const attaching = after.includes(entry.value.id);
    // The service checked the media were free; a post that took one since wins, and this write fails whole.
    if (attaching && entry.value.attachedTo !== null) throw mediaTaken();
    writeMedia(op, entry, { ...entry.value, attachedTo: attaching ? `post:${postId}` : null });
  }
}
