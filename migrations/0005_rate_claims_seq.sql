-- Each API's content-creation claims numbered in order (1, 2, 3, ... per api, no gaps), so a
-- window's limit-th newest claim is one index probe (seq = newest - limit + 1) instead of a walk
-- over up to `limit` claims: with a generous limit that walk covered every claim of the hour, on
-- every write. Claims are inserted under the '<api>/writes' row lock in rate_budget, so the
-- trigger's max + 1 cannot race; a process built before this migration gets its rows numbered
-- too.
ALTER TABLE rate_claims ADD COLUMN seq bigint;
UPDATE rate_claims SET seq = numbered.n
  FROM (SELECT ctid, row_number() OVER (PARTITION BY api ORDER BY at) AS n FROM rate_claims) numbered
  WHERE rate_claims.ctid = numbered.ctid;
ALTER TABLE rate_claims ALTER COLUMN seq SET NOT NULL;
CREATE UNIQUE INDEX rate_claims_api_seq ON rate_claims (api, seq);

CREATE FUNCTION rate_claims_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.seq := coalesce((SELECT max(seq) FROM rate_claims WHERE api = NEW.api), 0) + 1;
  RETURN NEW;
END
$$;
CREATE TRIGGER rate_claims_number BEFORE INSERT ON rate_claims
  FOR EACH ROW EXECUTE FUNCTION rate_claims_number();
