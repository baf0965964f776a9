-- Issue #8: GitHub Project items, milestones and comments that follow a linked page.
ALTER TABLE page_links
  ADD COLUMN project_item_id        text,   -- ProjectV2Item node id of the issue on the board
  ADD COLUMN project_fields_written jsonb NOT NULL DEFAULT '{}'::jsonb,  -- field -> value last set
  ADD COLUMN milestone_title        text,   -- milestone last set on the issue
  ADD COLUMN snapshot_comment_id    bigint, -- the status snapshot comment, edited in place
  ADD COLUMN snapshot_hash          text;   -- SHA-256 of the snapshot body last written

-- Notion comments already mirrored to an issue comment. The comment's hidden marker on GitHub is
-- the truth after a crash; this table spares listing the issue's comments on every sync.
CREATE TABLE mirrored_comments (
  notion_comment_id  text PRIMARY KEY,
  notion_page_id     text NOT NULL,
  github_comment_id  bigint NOT NULL,
  mirrored_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mirrored_comments_page ON mirrored_comments (notion_page_id);
