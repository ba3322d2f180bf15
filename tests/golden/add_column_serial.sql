-- pgphase plan for migration add_column_serial
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead

-- phase expand

-- step expand.users.counter_serial.sequence: create the sequence of serial column counter_serial
-- lock: none (scan_timeout applies; no statement_timeout)
CREATE SEQUENCE "public"."users_counter_serial_seq" AS integer;

-- step expand.users.counter_serial: add column counter_serial to users
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" ADD COLUMN "counter_serial" integer;

-- step expand.users.counter_serial.default: default for new rows only
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" ALTER COLUMN "counter_serial" SET DEFAULT (nextval('"public"."users_counter_serial_seq"'::regclass));

-- step expand.users.counter_serial.sequence_owner: the sequence belongs to the column (and goes with it)
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout)
ALTER SEQUENCE "public"."users_counter_serial_seq" OWNED BY "public"."users"."counter_serial";

-- phase sync

-- step sync.users.function: create the dual-write function for users
-- lock: none (scan_timeout applies; no statement_timeout)
CREATE OR REPLACE FUNCTION "pgphase"."sync_add_column_serial_users"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
BEGIN
  IF TG_OP = 'INSERT' THEN
    BEGIN
      NEW."counter_serial" := (nextval('"public"."users_counter_serial_seq"'::regclass));
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('add_column_serial', 'public.users', 'counter_serial', ARRAY[NEW."id"::text], SQLSTATE, SQLERRM);
    END;
  ELSE
    BEGIN
      NEW."counter_serial" := (nextval('"public"."users_counter_serial_seq"'::regclass));
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('add_column_serial', 'public.users', 'counter_serial', ARRAY[NEW."id"::text], SQLSTATE, SQLERRM);
    END;
  END IF;
  RETURN NEW;
END
$pgphase$;

-- step sync.users.insert_trigger: fill new columns on INSERT into users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies)
CREATE TRIGGER "pgphase_ins_add_column_serial" BEFORE INSERT ON "public"."users" FOR EACH ROW WHEN (NEW."counter_serial" IS NULL) EXECUTE FUNCTION "pgphase"."sync_add_column_serial_users"();

-- step sync.users.update_trigger: keep new columns in step on UPDATE of users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies)
CREATE TRIGGER "pgphase_upd_add_column_serial" BEFORE UPDATE ON "public"."users" FOR EACH ROW WHEN ((NEW."counter_serial" IS NULL)) EXECUTE FUNCTION "pgphase"."sync_add_column_serial_users"();

-- phase backfill

-- step backfill.users: fill counter_serial for existing rows of users in keyset batches
-- repeated per batch: $1.. = last key done (id), then batch size
WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."users" SET "counter_serial" = COALESCE("counter_serial", (nextval('"public"."users_counter_serial_seq"'::regclass))) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("counter_serial" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);

-- phase validate

-- step validate.conversions.users: refuse while rows of users whose new values the sync trigger could not compute remain unfixed
-- pgphase re-evaluates the rows of public.users the sync trigger recorded as not convertible (counter_serial) and refuses (exit 2) while any still fails

-- step validate.users.counter_serial.not_null_helper: enforce NOT NULL on new writes to users.counter_serial (not yet validated)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" ADD CONSTRAINT "pgphase_nn_users_counter_serial" CHECK ("counter_serial" IS NOT NULL) NOT VALID;

-- step validate.users.counter_serial.not_null_check: prove no row is NULL, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout)
ALTER TABLE "public"."users" VALIDATE CONSTRAINT "pgphase_nn_users_counter_serial";

-- step validate.users.counter_serial.set_not_null: SET NOT NULL (no scan: the validated check proves it)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" ALTER COLUMN "counter_serial" SET NOT NULL;

-- phase swap

-- step swap.conversions.users: refuse while rows of users whose new values the sync trigger could not compute remain unfixed
-- pgphase re-evaluates the rows of public.users the sync trigger recorded as not convertible (counter_serial) and refuses (exit 2) while any still fails

-- phase contract (irreversible: runs only with --through contract)

-- step contract.users.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TRIGGER IF EXISTS "pgphase_ins_add_column_serial" ON "public"."users";

-- step contract.users.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TRIGGER IF EXISTS "pgphase_upd_add_column_serial" ON "public"."users";

-- step contract.users.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout)
DROP FUNCTION IF EXISTS "pgphase"."sync_add_column_serial_users"();

-- step contract.users.counter_serial.not_null_check: drop the helper check (NOT NULL is now set on the column)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" DROP CONSTRAINT IF EXISTS "pgphase_nn_users_counter_serial";
