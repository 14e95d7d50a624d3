-- Jobs.
-- Same rules as 001: one statement per ";" at the end of a line, each safe to run again (IF NOT EXISTS). No foreign
-- key to users, as in 002: a deleted member's jobs go in purgeMemberContent's bounded batches, each committing its
-- `job.deleted` event; createJob takes a shared lock on the poster's row instead.

-- The stopword list is off while the table (and so its FULLTEXT index) is made: a session setting InnoDB reads when an
-- index is created, as for ft_users_headline in 003, so "for", "with" or "about" are words like any other. Words
-- shorter than innodb_ft_min_token_size (3, the default on both servers) are not indexed, which is what
-- services/store/job_filters.ts calls a job's words.
SET SESSION innodb_ft_enable_stopword = OFF;

-- description is up to 10,000 characters at the API: at most 40,000 bytes in utf8mb4, within TEXT's 65,535. Keys:
-- - ix_jobs_created / ix_jobs_type_created / ix_jobs_poster_created: everyone's, one type's and one poster's jobs
--   newest first, each a backward range scan that stops after a page; a cursor is a range on created_at, id;
--   the poster's is also what a purge finds;
-- - ft_jobs_text: `q` (every word, as a word or a word's beginning, in title, description or location) as one
--   boolean-mode MATCH with `+word*` per word. The FULLTEXT index adds InnoDB's hidden FTS_DOC_ID column; changes
--   reach it at commit.
CREATE TABLE IF NOT EXISTS jobs (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  poster_id BIGINT UNSIGNED NOT NULL,
  title VARCHAR(255) NOT NULL,
  description TEXT NOT NULL,
  location VARCHAR(255) NOT NULL DEFAULT '',
  salary_range VARCHAR(255) NULL,
  job_type ENUM('full-time', 'part-time', 'contract', 'internship') NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_jobs_created (created_at, id),
  KEY ix_jobs_type_created (job_type, created_at, id),
  KEY ix_jobs_poster_created (poster_id, created_at, id),
  FULLTEXT KEY ft_jobs_text (title, description, location)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

SET SESSION innodb_ft_enable_stopword = ON;
