-- Messages, conversations and WebSocket tickets.
-- Same rules as 001: one statement per ";" at the end of a line, each safe to run again (IF NOT EXISTS). No foreign
-- keys to users, as in 002: a deleted member's messages and conversations go in purgeMemberContent's bounded batches.

-- content is up to 5,000 characters at the API: at most 20,000 bytes in utf8mb4, within TEXT's 65,535. client_id is
-- the sender's own id for a message (1..64 visible ASCII characters at the API), as UTF-8 bytes: VARBINARY compares
-- byte for byte and, unlike utf8mb4_bin (a PAD SPACE collation on MariaDB), does not take "a" and "a " for one id.
-- The unique key on (sender_id, client_id) is where racing resends meet (NULLs never collide). pair_lo / pair_hi are
-- the two members sorted, derived by the server like connections' (STORED generated columns). Keys:
-- - ix_messages_pair: a conversation newest first, one backward range scan that stops after a page;
-- - ix_messages_sender / ix_messages_receiver: everything a member sent / received after a position, oldest first
--   (the two branches of listMessagesAfter's UNION ALL);
-- - ix_messages_unread: the unread messages of one conversation (receiver, sender, is_read = 0), a ref that reads only
--   those, so marking a conversation read costs its unread messages, not its history.
CREATE TABLE IF NOT EXISTS messages (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  sender_id BIGINT UNSIGNED NOT NULL,
  receiver_id BIGINT UNSIGNED NOT NULL,
  content TEXT NOT NULL,
  is_read TINYINT(1) NOT NULL DEFAULT 0,
  read_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL,
  client_id VARBINARY(256) NULL,
  pair_lo BIGINT UNSIGNED AS (LEAST(sender_id, receiver_id)) STORED,
  pair_hi BIGINT UNSIGNED AS (GREATEST(sender_id, receiver_id)) STORED,
  PRIMARY KEY (id),
  UNIQUE KEY uq_messages_sender_client (sender_id, client_id),
  KEY ix_messages_pair (pair_lo, pair_hi, created_at, id),
  KEY ix_messages_sender (sender_id, created_at, id),
  KEY ix_messages_receiver (receiver_id, created_at, id),
  KEY ix_messages_unread (receiver_id, sender_id, is_read)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per member per conversation: both rows are written in the message's transaction, and the row lock on them
-- (taken in key order) is what serialises the writes of one conversation, so unread_count (the member's unread
-- messages from other_id) stays exact. last_message_id / last_at are the newest message either way; notification_id
-- is the member's `message:received` notification from other_id while it may still be unread (a message updates it
-- by primary key instead of searching the member's notifications). ix_conversations_member_last lists a member's
-- conversations newest first in the messages' own order (created_at, id).
CREATE TABLE IF NOT EXISTS conversations (
  member_id BIGINT UNSIGNED NOT NULL,
  other_id BIGINT UNSIGNED NOT NULL,
  last_message_id BIGINT UNSIGNED NOT NULL,
  last_at DATETIME(3) NOT NULL,
  unread_count INT UNSIGNED NOT NULL DEFAULT 0,
  notification_id BIGINT UNSIGNED NULL,
  PRIMARY KEY (member_id, other_id),
  KEY ix_conversations_member_last (member_id, last_at, last_message_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Single-use WebSocket tickets, by the SHA-256 (hex) of their secret. The grant is kept as the port hands it (text).
-- Expired rows are deleted a bounded batch at a time (ix_ws_tickets_expires), by saveTicket and the periodic purge.
CREATE TABLE IF NOT EXISTS ws_tickets (
  token_hash VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  user_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  session_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  PRIMARY KEY (token_hash),
  KEY ix_ws_tickets_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
