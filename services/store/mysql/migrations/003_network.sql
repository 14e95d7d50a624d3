-- The network: notifications, and the indexes behind connection listings, second-degree suggestions and members by
-- place or headline.
-- Same rules as 001: one statement per ";" at the end of a line, each safe to run again. MySQL 8 has no IF NOT EXISTS
-- for CREATE INDEX or ADD COLUMN (MariaDB has), so those statements are written plainly, one index or column each, and
-- migrate.ts treats "Duplicate key name" / "Duplicate column name" from such a statement as already applied.

-- One row per notice a member gets. actor_id and subject_id have no foreign keys: a notification outlives its actor
-- (listed as from a deleted member), and its subject is a connection or a message depending on type. read_at is NULL
-- while unread. Keys: a member's listing newest first (a range scan read backwards), unread counting (an index-only
-- ref on user_id + read_at IS NULL), and removal with the connection (or message) it is about.
CREATE TABLE IF NOT EXISTS notifications (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id BIGINT UNSIGNED NOT NULL,
  type ENUM('invitation:received', 'invitation:accepted', 'message:received') NOT NULL,
  actor_id BIGINT UNSIGNED NOT NULL,
  subject_id BIGINT UNSIGNED NOT NULL,
  read_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_notifications_user_created (user_id, created_at, id),
  KEY ix_notifications_user_unread (user_id, read_at),
  KEY ix_notifications_subject (subject_id, type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A member's connections of one status, newest first, one direction per index: each side of the UNION ALL in
-- listConnections is a backward range scan that stops after a page, and a cursor is a range on created_at, id.
-- countPendingSent is a range on the sender's. (The 002 keys, ending in the other member, stay: they answer "who is
-- connected to whom" from the index alone, which mutual and second-degree counting need.)
CREATE INDEX ix_connections_sender_created ON connections (sender_id, status, created_at, id);
CREATE INDEX ix_connections_receiver_created ON connections (receiver_id, status, created_at, id);

-- Members by place: the location as typed, without the spaces around it. The table collation (utf8mb4_unicode_ci)
-- makes the comparison case-insensitive. VIRTUAL: computed on read, stored only in the index.
ALTER TABLE users ADD COLUMN location_key VARCHAR(255) AS (TRIM(location)) VIRTUAL;
CREATE INDEX ix_users_location ON users (location_key, created_at, id);

-- Members by headline words. Built with the stopword list off (a session setting read when the index is made), so
-- "for", "with" or "about" count as words like any other; words shorter than innodb_ft_min_token_size (3, the
-- default on both servers) are not indexed, matching the port's "words of three letters or more". The first FULLTEXT
-- index rebuilds the table to add InnoDB's hidden FTS_DOC_ID column. Changes reach the index at commit.
SET SESSION innodb_ft_enable_stopword = OFF;
CREATE FULLTEXT INDEX ft_users_headline ON users (headline);
SET SESSION innodb_ft_enable_stopword = ON;
