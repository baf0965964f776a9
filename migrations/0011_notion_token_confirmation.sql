-- The Notion webhook's signing key is no longer whatever the last unsigned POST carried (issue 18):
-- a verification token arriving over HTTP is only *pending*; an operator confirms one
-- (`ngsync webhook confirm-notion-token`), which makes it the *active* key. At most one is
-- active; pending ones are kept for the operator to compare, a bounded few (the receiver trims).
CREATE TABLE notion_webhook_tokens (
  id            bigserial PRIMARY KEY,
  token         text NOT NULL UNIQUE,
  state         text NOT NULL CHECK (state IN ('pending', 'active')),
  received_at   timestamptz NOT NULL DEFAULT now(),
  confirmed_at  timestamptz,
  CHECK ((state = 'active') = (confirmed_at IS NOT NULL))
);
CREATE UNIQUE INDEX notion_webhook_tokens_one_active ON notion_webhook_tokens ((true))
  WHERE state = 'active';

-- A token stored by an older version may have come from anyone: it waits for confirmation like
-- a new one. Until then Notion's events are refused and the poll alone keeps pages in sync.
INSERT INTO notion_webhook_tokens (token, state, received_at)
  SELECT token, 'pending', received_at FROM notion_verification;
DROP TABLE notion_verification;
