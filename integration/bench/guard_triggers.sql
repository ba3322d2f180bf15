-- scripts/bench_guard.sh: the trigger functions pgphase's guarded sync trigger is compared
-- against, for `alter_column: {table: tg, column: code, type: bigint}` (the shadow column is
-- _pgphase_new_code; the default up is CAST(code AS bigint), which raises on text that is not
-- an integer). The script creates each function's trigger on its own copy of tg.
\set ON_ERROR_STOP on

-- The minimal trigger of issue 4: one line that only assigns, unguarded (an application write
-- fails when the cast raises). Fired BEFORE UPDATE, no OF, no WHEN. Also the never-firing
-- BEFORE UPDATE OF code trigger of the other-column comparison.
CREATE OR REPLACE FUNCTION bench_guard_min() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW._pgphase_new_code := NEW.code::bigint; RETURN NEW; END
$$;

-- The same line inside an EXCEPTION block, the guard pgphase uses: its cost over the minimal
-- trigger is the subtransaction that PL/pgSQL opens on every entry into the block.
CREATE OR REPLACE FUNCTION bench_guard_exception() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    NEW._pgphase_new_code := NEW.code::bigint;
  EXCEPTION WHEN OTHERS THEN
    PERFORM pgphase.record_sync_error('0001_code', 'public.tg', '_pgphase_new_code', ARRAY[NEW.id::text], SQLSTATE, SQLERRM);
  END;
  RETURN NEW;
END
$$;

-- Testing the value first: a regular expression that accepts only text int8in converts (at
-- most 18 digits always fit in a bigint), and the unguarded cast for those; anything else
-- (19 digits, garbage) goes through the guarded block, so a write still never fails.
CREATE OR REPLACE FUNCTION bench_guard_regex() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.code ~ '^\s*[-+]?[0-9]{1,18}\s*$' THEN
    NEW._pgphase_new_code := NEW.code::bigint;
  ELSE
    BEGIN
      NEW._pgphase_new_code := NEW.code::bigint;
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('0001_code', 'public.tg', '_pgphase_new_code', ARRAY[NEW.id::text], SQLSTATE, SQLERRM);
    END;
  END IF;
  RETURN NEW;
END
$$;

-- Testing the value first without a regular expression: 1 to 18 digits and nothing else.
CREATE OR REPLACE FUNCTION bench_guard_ltrim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF length(NEW.code) BETWEEN 1 AND 18 AND ltrim(NEW.code, '0123456789') = '' THEN
    NEW._pgphase_new_code := NEW.code::bigint;
  ELSE
    BEGIN
      NEW._pgphase_new_code := NEW.code::bigint;
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('0001_code', 'public.tg', '_pgphase_new_code', ARRAY[NEW.id::text], SQLSTATE, SQLERRM);
    END;
  END IF;
  RETURN NEW;
END
$$;

-- Variants of pgphase's own function (as `pgphase plan` prints it for this migration), each
-- behind pgphase's UPDATE trigger (no OF; WHEN (NEW._pgphase_new_code IS NULL OR NEW.code IS
-- DISTINCT FROM OLD.code)), to see what the parts around the guarded assignment cost.
-- Without the TG_OP branch (both of its branches are the same guarded block):
CREATE OR REPLACE FUNCTION bench_guard_pg_one_branch() RETURNS trigger LANGUAGE plpgsql AS $$
#variable_conflict use_variable
DECLARE
  "code" "public"."tg"."code"%TYPE := NEW."code";
BEGIN
  BEGIN
    NEW."_pgphase_new_code" := (CAST("code" AS bigint));
  EXCEPTION WHEN OTHERS THEN
    PERFORM pgphase.record_sync_error('0001_code', 'public.tg', '_pgphase_new_code', ARRAY[NEW."id"::text], SQLSTATE, SQLERRM);
  END;
  RETURN NEW;
END
$$;

-- Without the DECLARE that binds the column to a variable of its name (up reads NEW."code"):
CREATE OR REPLACE FUNCTION bench_guard_pg_no_declare() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    BEGIN
      NEW."_pgphase_new_code" := (CAST(NEW."code" AS bigint));
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('0001_code', 'public.tg', '_pgphase_new_code', ARRAY[NEW."id"::text], SQLSTATE, SQLERRM);
    END;
  ELSE
    BEGIN
      NEW."_pgphase_new_code" := (CAST(NEW."code" AS bigint));
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('0001_code', 'public.tg', '_pgphase_new_code', ARRAY[NEW."id"::text], SQLSTATE, SQLERRM);
    END;
  END IF;
  RETURN NEW;
END
$$;

-- Without either: one guarded assignment (the EXCEPTION-block function above, behind WHEN).

-- Without either, and with up left as written: up becomes the body of a SQL function whose
-- parameters are named after the source columns, called with NEW's columns. The planner
-- inlines such a function (LANGUAGE sql, a single SELECT of an expression, not SECURITY
-- DEFINER, no SET, not STRICT, VOLATILE), so the call costs nothing per row; this is how
-- pgphase could drop the DECLARE without rewriting the column names in up.
CREATE OR REPLACE FUNCTION bench_guard_up("code" text) RETURNS bigint LANGUAGE sql AS $$
SELECT (CAST("code" AS bigint))
$$;
CREATE OR REPLACE FUNCTION bench_guard_pg_sql_up() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    NEW."_pgphase_new_code" := bench_guard_up(NEW."code");
  EXCEPTION WHEN OTHERS THEN
    PERFORM pgphase.record_sync_error('0001_code', 'public.tg', '_pgphase_new_code', ARRAY[NEW."id"::text], SQLSTATE, SQLERRM);
  END;
  RETURN NEW;
END
$$;
