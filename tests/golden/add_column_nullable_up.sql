-- pgphase plan for migration add_column_nullable_up: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: add_column users.label: not verified at validate: the new application may write the column from sync on, so `up` is not the truth for it
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
-- precheck: before expand, pgphase evaluates (name || '-' || coalesce(email, '')) for label over the existing rows of public.users (read-only) and refuses (exit 2, naming them) any it cannot convert
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.users.label: add column label to users
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ADD COLUMN IF NOT EXISTS "label" varchar(255);
COMMIT;

-- phase sync

-- step sync.users.function: create the dual-write function for users
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_add_column_nullable_up_users"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "name" "public"."users"."name"%TYPE := NEW."name";
  "email" "public"."users"."email"%TYPE := NEW."email";
BEGIN
    BEGIN
      NEW."label" := (name || '-' || coalesce(email, ''));
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('add_column_nullable_up', 'public.users', 'label', ARRAY[NEW."id"::text], SQLSTATE, SQLERRM);
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
CREATE TRIGGER "pgphase_ins_add_column_nullable_up" BEFORE INSERT ON "public"."users" FOR EACH ROW WHEN (NEW."label" IS NULL) EXECUTE FUNCTION "pgphase"."sync_add_column_nullable_up_users"();
COMMIT;

-- step sync.users.update_trigger: keep new columns in step on UPDATE of users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_add_column_nullable_up" BEFORE UPDATE OF "name", "email" ON "public"."users" FOR EACH ROW WHEN (((NEW."label" IS NOT DISTINCT FROM OLD."label" AND (NEW."name" IS DISTINCT FROM OLD."name" OR NEW."email" IS DISTINCT FROM OLD."email")))) EXECUTE FUNCTION "pgphase"."sync_add_column_nullable_up_users"();
COMMIT;

-- phase backfill

-- step backfill.users: fill label for existing rows of users in keyset batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 300000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."users" SET "label" = COALESCE("label", (name || '-' || coalesce(email, ''))) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("label" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."users" SET "label" = COALESCE("label", (name || '-' || coalesce(email, ''))) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("label" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- phase validate

-- step validate.conversions.users: refuse while rows of users whose new values the sync trigger could not compute remain unfixed
-- (no SQL here) pgphase re-evaluates the rows of public.users the sync trigger recorded as not convertible (label) and refuses (exit 2) while any still fails

-- phase swap

-- step swap.conversions.users: refuse while rows of users whose new values the sync trigger could not compute remain unfixed
-- (no SQL here) pgphase re-evaluates the rows of public.users the sync trigger recorded as not convertible (label) and refuses (exit 2) while any still fails

-- phase contract (irreversible: runs only with --through contract)

-- step contract.users.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_add_column_nullable_up" ON "public"."users";
COMMIT;

-- step contract.users.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_add_column_nullable_up" ON "public"."users";
COMMIT;

-- step contract.users.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_add_column_nullable_up_users"();
COMMIT;
