-- The outbox is the queue: any instance claims due rows (FOR UPDATE SKIP LOCKED) and leases them by moving due_at
-- past the lease with its token, so a row whose instance died is due again when the lease passes. Delayed events
-- and retries are rows due later. Dead letters, the workers' and the mailer's exactly-once records and the dirty
-- search records live here too, so no instance keeps work on its own disk (mysql/queue.ts, once.ts, dirty.ts).
ALTER TABLE outbox ADD COLUMN due_at DATETIME(3) NULL AFTER created_at;
ALTER TABLE outbox ADD COLUMN lease_token CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL AFTER due_at;
UPDATE outbox SET due_at = created_at WHERE due_at IS NULL;
-- The default keeps a writer that predates this migration (a rolling upgrade) writing rows due at once.
ALTER TABLE outbox MODIFY due_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3);
CREATE INDEX ix_outbox_due ON outbox (due_at);

CREATE TABLE IF NOT EXISTS dead_letters (
  event_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  event LONGTEXT NOT NULL,
  failed_at DATETIME(3) NOT NULL,
  PRIMARY KEY (event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS once_records (
  scope VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  once_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  state ENUM('running', 'done') NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  PRIMARY KEY (scope, once_key),
  KEY ix_once_records_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS search_dirty (
  type VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  record_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  since DATETIME(3) NOT NULL,
  failures INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (type, record_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
