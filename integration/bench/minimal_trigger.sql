-- scripts/bench.sh: the "minimal trigger" the issue compares pgphase's sync trigger
-- against: one line of PL/pgSQL that only assigns the up expression, fired on every
-- UPDATE (no OF list, no WHEN).
\set ON_ERROR_STOP on
CREATE OR REPLACE FUNCTION bench_min_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.shout := upper(NEW.name); RETURN NEW; END
$$;
CREATE TRIGGER bench_min_fill BEFORE UPDATE ON t_min
  FOR EACH ROW EXECUTE FUNCTION bench_min_fill();
