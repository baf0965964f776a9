-- What each page was last told about a sync in trouble (issue 19 item 2): the cause written to its
-- error property while its job retries or waits on a rate limit. A page is written once per
-- change of cause, never once per retry, and a restart must not write the same cause again.
-- The row goes when the page's sync succeeds. `job_id` is the job the notice is about: a job
-- still waiting behind a rate limit past the horizon counts in `ngsync status` and /metrics.
CREATE TABLE page_notices (
  page_id        text PRIMARY KEY,
  cause          text NOT NULL,
  rate_limited   boolean NOT NULL,
  waiting_since  timestamptz NOT NULL,
  job_id         bigint NOT NULL,
  written_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX page_notices_rate_limited ON page_notices (waiting_since) WHERE rate_limited;
