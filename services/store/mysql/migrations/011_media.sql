-- Uploaded images (services/media/media.ts): the record; the bytes of its variants are in the blob store.
-- No foreign key to users: deleting a member removes their media through the media service, which deletes the blobs
-- first (a cascade would drop the rows and leave the blobs behind).
CREATE TABLE IF NOT EXISTS media (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  owner_id BIGINT UNSIGNED NOT NULL,
  purpose VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  width INT UNSIGNED NOT NULL,
  height INT UNSIGNED NOT NULL,
  alt TEXT NOT NULL,
  placeholder VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- [{ key, width, height, type }], largest first: at most eight, each key under 200 characters.
  variants TEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  attached_to VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_media_owner (owner_id),
  KEY ix_media_unattached (attached_to, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A post's media ids in order, comma-separated ('' for none): at most four.
ALTER TABLE posts ADD COLUMN media_ids VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '' AFTER media_url;
