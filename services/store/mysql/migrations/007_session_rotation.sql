-- When a family's live refresh token was last rotated: its predecessor may be presented again for a few seconds
-- (two page loads racing to refresh) and get the same successor instead of counting as reuse.
ALTER TABLE sessions ADD COLUMN rotated_at DATETIME(3) NULL AFTER revoked_at;
