-- ngsync initial schema: links between Notion pages and GitHub issues, poll cursors, the job
-- queue, the API audit log, webhook de-duplication and the tables that later let several
-- replicas share a leader and a rate budget. Every timestamp is timestamptz (UTC).

-- One row per synced Notion page.
CREATE TABLE page_links (
  notion_page_id      text PRIMARY KEY,
  data_source_id      text NOT NULL,
  notion_last_edited  timestamptz,            -- last seen last_edited_time of the page
  synced_fields_hash  text,                   -- hash of the synced fields last applied
  github_repo         text CHECK (github_repo IS NULL OR github_repo = lower(github_repo)),
  issue_number        integer,
  issue_node_id       text,
  issue_html_url      text,
  kind                text NOT NULL DEFAULT 'issue' CHECK (kind IN ('issue', 'draft_pr')),
  sync_status         text NOT NULL DEFAULT 'pending'
                        CHECK (sync_status IN ('pending', 'in_sync', 'error')),
  last_error          text,
  last_sync_run_id    text,
  last_synced_at      timestamptz,
  -- Creation intent (sync-model.md §3): recorded before POSTing the issue, so a retry that
  -- finds an attempt id without an issue number looks for the marker before creating again.
  create_attempt_id   text,
  create_intent_at    timestamptz,
  -- Per-field provenance (§4): the value last written each way, {"field": {"value":..,"at":..}}.
  written_to_github   jsonb NOT NULL DEFAULT '{}'::jsonb,
  written_to_notion   jsonb NOT NULL DEFAULT '{}'::jsonb,
  conflict_log        jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
-- An issue is linked to at most one page.
CREATE UNIQUE INDEX page_links_issue ON page_links (github_repo, issue_number)
  WHERE issue_number IS NOT NULL;
CREATE INDEX page_links_status ON page_links (sync_status);
CREATE INDEX page_links_data_source ON page_links (data_source_id);
CREATE INDEX page_links_last_synced ON page_links (last_synced_at);

-- The watermark of each polled Notion data source (sync-model.md §2).
CREATE TABLE poll_cursors (
  data_source_id   text PRIMARY KEY,
  watermark        timestamptz,
  last_poll_at     timestamptz,
  last_success_at  timestamptz,
  last_error       text,
  pages_seen       bigint NOT NULL DEFAULT 0
);

-- The job queue (sync-model.md §5).
CREATE TABLE jobs (
  id            bigserial PRIMARY KEY,
  kind          text NOT NULL,
  payload       jsonb NOT NULL DEFAULT '{}'::jsonb,
  unique_key    text,       -- waiting jobs with the same key merge into one
  page_key      text,       -- jobs with the same key never run at the same time
  priority      integer NOT NULL DEFAULT 0,
  state         text NOT NULL DEFAULT 'available'
                  CHECK (state IN ('available', 'running', 'retryable', 'completed', 'dead')),
  attempts      integer NOT NULL DEFAULT 0,
  max_attempts  integer NOT NULL DEFAULT 10 CHECK (max_attempts > 0),
  run_at        timestamptz NOT NULL DEFAULT now(),
  locked_by     text,
  locked_until  timestamptz,
  last_error    text,
  sync_run_id   text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);
-- Merging: at most one waiting job per unique key (INSERT ... ON CONFLICT targets this index).
CREATE UNIQUE INDEX jobs_waiting_unique_key ON jobs (unique_key)
  WHERE state IN ('available', 'retryable') AND unique_key IS NOT NULL;
-- Per-page serialisation, enforced by the database itself: a second claimer racing for
-- another job of the same page gets a unique violation instead of running it concurrently.
CREATE UNIQUE INDEX jobs_one_running_per_page ON jobs (page_key)
  WHERE state = 'running' AND page_key IS NOT NULL;
-- Claiming walks this index in order.
CREATE INDEX jobs_claim_order ON jobs (priority DESC, run_at, id)
  WHERE state IN ('available', 'retryable');
-- Expired-lease sweep.
CREATE INDEX jobs_running_lease ON jobs (locked_until) WHERE state = 'running';
-- Pruning and the dead-job view.
CREATE INDEX jobs_completed_finished ON jobs (finished_at) WHERE state = 'completed';
CREATE INDEX jobs_dead ON jobs (kind) WHERE state = 'dead';

-- Append-only log of every API call (sync-model.md §5). Never holds a secret header.
CREATE TABLE api_audit (
  id                bigserial PRIMARY KEY,
  at                timestamptz NOT NULL DEFAULT now(),
  sync_run_id       text,
  api               text NOT NULL CHECK (api IN ('notion', 'github')),
  method            text NOT NULL,
  path              text NOT NULL,             -- without query-string secrets
  status            integer,                   -- NULL when no response arrived
  latency_ms        integer,
  request_id        text,
  rate_limit        jsonb NOT NULL DEFAULT '{}'::jsonb,
  error             text,
  response_excerpt  text CHECK (response_excerpt IS NULL OR length(response_excerpt) <= 4096)
);
CREATE INDEX api_audit_run ON api_audit (sync_run_id);
CREATE INDEX api_audit_at ON api_audit (at);

-- Append-only: UPDATE and DELETE are refused unless the session says it is the pruner
-- (SET LOCAL ngsync.audit_prune = 'on', which job_queue::prune does in its transaction).
CREATE FUNCTION api_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('ngsync.audit_prune', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'api_audit is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER api_audit_append_only BEFORE UPDATE OR DELETE ON api_audit
  FOR EACH ROW EXECUTE FUNCTION api_audit_append_only();

-- Webhook deliveries already seen, so a redelivery is recognised.
CREATE TABLE webhook_deliveries (
  source       text NOT NULL CHECK (source IN ('notion', 'github')),
  hook_id      text NOT NULL DEFAULT '',
  delivery_id  text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  event        text,
  action       text,
  PRIMARY KEY (source, hook_id, delivery_id)
);
CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);

-- The Notion webhook verification token (a single row).
CREATE TABLE notion_verification (
  id           boolean PRIMARY KEY DEFAULT true CHECK (id),
  token        text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now()
);

-- For several replicas on one database.
CREATE TABLE leader_leases (
  name        text PRIMARY KEY,
  holder      text NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE TABLE rate_budget (
  api         text PRIMARY KEY,
  tokens      double precision NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
