-- pgphase plan for migration add_column_hostile_names: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: add_column we"ird;\nDROP TABLE users; --.Col"umn: not verified at validate: the new application may write the column from sync on, so `up` is not the truth for it
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
-- precheck: before expand, pgphase evaluates ('x') for Col"umn over the existing rows of public.we"ird;\nDROP TABLE users; -- (read-only) and refuses (exit 2, naming them) any it cannot convert or that it makes NULL
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.we"ird;\nDROP TABLE users; --.Col"umn: add column Col"umn to we"ird;\nDROP TABLE users; --
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."we""ird;
DROP TABLE users; --" ADD COLUMN IF NOT EXISTS "Col""umn" text;
COMMIT;

-- step expand.we"ird;\nDROP TABLE users; --.Col"umn.comment: column comment
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
COMMENT ON COLUMN "public"."we""ird;
DROP TABLE users; --"."Col""umn" IS E'it''s a \\ backslash';
COMMIT;

-- phase sync

-- step sync.we"ird;\nDROP TABLE users; --.function: create the dual-write function for we"ird;\nDROP TABLE users; --
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_add_column_hostile_names_we""ird;
DROP TABLE users; --"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
BEGIN
    NEW."Col""umn" := ('x');
  RETURN NEW;
END
$pgphase$;
COMMIT;

-- step sync.we"ird;\nDROP TABLE users; --.insert_trigger: fill new columns on INSERT into we"ird;\nDROP TABLE users; --
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_ins_add_column_hostile_names" BEFORE INSERT ON "public"."we""ird;
DROP TABLE users; --" FOR EACH ROW WHEN (NEW."Col""umn" IS NULL) EXECUTE FUNCTION "pgphase"."sync_add_column_hostile_names_we""ird;
DROP TABLE users; --"();
COMMIT;

-- step sync.we"ird;\nDROP TABLE users; --.update_trigger: keep new columns in step on UPDATE of we"ird;\nDROP TABLE users; --
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_add_column_hostile_names" BEFORE UPDATE ON "public"."we""ird;
DROP TABLE users; --" FOR EACH ROW WHEN ((NEW."Col""umn" IS NULL)) EXECUTE FUNCTION "pgphase"."sync_add_column_hostile_names_we""ird;
DROP TABLE users; --"();
COMMIT;

-- phase backfill

-- step backfill.we"ird;\nDROP TABLE users; --: fill Col"umn for existing rows of we"ird;\nDROP TABLE users; -- in keyset batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 0; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."we""ird;\nDROP TABLE users; --" WHERE ("id") > ($1::integer) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."we""ird;\nDROP TABLE users; --" SET "Col""umn" = COALESCE("Col""umn", ('x')) WHERE ("id") > ($1::integer) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("Col""umn" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."we""ird;
DROP TABLE users; --" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."we""ird;
DROP TABLE users; --" SET "Col""umn" = COALESCE("Col""umn", ('x')) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("Col""umn" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- phase validate

-- step validate.we"ird;\nDROP TABLE users; --.Col"umn.not_null_helper: enforce NOT NULL on new writes to we"ird;\nDROP TABLE users; --.Col"umn (not yet validated)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."we""ird;
DROP TABLE users; --" ADD CONSTRAINT "pgphase_nn_we""ird;
DROP TABLE users; --_Col""umn" CHECK ("Col""umn" IS NOT NULL) NOT VALID;
COMMIT;

-- step validate.we"ird;\nDROP TABLE users; --.Col"umn.not_null_check: prove no row is NULL, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 0; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."we""ird;
DROP TABLE users; --" VALIDATE CONSTRAINT "pgphase_nn_we""ird;
DROP TABLE users; --_Col""umn";
COMMIT;

-- step validate.we"ird;\nDROP TABLE users; --.Col"umn.set_not_null: SET NOT NULL (no scan: the validated check proves it)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."we""ird;
DROP TABLE users; --" ALTER COLUMN "Col""umn" SET NOT NULL;
COMMIT;

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract)

-- step contract.we"ird;\nDROP TABLE users; --.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_add_column_hostile_names" ON "public"."we""ird;
DROP TABLE users; --";
COMMIT;

-- step contract.we"ird;\nDROP TABLE users; --.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_add_column_hostile_names" ON "public"."we""ird;
DROP TABLE users; --";
COMMIT;

-- step contract.we"ird;\nDROP TABLE users; --.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_add_column_hostile_names_we""ird;
DROP TABLE users; --"();
COMMIT;

-- step contract.we"ird;\nDROP TABLE users; --.Col"umn.not_null_check: drop the helper check (NOT NULL is now set on the column)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."we""ird;
DROP TABLE users; --" DROP CONSTRAINT IF EXISTS "pgphase_nn_we""ird;
DROP TABLE users; --_Col""umn";
COMMIT;
