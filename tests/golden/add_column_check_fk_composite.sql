-- pgphase plan for migration add_column_check_fk_composite: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: add_column order_lines.owner_id: not verified at validate: the new application may write the column from sync on, so `up` is not the truth for it
-- note: add_column order_lines.state: not verified at validate: the new application may write the column from sync on, so `up` is not the truth for it
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
-- precheck: before expand, pgphase evaluates (1) for owner_id over the existing rows of public.order_lines (read-only) and refuses (exit 2, naming them) any it cannot convert or that it makes NULL
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.order_lines.owner_id: add column owner_id to order_lines
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" ADD COLUMN IF NOT EXISTS "owner_id" bigint;
COMMIT;

-- step expand.order_lines.owner_id.check: check constraint, not yet validated
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" ADD CONSTRAINT "owner_positive" CHECK ((owner_id > 0)) NOT VALID;
COMMIT;

-- step expand.order_lines.owner_id.foreign_key: foreign key, not yet validated
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" ADD CONSTRAINT "order_lines_owner_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users" ("id") ON DELETE CASCADE NOT VALID;
COMMIT;

-- step expand.order_lines.state: add column state to order_lines
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" ADD COLUMN IF NOT EXISTS "state" text;
COMMIT;

-- phase sync

-- step sync.order_lines.function: create the dual-write function for order_lines
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_add_column_check_fk_composite_order_lines"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."owner_id" IS NULL THEN
      NEW."owner_id" := (1);
    END IF;
    IF NEW."state" IS NULL THEN
      NEW."state" := ('pending');
    END IF;
  ELSE
    NEW."owner_id" := (1);
  END IF;
  RETURN NEW;
END
$pgphase$;
COMMIT;

-- step sync.order_lines.insert_trigger: fill new columns on INSERT into order_lines
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_ins_add_column_check_fk_composite" BEFORE INSERT ON "public"."order_lines" FOR EACH ROW WHEN (NEW."owner_id" IS NULL OR NEW."state" IS NULL) EXECUTE FUNCTION "pgphase"."sync_add_column_check_fk_composite_order_lines"();
COMMIT;

-- step sync.order_lines.update_trigger: keep new columns in step on UPDATE of order_lines
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_add_column_check_fk_composite" BEFORE UPDATE ON "public"."order_lines" FOR EACH ROW WHEN ((NEW."owner_id" IS NULL)) EXECUTE FUNCTION "pgphase"."sync_add_column_check_fk_composite_order_lines"();
COMMIT;

-- phase backfill

-- step backfill.order_lines: fill owner_id, state for existing rows of order_lines in keyset batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (tenant, id), with $1.. = last key done (tenant, id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1, k2) AS (SELECT count(*) OVER (), "tenant", "id" FROM (SELECT "tenant", "id" FROM "public"."order_lines" WHERE ("tenant", "id") > ($1::integer, $2::bigint) ORDER BY "tenant", "id" LIMIT $3::bigint) batch ORDER BY "tenant" DESC, "id" DESC LIMIT 1), done AS (UPDATE "public"."order_lines" SET "owner_id" = COALESCE("owner_id", (1)), "state" = COALESCE("state", ('pending')) WHERE ("tenant", "id") > ($1::integer, $2::bigint) AND ("tenant", "id") <= (SELECT bound.k1, bound.k2 FROM bound) AND ("owner_id" IS NULL OR "state" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT k2::text FROM bound)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1, k2) AS (SELECT count(*) OVER (), "tenant", "id" FROM (SELECT "tenant", "id" FROM "public"."order_lines" ORDER BY "tenant", "id" LIMIT $1::bigint) batch ORDER BY "tenant" DESC, "id" DESC LIMIT 1), done AS (UPDATE "public"."order_lines" SET "owner_id" = COALESCE("owner_id", (1)), "state" = COALESCE("state", ('pending')) WHERE ("tenant", "id") <= (SELECT bound.k1, bound.k2 FROM bound) AND ("owner_id" IS NULL OR "state" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT k2::text FROM bound);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- phase validate

-- step validate.order_lines.owner_id.not_null_helper: enforce NOT NULL on new writes to order_lines.owner_id (not yet validated)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" ADD CONSTRAINT "pgphase_nn_order_lines_owner_id" CHECK ("owner_id" IS NOT NULL) NOT VALID;
COMMIT;

-- step validate.order_lines.owner_id.not_null_check: prove no row is NULL, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."order_lines" VALIDATE CONSTRAINT "pgphase_nn_order_lines_owner_id";
COMMIT;

-- step validate.order_lines.owner_id.set_not_null: SET NOT NULL (no scan: the validated check proves it)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" ALTER COLUMN "owner_id" SET NOT NULL;
COMMIT;

-- step validate.order_lines.owner_id.check: validate the check constraint
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."order_lines" VALIDATE CONSTRAINT "owner_positive";
COMMIT;

-- step validate.order_lines.owner_id.foreign_key: validate the foreign key
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."order_lines" VALIDATE CONSTRAINT "order_lines_owner_fk";
COMMIT;

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract)

-- step contract.order_lines.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_add_column_check_fk_composite" ON "public"."order_lines";
COMMIT;

-- step contract.order_lines.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_add_column_check_fk_composite" ON "public"."order_lines";
COMMIT;

-- step contract.order_lines.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_add_column_check_fk_composite_order_lines"();
COMMIT;

-- step contract.order_lines.owner_id.not_null_check: drop the helper check (NOT NULL is now set on the column)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" DROP CONSTRAINT IF EXISTS "pgphase_nn_order_lines_owner_id";
COMMIT;
