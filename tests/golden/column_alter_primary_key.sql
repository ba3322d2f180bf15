-- pgphase plan for migration column_alter_primary_key: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: alter_column order_lines.id: the type changes under the same name, so the two application versions cannot each have their own: id is bigint until swap and numeric(20) from swap on, and the old application must be stopped at swap; to keep both working through a rolling deploy, rename the column in the same alter_column (name:), and both names live from sync until contract
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
-- precheck: before expand, pgphase evaluates (CAST(id AS numeric(20))) for id over the existing rows of public.order_lines (read-only) and refuses (exit 2, naming them) any it cannot convert or that it makes NULL
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.order_lines.id.dependents: refuse if an index, constraint, view or other object depends on the column
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."order_lines"'::regclass AND attname = 'id' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."order_lines"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."order_lines"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."order_lines"'::regclass AND tgname IN (NULL)))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'))
     AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN (SELECT indexrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = '"public"."order_lines"'::regclass AND c.relname IN ('order_lines_pkey')))
     AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_constraint WHERE conrelid = '"public"."order_lines"'::regclass AND conname IN ('order_lines_pkey')));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'id', '"public"."order_lines"'::regclass, deps);
  END IF;
END
$pgphase$;
COMMIT;

-- step expand.order_lines.id.shadow: add shadow column _pgphase_new_id (numeric(20))
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" ADD COLUMN IF NOT EXISTS "_pgphase_new_id" numeric(20);
COMMIT;

-- step expand.order_lines.id.comment: carry the comment over
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  c text := pg_catalog.col_description('"public"."order_lines"'::regclass, (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."order_lines"'::regclass AND attname = 'id' AND NOT attisdropped));
BEGIN
  IF c IS NOT NULL THEN
    EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', '"public"."order_lines"'::regclass, '_pgphase_new_id', c);
  END IF;
END
$pgphase$;
COMMIT;

-- phase sync

-- step sync.order_lines.function: create the dual-write function for order_lines
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_alter_primary_key_order_lines"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "id" "public"."order_lines"."id"%TYPE := NEW."id";
BEGIN
    BEGIN
      NEW."_pgphase_new_id" := (CAST(id AS numeric(20)));
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('column_alter_primary_key', 'public.order_lines', '_pgphase_new_id', ARRAY[NEW."tenant"::text, NEW."id"::text], SQLSTATE, SQLERRM);
    END;
  RETURN NEW;
END
$pgphase$;
COMMIT;

-- step sync.order_lines.insert_trigger: fill new columns on INSERT into order_lines
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_ins_column_alter_primary_key" BEFORE INSERT ON "public"."order_lines" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_column_alter_primary_key_order_lines"();
COMMIT;

-- step sync.order_lines.update_trigger: keep new columns in step on UPDATE of order_lines
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_column_alter_primary_key" BEFORE UPDATE ON "public"."order_lines" FOR EACH ROW WHEN ((NEW."_pgphase_new_id" IS NULL OR (NEW."id" IS DISTINCT FROM OLD."id"))) EXECUTE FUNCTION "pgphase"."sync_column_alter_primary_key_order_lines"();
COMMIT;

-- phase backfill

-- step backfill.order_lines: fill _pgphase_new_id for existing rows of order_lines in keyset batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (tenant, id), with $1.. = last key done (tenant, id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1, k2) AS (SELECT count(*) OVER (), "tenant", "id" FROM (SELECT "tenant", "id" FROM "public"."order_lines" WHERE ("tenant", "id") > ($1::integer, $2::bigint) ORDER BY "tenant", "id" LIMIT $3::bigint) batch ORDER BY "tenant" DESC, "id" DESC LIMIT 1), done AS (UPDATE "public"."order_lines" SET "_pgphase_new_id" = COALESCE("_pgphase_new_id", (CAST(id AS numeric(20)))) WHERE ("tenant", "id") > ($1::integer, $2::bigint) AND ("tenant", "id") <= (SELECT bound.k1, bound.k2 FROM bound) AND ("_pgphase_new_id" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT k2::text FROM bound)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1, k2) AS (SELECT count(*) OVER (), "tenant", "id" FROM (SELECT "tenant", "id" FROM "public"."order_lines" ORDER BY "tenant", "id" LIMIT $1::bigint) batch ORDER BY "tenant" DESC, "id" DESC LIMIT 1), done AS (UPDATE "public"."order_lines" SET "_pgphase_new_id" = COALESCE("_pgphase_new_id", (CAST(id AS numeric(20)))) WHERE ("tenant", "id") <= (SELECT bound.k1, bound.k2 FROM bound) AND ("_pgphase_new_id" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT k2::text FROM bound);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- phase validate

-- step validate.conversions.order_lines: refuse while rows of order_lines whose new values the sync trigger could not compute remain unfixed
-- (no SQL here) pgphase re-evaluates the rows of public.order_lines the sync trigger recorded as not convertible (_pgphase_new_id) and refuses (exit 2) while any still fails

-- step validate.order_lines.verify: verify _pgphase_new_id = up(row) on every row of order_lines in keyset batches, repairing the rows that differ
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (tenant, id), with $1.. = last key done (tenant, id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1, k2) AS (SELECT count(*) OVER (), "tenant", "id" FROM (SELECT "tenant", "id" FROM "public"."order_lines" WHERE ("tenant", "id") > ($1::integer, $2::bigint) ORDER BY "tenant", "id" LIMIT $3::bigint) batch ORDER BY "tenant" DESC, "id" DESC LIMIT 1), done AS (UPDATE "public"."order_lines" SET "_pgphase_new_id" = (CAST(id AS numeric(20))) WHERE ("tenant", "id") > ($1::integer, $2::bigint) AND ("tenant", "id") <= (SELECT bound.k1, bound.k2 FROM bound) AND ("_pgphase_new_id" IS DISTINCT FROM CAST((CAST(id AS numeric(20))) AS numeric(20))) RETURNING "tenant" AS k1, "id" AS k2, NOT ("_pgphase_new_id" IS DISTINCT FROM CAST((CAST(id AS numeric(20))) AS numeric(20))) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT k2::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1, s.k2) FROM (SELECT ROW(k1, k2)::text AS k, k1, k2 FROM done ORDER BY k1, k2 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1, s.k2) FROM (SELECT ROW(k1, k2)::text AS k, k1, k2 FROM done WHERE NOT ok ORDER BY k1, k2 LIMIT 10) s)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1, k2) AS (SELECT count(*) OVER (), "tenant", "id" FROM (SELECT "tenant", "id" FROM "public"."order_lines" ORDER BY "tenant", "id" LIMIT $1::bigint) batch ORDER BY "tenant" DESC, "id" DESC LIMIT 1), done AS (UPDATE "public"."order_lines" SET "_pgphase_new_id" = (CAST(id AS numeric(20))) WHERE ("tenant", "id") <= (SELECT bound.k1, bound.k2 FROM bound) AND ("_pgphase_new_id" IS DISTINCT FROM CAST((CAST(id AS numeric(20))) AS numeric(20))) RETURNING "tenant" AS k1, "id" AS k2, NOT ("_pgphase_new_id" IS DISTINCT FROM CAST((CAST(id AS numeric(20))) AS numeric(20))) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT k2::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1, s.k2) FROM (SELECT ROW(k1, k2)::text AS k, k1, k2 FROM done ORDER BY k1, k2 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1, s.k2) FROM (SELECT ROW(k1, k2)::text AS k, k1, k2 FROM done WHERE NOT ok ORDER BY k1, k2 LIMIT 10) s);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- step validate.order_lines.id.not_null_helper: enforce NOT NULL on new writes to order_lines._pgphase_new_id (not yet validated)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" ADD CONSTRAINT "pgphase_nn_order_lines_id" CHECK ("_pgphase_new_id" IS NOT NULL) NOT VALID;
COMMIT;

-- step validate.order_lines.id.not_null_check: prove no row is NULL, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."order_lines" VALIDATE CONSTRAINT "pgphase_nn_order_lines_id";
COMMIT;

-- step validate.order_lines.id.set_not_null: SET NOT NULL (no scan: the validated check proves it)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" ALTER COLUMN "_pgphase_new_id" SET NOT NULL;
COMMIT;

-- step validate.order_lines.id.index.order_lines_pkey: rebuild index order_lines_pkey on the new column as _pgphase_new_order_lines_pkey
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); outside a transaction; scans: yes; rewrites: no; rows: about 1000; hazards: full_scan, index_build
SET lock_timeout = '1000ms';
SET statement_timeout = '0ms';
DROP INDEX CONCURRENTLY IF EXISTS "public"."_pgphase_new_order_lines_pkey";
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "_pgphase_new_order_lines_pkey" ON "public"."order_lines" ("tenant", "_pgphase_new_id");
RESET lock_timeout;
RESET statement_timeout;

-- phase swap

-- step swap.conversions.order_lines: refuse while rows of order_lines whose new values the sync trigger could not compute remain unfixed
-- (no SQL here) pgphase re-evaluates the rows of public.order_lines the sync trigger recorded as not convertible (_pgphase_new_id) and refuses (exit 2) while any still fails

-- step swap.order_lines: in one transaction: rename id -> _pgphase_old_id, _pgphase_new_id -> id; the column changes; point the sync trigger at the new names
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."order_lines"'::regclass AND attname = 'id' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."order_lines"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."order_lines"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."order_lines"'::regclass AND tgname IN ('pgphase_ins_column_alter_primary_key', 'pgphase_upd_column_alter_primary_key')))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'))
     AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN (SELECT indexrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = '"public"."order_lines"'::regclass AND c.relname IN ('order_lines_pkey')))
     AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_constraint WHERE conrelid = '"public"."order_lines"'::regclass AND conname IN ('order_lines_pkey')));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'id', '"public"."order_lines"'::regclass, deps);
  END IF;
END
$pgphase$;
DROP TRIGGER IF EXISTS "pgphase_ins_column_alter_primary_key" ON "public"."order_lines";
DROP TRIGGER IF EXISTS "pgphase_upd_column_alter_primary_key" ON "public"."order_lines";
ALTER TABLE "public"."order_lines" RENAME COLUMN "id" TO "_pgphase_old_id";
ALTER TABLE "public"."order_lines" RENAME COLUMN "_pgphase_new_id" TO "id";
ALTER TABLE "public"."order_lines" DROP CONSTRAINT IF EXISTS "order_lines_pkey";
ALTER TABLE "public"."order_lines" ADD CONSTRAINT "order_lines_pkey" PRIMARY KEY USING INDEX "_pgphase_new_order_lines_pkey";
ALTER TABLE "public"."order_lines" ALTER COLUMN "_pgphase_old_id" DROP NOT NULL;
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_alter_primary_key_order_lines"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "id" "public"."order_lines"."id"%TYPE := NEW."id";
BEGIN
    BEGIN
      NEW."_pgphase_old_id" := (CAST(id AS bigint));
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('column_alter_primary_key', 'public.order_lines', '_pgphase_old_id', ARRAY[NEW."tenant"::text, NEW."_pgphase_old_id"::text], SQLSTATE, SQLERRM);
    END;
  RETURN NEW;
END
$pgphase$;
CREATE TRIGGER "pgphase_ins_column_alter_primary_key" BEFORE INSERT ON "public"."order_lines" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_column_alter_primary_key_order_lines"();
CREATE TRIGGER "pgphase_upd_column_alter_primary_key" BEFORE UPDATE OF "id" ON "public"."order_lines" FOR EACH ROW WHEN (((NEW."id" IS DISTINCT FROM OLD."id"))) EXECUTE FUNCTION "pgphase"."sync_column_alter_primary_key_order_lines"();
COMMIT;

-- phase contract (irreversible: runs only with --through contract)

-- step contract.order_lines.id.old_nullable: the column _pgphase_old_id may be NULL once the sync trigger no longer fills it
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" ALTER COLUMN "_pgphase_old_id" DROP NOT NULL;
COMMIT;

-- step contract.order_lines.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_column_alter_primary_key" ON "public"."order_lines";
COMMIT;

-- step contract.order_lines.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_column_alter_primary_key" ON "public"."order_lines";
COMMIT;

-- step contract.order_lines.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_column_alter_primary_key_order_lines"();
COMMIT;

-- step contract.order_lines._pgphase_new_id.not_null_check: drop the helper check (NOT NULL is now set on the column)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" DROP CONSTRAINT IF EXISTS "pgphase_nn_order_lines_id";
COMMIT;

-- step contract.order_lines.id.old_column: drop the old column _pgphase_old_id
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, deletes_data, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" DROP COLUMN IF EXISTS "_pgphase_old_id";
COMMIT;
