-- An Idempotency-Key claim is a lease held by a token: only the request that claimed it may renew, finish or release
-- it, and a creating write finishes it in its own transaction. Rows written before this migration have no token.
ALTER TABLE idempotency_keys ADD COLUMN claim_token VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL AFTER request_hash;
-- Claims taken before leases held their key for 24 h, and no token can finish them: they lapse now.
UPDATE idempotency_keys SET expires_at = NOW(3) WHERE state = 'in-flight' AND claim_token IS NULL;
