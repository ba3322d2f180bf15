-- pgphase plan for migration add_column_serial: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.users.counter_serial.sequence: create the sequence of serial column counter_serial
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SEQUENCE "public"."users_counter_serial_seq" AS integer;
COMMIT;

-- step expand.users.counter_serial: add column counter_serial to users
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ADD COLUMN IF NOT EXISTS "counter_serial" integer;
COMMIT;

-- step expand.users.counter_serial.default: default for new rows only
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ALTER COLUMN "counter_serial" SET DEFAULT (nextval('"public"."users_counter_serial_seq"'::regclass));
COMMIT;

-- step expand.users.counter_serial.sequence_owner: the sequence belongs to the column (and goes with it)
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER SEQUENCE "public"."users_counter_serial_seq" OWNED BY "public"."users"."counter_serial";
COMMIT;

-- phase sync

-- step sync.users.function: create the dual-write function for users
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_add_column_serial_users"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
BEGIN
    BEGIN
      NEW."counter_serial" := (nextval('"public"."users_counter_serial_seq"'::regclass));
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('add_column_serial', 'public.users', 'counter_serial', ARRAY[NEW."id"::text], SQLSTATE, SQLERRM);
    END;
  RETURN NEW;
END
$pgphase$;
COMMIT;

-- step sync.users.insert_trigger: fill new columns on INSERT into users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_ins_add_column_serial" BEFORE INSERT ON "public"."users" FOR EACH ROW WHEN (NEW."counter_serial" IS NULL) EXECUTE FUNCTION "pgphase"."sync_add_column_serial_users"();
COMMIT;

-- step sync.users.update_trigger: keep new columns in step on UPDATE of users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_add_column_serial" BEFORE UPDATE ON "public"."users" FOR EACH ROW WHEN ((NEW."counter_serial" IS NULL)) EXECUTE FUNCTION "pgphase"."sync_add_column_serial_users"();
COMMIT;

-- phase backfill

-- step backfill.users: fill counter_serial for existing rows of users in keyset batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 300000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."users" SET "counter_serial" = COALESCE("counter_serial", (nextval('"public"."users_counter_serial_seq"'::regclass))) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("counter_serial" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."users" SET "counter_serial" = COALESCE("counter_serial", (nextval('"public"."users_counter_serial_seq"'::regclass))) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("counter_serial" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- phase validate

-- step validate.conversions.users: refuse while rows of users whose new values the sync trigger could not compute remain unfixed
-- (no SQL here) pgphase re-evaluates the rows of public.users the sync trigger recorded as not convertible (counter_serial) and refuses (exit 2) while any still fails

-- step validate.users.counter_serial.not_null_helper: enforce NOT NULL on new writes to users.counter_serial (not yet validated)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ADD CONSTRAINT "pgphase_nn_users_counter_serial" CHECK ("counter_serial" IS NOT NULL) NOT VALID;
COMMIT;

-- step validate.users.counter_serial.not_null_check: prove no row is NULL, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 300000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."users" VALIDATE CONSTRAINT "pgphase_nn_users_counter_serial";
COMMIT;

-- step validate.users.counter_serial.set_not_null: SET NOT NULL (no scan: the validated check proves it)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ALTER COLUMN "counter_serial" SET NOT NULL;
COMMIT;

-- phase swap

-- step swap.conversions.users: refuse while rows of users whose new values the sync trigger could not compute remain unfixed
-- (no SQL here) pgphase re-evaluates the rows of public.users the sync trigger recorded as not convertible (counter_serial) and refuses (exit 2) while any still fails

-- phase contract (irreversible: runs only with --through contract)

-- step contract.users.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_add_column_serial" ON "public"."users";
COMMIT;

-- step contract.users.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_add_column_serial" ON "public"."users";
COMMIT;

-- step contract.users.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_add_column_serial_users"();
COMMIT;

-- step contract.users.counter_serial.not_null_check: drop the helper check (NOT NULL is now set on the column)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" DROP CONSTRAINT IF EXISTS "pgphase_nn_users_counter_serial";
COMMIT;
