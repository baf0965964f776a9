-- The batch completion (job_queue::complete_batch) was planned anew on every call: with the ids
-- at hand, a custom plan always looks cheaper than the generic one, so the plan cache never
-- switched over. In a 2,000-page initial sync that was 485 plans for 477 calls, a third of the
-- statement's cost. Inside this function the plan is made once per connection, generic, and
-- probes the primary key whatever the table's statistics said when it was made (as in 0008).
CREATE FUNCTION ngsync_jobs_complete(ids bigint[], worker text, finished_us bigint)
RETURNS SETOF bigint
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $$
BEGIN
  RETURN QUERY
  UPDATE jobs SET state = 'completed',
         finished_at = timestamptz 'epoch' + finished_us * interval '1 microsecond',
         locked_until = NULL
   WHERE id = ANY(ids) AND state = 'running' AND locked_by = worker
  RETURNING id;
END
$$;
