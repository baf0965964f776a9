-- The recovery scan (issue 19): before the first create in a repository, a database that holds
-- no link into it reads the repository's issues the daemon opened once and links each marked
-- one to its page, so a page whose number never reached Notion is not created a second time.
-- One row per repository and database says the scan was done: the steady state never scans.
CREATE TABLE repo_recovery_scans (
  repo          text PRIMARY KEY CHECK (repo = lower(repo)),
  scanned_at    timestamptz NOT NULL DEFAULT now(),
  issues_found  integer NOT NULL CHECK (issues_found >= 0)
);
