-- A lease of several content-creation slots inserts its claims in one statement with their
-- numbers already computed (under the '<api>/writes' row lock, from the newest claim's number).
-- The trigger now numbers only rows that arrive without one, as a process built before this
-- migration inserts them; per row it cost a max(seq) probe, which a lease of 50 slots felt.
CREATE OR REPLACE FUNCTION rate_claims_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.seq IS NULL THEN
    NEW.seq := coalesce((SELECT max(seq) FROM rate_claims WHERE api = NEW.api), 0) + 1;
  END IF;
  RETURN NEW;
END
$$;
