-- The expired-lease sweep's index, with a predicate only that sweep implies (every claim sets
-- locked_until). Under the old predicate, state = 'running' alone, the planner also used this
-- index for the batch completion (a walk over every running entry, stale ones included, with
-- the ids as a filter) and for the claim's one-running-job-per-page probe; they now use the
-- primary key and jobs_one_running_per_page.
DROP INDEX jobs_running_lease;
CREATE INDEX jobs_running_lease ON jobs (locked_until)
  WHERE state = 'running' AND locked_until IS NOT NULL;
