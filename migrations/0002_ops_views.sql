-- Views an operator queries by hand (docs/operations.md explains each one).

-- How many jobs are in each state, per kind, and how long the oldest has waited.
CREATE VIEW ops_queue_depth AS
SELECT state, kind, count(*) AS jobs,
       min(run_at) FILTER (WHERE state IN ('available', 'retryable')) AS oldest_run_at,
       now() - min(created_at) AS oldest_age
FROM jobs
WHERE state <> 'completed'
GROUP BY state, kind
ORDER BY state, kind;

-- Jobs that gave up, newest first, with the error that killed them.
CREATE VIEW ops_dead_jobs AS
SELECT id, kind, page_key, unique_key, attempts, max_attempts, last_error, sync_run_id,
       created_at, finished_at, payload
FROM jobs
WHERE state = 'dead'
ORDER BY finished_at DESC NULLS LAST, id DESC;

-- Pages whose last sync failed.
CREATE VIEW ops_pages_in_error AS
SELECT notion_page_id, data_source_id, github_repo, issue_number, last_error, last_sync_run_id,
       last_synced_at, updated_at
FROM page_links
WHERE sync_status = 'error'
ORDER BY updated_at DESC;

-- Every link with how long ago it was last synced (NULL age: never synced).
CREATE VIEW ops_links_sync_age AS
SELECT notion_page_id, data_source_id, github_repo, issue_number, sync_status, last_synced_at,
       now() - last_synced_at AS age
FROM page_links
ORDER BY last_synced_at NULLS FIRST;

-- Links not synced for longer than `max_age` (or never).
CREATE FUNCTION ops_links_not_synced_since(max_age interval)
RETURNS TABLE (notion_page_id text, github_repo text, issue_number integer, sync_status text,
               last_synced_at timestamptz, age interval)
LANGUAGE sql STABLE AS $$
  SELECT l.notion_page_id, l.github_repo, l.issue_number, l.sync_status, l.last_synced_at,
         now() - l.last_synced_at
  FROM page_links l
  WHERE l.last_synced_at IS NULL OR l.last_synced_at < now() - max_age
  ORDER BY l.last_synced_at NULLS FIRST
$$;

-- Per API over the last hour: calls, failures (no response, 429 or >= 500) and their share.
CREATE VIEW ops_api_error_rate_last_hour AS
SELECT api,
       count(*) AS calls,
       count(*) FILTER (WHERE status IS NULL OR status = 429 OR status >= 500) AS failures,
       count(*) FILTER (WHERE status BETWEEN 400 AND 499 AND status <> 429) AS client_errors,
       round(100.0 * count(*) FILTER (WHERE status IS NULL OR status = 429 OR status >= 500)
             / greatest(count(*), 1), 2) AS failure_pct,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50_latency_ms,
       percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99_latency_ms
FROM api_audit
WHERE at > now() - interval '1 hour'
GROUP BY api;
