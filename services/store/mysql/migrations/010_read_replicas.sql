-- Read replicas (replicas.ts). The primary's heartbeat: every instance with replicas moves it forward each second, and
-- a replica's copy says how far that replica has applied. A member's last write keeps the heartbeat it saw just after
-- committing: that member's reads go to a replica only once it has applied a later one.
CREATE TABLE IF NOT EXISTS replica_heartbeat (
  id TINYINT UNSIGNED NOT NULL,
  at DATETIME(6) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO replica_heartbeat (id, at) VALUES (1, NOW(6));

CREATE TABLE IF NOT EXISTS member_writes (
  user_id BIGINT UNSIGNED NOT NULL,
  at DATETIME(6) NOT NULL,
  PRIMARY KEY (user_id),
  CONSTRAINT fk_member_writes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
