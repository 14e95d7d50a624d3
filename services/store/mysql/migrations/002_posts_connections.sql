-- Posts, home timelines and connections.
-- Same rules as 001: one statement per ";" at the end of a line, each safe to run again (IF NOT EXISTS).
-- No foreign keys to users: a member's posts, connections and timeline are purged by the adapter in bounded batches
-- (purgeMemberContent), which must commit a `post.deleted` / `connection.removed` event per row it removes; a cascade
-- would remove them silently, and ON DELETE RESTRICT would block deleteUser. Writes that need the member to exist
-- take a shared lock on the users row in their own transaction instead.

-- content is up to 3,000 characters at the API: at most 12,000 bytes in utf8mb4, within TEXT's 65,535.
CREATE TABLE IF NOT EXISTS posts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  author_id BIGINT UNSIGNED NOT NULL,
  content TEXT NOT NULL,
  media_url VARCHAR(2048) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_posts_created (created_at, id),
  KEY ix_posts_author_created (author_id, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per post per home timeline it reached. The clustered key is the listing order, so a page is one range
-- scan of the primary key; created_at is the post's (immutable) creation time, so a repeated fan-out hits the same key.
CREATE TABLE IF NOT EXISTS timeline (
  member_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL,
  post_id BIGINT UNSIGNED NOT NULL,
  author_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (member_id, created_at, post_id),
  KEY ix_timeline_post (post_id),
  KEY ix_timeline_member_author (member_id, author_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS timeline_state (
  member_id BIGINT UNSIGNED NOT NULL,
  built_at DATETIME(3) NOT NULL,
  PRIMARY KEY (member_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- pair_lo / pair_hi are the two members sorted, and active is 1 while pending or accepted and NULL once rejected; all
-- three are derived by the server (STORED generated columns), so no write can get them wrong. The unique key then
-- allows one live (pending or accepted) connection per pair in either direction, even when invitations race, while
-- rejected rows (active NULL) never collide. The member keys carry status and the other member, so listing a member's
-- accepted connections reads the index alone.
CREATE TABLE IF NOT EXISTS connections (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  sender_id BIGINT UNSIGNED NOT NULL,
  receiver_id BIGINT UNSIGNED NOT NULL,
  status ENUM('pending', 'accepted', 'rejected') NOT NULL DEFAULT 'pending',
  message VARCHAR(300) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  pair_lo BIGINT UNSIGNED AS (LEAST(sender_id, receiver_id)) STORED,
  pair_hi BIGINT UNSIGNED AS (GREATEST(sender_id, receiver_id)) STORED,
  active TINYINT AS (IF(status = 'rejected', NULL, 1)) STORED,
  PRIMARY KEY (id),
  UNIQUE KEY uq_connections_live_pair (pair_lo, pair_hi, active),
  KEY ix_connections_sender (sender_id, status, receiver_id),
  KEY ix_connections_receiver (receiver_id, status, sender_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
