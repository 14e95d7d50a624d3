// Media records on MySQL / MariaDB (migrations/011). Posts attach and detach their media in their own transactions
// through setAttachments.
import type { Media, MediaPatch, MediaPurpose, MediaVariant, NewMedia } from "../model.ts";
import type { Executor, Param } from "./pool.ts";
import { mediaTaken } from "../records.ts";
import { type Ctx, dbId, dbIds, inLists, limitParam, pageLimit, recordsByIds } from "./shared.ts";

const MEDIA_COLUMNS = "id, owner_id, purpose, width, height, alt, placeholder, variants, attached_to, created_at";

interface MediaRow {
  id: string | number;
  owner_id: string | number;
  purpose: MediaPurpose;
  width: number;
  height: number;
  alt: string;
  placeholder: string;
  variants: string;
  attached_to: string | null;
  created_at: Date;
}

function toMedia(row: MediaRow): Media {
  return {
    id: String(row.id),
    ownerId: String(row.owner_id),
    purpose: row.purpose,
    width: row.width,
    height: row.height,
    alt: row.alt,
    placeholder: row.placeholder,
    variants: JSON.parse(row.variants) as MediaVariant[],
    attachedTo: row.attached_to,
    createdAt: row.created_at,
  };
}

export async function createMedia(ctx: Ctx, input: NewMedia): Promise<Media> {
  const now = new Date();
  const { insertId } = await ctx.db.writer.execute(
    "INSERT INTO media (owner_id, purpose, width, height, alt, placeholder, variants, attached_to, created_at) " +
      "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)",
    [
      input.ownerId,
      input.purpose,
      input.width,
      input.height,
      input.alt,
      input.placeholder,
      JSON.stringify(input.variants),
      now,
    ],
  );
  return { ...input, id: insertId, attachedTo: null, createdAt: now };
}

export async function getMedia(ctx: Ctx, id: string): Promise<Media | null> {
  const key = dbId(id);
  if (!key) return null;
  const [row] = await ctx.db.writer.query<MediaRow>(`SELECT ${MEDIA_COLUMNS} FROM media WHERE id = ?`, [key]);
  return row ? toMedia(row) : null;
}

export function getMediaMany(ctx: Ctx, ids: string[]): Promise<Media[]> {
  return recordsByIds(ctx, `SELECT ${MEDIA_COLUMNS} FROM media`, ids, toMedia);
}

export async function updateMedia(ctx: Ctx, id: string, patch: MediaPatch): Promise<Media | null> {
  const key = dbId(id);
  if (!key) return null;
  const sets: string[] = [];
  const params: Param[] = [];
  if (patch.alt !== undefined) sets.push("alt = ?"), params.push(patch.alt);
  if (patch.attachedTo !== undefined) sets.push("attached_to = ?"), params.push(patch.attachedTo);
  if (patch.variants !== undefined) sets.push("variants = ?"), params.push(JSON.stringify(patch.variants));
  if (sets.length) await ctx.db.writer.execute(`UPDATE media SET ${sets.join(", ")} WHERE id = ?`, [...params, key]);
  return await getMedia(ctx, id);
}

export async function deleteMedia(ctx: Ctx, id: string): Promise<boolean> {
  const key = dbId(id);
  if (!key) return false;
  const { affectedRows } = await ctx.db.writer.execute("DELETE FROM media WHERE id = ?", [key]);
  return affectedRows > 0;
}

export async function listMemberMedia(ctx: Ctx, ownerId: string, limit: number): Promise<Media[]> {
  const owner = dbId(ownerId);
  if (!owner) return [];
  const rows = await ctx.db.writer.query<MediaRow>(
    `SELECT ${MEDIA_COLUMNS} FROM media WHERE owner_id = ? ORDER BY id LIMIT ?`,
    [owner, limitParam(pageLimit(limit, "listMemberMedia"))],
  );
  return rows.map(toMedia);
}

export async function listUnattachedMedia(ctx: Ctx, before: Date, limit: number): Promise<Media[]> {
  const rows = await ctx.db.writer.query<MediaRow>(
    `SELECT ${MEDIA_COLUMNS} FROM media WHERE attached_to IS NULL AND created_at < ? ` +
      "ORDER BY created_at LIMIT ?",
    [before, limitParam(pageLimit(limit, "listUnattachedMedia"))],
  );
  return rows.map(toMedia);
}

/** In the post's transaction: detaches the media dropped from `before`, attaches those added in `after`. */
export async function setAttachments(
  tx: Executor,
  postId: string,
  before: readonly string[],
  after: readonly string[],
): Promise<void> {
  const dropped = dbIds(before.filter((id) => !after.includes(id)));
  const added = dbIds(after.filter((id) => !before.includes(id)));
  for (const list of inLists(dropped)) {
    await tx.execute(`UPDATE media SET attached_to = NULL WHERE id IN (${list.placeholders})`, list.params);
  }
  for (const list of inLists(added)) {
    // Only free media: the service checked them, and a post that took one since wins (this transaction rolls back).
    const taken = await tx.query<{ id: string }>(
      `SELECT id FROM media WHERE id IN (${list.placeholders}) AND attached_to IS NOT NULL FOR UPDATE`,
      list.params,
    );
    if (taken.length) throw mediaTaken();
    await tx.execute(`UPDATE media SET attached_to = ? WHERE id IN (${list.placeholders})`, [
      `post:${postId}`,
      ...list.params,
    ]);
  }
}
