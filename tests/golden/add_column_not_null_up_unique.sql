-- pgphase plan for migration add_column_not_null_up_unique: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: add_column users.shout: not verified at validate: the new application may write the column from sync on, so `up` is not the truth for it
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
-- precheck: before expand, pgphase evaluates (upper(name)) for shout over the existing rows of public.users (read-only) and refuses (exit 2, naming them) any it cannot convert or that it makes NULL
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.users.shout: add column shout to users
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ADD COLUMN IF NOT EXISTS "shout" text;
COMMIT;

-- step expand.users.shout.comment: column comment
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
COMMENT ON COLUMN "public"."users"."shout" IS 'upper-cased name';
COMMIT;

-- phase sync

-- step sync.users.function: create the dual-write function for users
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_add_column_not_null_up_unique_users"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "name" "public"."users"."name"%TYPE := NEW."name";
BEGIN
    NEW."shout" := (upper(name));
  RETURN NEW;
END
$pgphase$;
COMMIT;

-- step sync.users.insert_trigger: fill new columns on INSERT into users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_ins_add_column_not_null_up_unique" BEFORE INSERT ON "public"."users" FOR EACH ROW WHEN (NEW."shout" IS NULL) EXECUTE FUNCTION "pgphase"."sync_add_column_not_null_up_unique_users"();
COMMIT;

-- step sync.users.update_trigger: keep new columns in step on UPDATE of users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_add_column_not_null_up_unique" BEFORE UPDATE ON "public"."users" FOR EACH ROW WHEN ((NEW."shout" IS NULL OR (NEW."shout" IS NOT DISTINCT FROM OLD."shout" AND (NEW."name" IS DISTINCT FROM OLD."name")))) EXECUTE FUNCTION "pgphase"."sync_add_column_not_null_up_unique_users"();
COMMIT;

-- phase backfill

-- step backfill.users: fill shout for existing rows of users in keyset batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 300000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."users" SET "shout" = COALESCE("shout", (upper(name))) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("shout" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."users" SET "shout" = COALESCE("shout", (upper(name))) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("shout" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- phase validate

-- step validate.users.shout.not_null_helper: enforce NOT NULL on new writes to users.shout (not yet validated)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ADD CONSTRAINT "pgphase_nn_users_shout" CHECK ("shout" IS NOT NULL) NOT VALID;
COMMIT;

-- step validate.users.shout.not_null_check: prove no row is NULL, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 300000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."users" VALIDATE CONSTRAINT "pgphase_nn_users_shout";
COMMIT;

-- step validate.users.shout.set_not_null: SET NOT NULL (no scan: the validated check proves it)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ALTER COLUMN "shout" SET NOT NULL;
COMMIT;

-- step validate.users.shout.unique_index: build the unique index without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); outside a transaction; scans: yes; rewrites: no; rows: about 300000; hazards: full_scan, index_build
SET lock_timeout = '1000ms';
SET statement_timeout = '0ms';
DROP INDEX CONCURRENTLY IF EXISTS "public"."users_shout_key";
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "users_shout_key" ON "public"."users" ("shout");
RESET lock_timeout;
RESET statement_timeout;

-- phase swap

-- step swap.users.shout.unique: attach the index as a unique constraint
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ADD CONSTRAINT "users_shout_key" UNIQUE USING INDEX "users_shout_key";
COMMIT;

-- phase contract (irreversible: runs only with --through contract)

-- step contract.users.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_add_column_not_null_up_unique" ON "public"."users";
COMMIT;

-- step contract.users.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_add_column_not_null_up_unique" ON "public"."users";
COMMIT;

-- step contract.users.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_add_column_not_null_up_unique_users"();
COMMIT;

-- step contract.users.shout.not_null_check: drop the helper check (NOT NULL is now set on the column)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" DROP CONSTRAINT IF EXISTS "pgphase_nn_users_shout";
COMMIT;
