-- Cheap periodic reconciliation (issue 19): each pass verifies only the slice of links due
-- soonest, so that every link is verified once per window. verified_at is when a reconcile pass
-- last read the link's issue and page (NULL: never; those come first).
ALTER TABLE page_links ADD COLUMN verified_at timestamptz;
CREATE INDEX page_links_verify_due ON page_links (verified_at NULLS FIRST, notion_page_id)
  WHERE github_repo IS NOT NULL AND issue_number IS NOT NULL;

-- When the last periodic pass started: the next pass's marker scan lists only the issues updated
-- since then, instead of every issue since 1970. One row at most.
CREATE TABLE reconcile_passes (
  only_row        boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  last_started_at timestamptz NOT NULL
);
