-- Post reactions (services/store/mysql/reactions.ts): one row per member per post, and the post's counts by type in
-- columns of its own row, changed in the transaction that writes the reaction (col = col + 1), so a feed page reads
-- them with its posts. No foreign keys, as in 002: a deleted post's reactions are removed in bounded batches by the
-- worker reacting to `post.deleted`, a deleted member's by purgeMemberContent, which also moves the counts.
CREATE TABLE IF NOT EXISTS post_reactions (
  post_id BIGINT UNSIGNED NOT NULL,
  member_id BIGINT UNSIGNED NOT NULL,
  type ENUM('like', 'celebrate', 'support', 'insightful', 'funny') NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (post_id, member_id),
  KEY ix_post_reactions_newest (post_id, created_at, member_id),
  KEY ix_post_reactions_type_newest (post_id, type, created_at, member_id),
  KEY ix_post_reactions_member (member_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One ADD per statement, so each is safe to run again on MySQL 8 too (migrate.ts); appended columns are instant.
ALTER TABLE posts ADD COLUMN reactions_like INT UNSIGNED NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN reactions_celebrate INT UNSIGNED NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN reactions_support INT UNSIGNED NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN reactions_insightful INT UNSIGNED NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN reactions_funny INT UNSIGNED NOT NULL DEFAULT 0;
