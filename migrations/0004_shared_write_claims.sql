-- GitHub's content-creation windows (80/min, 500/h) as claims every replica and every restart
-- sees: one row per content-creating request, at the instant it was allowed to go out. Rows
-- older than the longest window are deleted as new ones arrive. The spacing between mutating
-- requests is kept in rate_budget (api '<api>/writes', tokens = the last mutation, epoch seconds),
-- whose row lock also orders the replicas' claims.
CREATE TABLE rate_claims (
  api  text NOT NULL,
  at   timestamptz NOT NULL
);
CREATE INDEX rate_claims_api_at ON rate_claims (api, at);
