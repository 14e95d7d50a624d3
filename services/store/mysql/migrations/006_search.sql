-- Site search (services/store/mysql/search.ts): FULLTEXT indexes on the records themselves, so a member's write is
-- searchable at its commit and there is no separate index to keep. Same rules as 003: one statement per ";" at the
-- end of a line, each safe to run again (migrate.ts treats "Duplicate key name" from an ADD as applied).
--
-- A search's WHERE uses one index over every searchable column of its table (for jobs that is 005's ft_jobs_text);
-- its ranking asks each weighted column on its own, and MATCH needs an index of exactly the columns it names, hence
-- one index per weighted column as well: people by name (3), headline (2, 003's ft_users_headline) and location (2);
-- jobs by title (3), location (2) and description (1); posts have content only. A table's new indexes come in one
-- ALTER: it applies whole or not at all (so a "Duplicate key name" still means it was applied), and it costs one
-- rebuild instead of three (this migration runs for every test database too).
--
-- Built with the stopword list off (a session setting InnoDB reads when an index is made), as in 003 and 005, so
-- "for", "with" or "about" are words like any other; words shorter than innodb_ft_min_token_size (3) are not indexed,
-- which is services/store/words.ts's rule too. Building ft_posts_content reads every post once: 24 s for the
-- benchmark's million posts of about 200 characters on MariaDB 10.11. The first FULLTEXT index of a table adds
-- InnoDB's hidden FTS_DOC_ID column (posts get theirs here).
SET SESSION innodb_ft_enable_stopword = OFF;
ALTER TABLE users ADD FULLTEXT INDEX ft_users_search (first_name, last_name, headline, location), ADD FULLTEXT INDEX ft_users_name (first_name, last_name), ADD FULLTEXT INDEX ft_users_location (location);
CREATE FULLTEXT INDEX ft_posts_content ON posts (content);
ALTER TABLE jobs ADD FULLTEXT INDEX ft_jobs_title (title), ADD FULLTEXT INDEX ft_jobs_location (location), ADD FULLTEXT INDEX ft_jobs_description (description);
SET SESSION innodb_ft_enable_stopword = ON;
