-- pgphase plan for migration column_alter_type_check: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: alter_column products.sku: the type changes under the same name, so the two application versions cannot each have their own: sku is text until swap and varchar(255) from swap on, and the old application must be stopped at swap; to keep both working through a rolling deploy, rename the column in the same alter_column (name:), and both names live from sync until contract
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
-- precheck: before expand, pgphase evaluates (sku) for sku over the existing rows of public.products (read-only) and refuses (exit 2, naming them) any it cannot convert
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.products.sku.dependents: refuse if an index, constraint, view or other object depends on the column
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."products"'::regclass AND attname = 'sku' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."products"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."products"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."products"'::regclass AND tgname IN (NULL)))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'))
     AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN (SELECT indexrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = '"public"."products"'::regclass AND c.relname IN ('sku_length')))
     AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_constraint WHERE conrelid = '"public"."products"'::regclass AND conname IN ('sku_length')));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'sku', '"public"."products"'::regclass, deps);
  END IF;
END
$pgphase$;
COMMIT;

-- step expand.products.sku.shadow: add shadow column _pgphase_new_sku (varchar(255))
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."products" ADD COLUMN IF NOT EXISTS "_pgphase_new_sku" varchar(255);
COMMIT;

-- step expand.products.sku.comment: carry the comment over
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  c text := pg_catalog.col_description('"public"."products"'::regclass, (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."products"'::regclass AND attname = 'sku' AND NOT attisdropped));
BEGIN
  IF c IS NOT NULL THEN
    EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', '"public"."products"'::regclass, '_pgphase_new_sku', c);
  END IF;
END
$pgphase$;
COMMIT;

-- phase sync

-- step sync.products.function: create the dual-write function for products
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_alter_type_check_products"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "sku" "public"."products"."sku"%TYPE := NEW."sku";
BEGIN
    BEGIN
      NEW."_pgphase_new_sku" := (sku);
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('column_alter_type_check', 'public.products', '_pgphase_new_sku', ARRAY[NEW."id"::text], SQLSTATE, SQLERRM);
    END;
  RETURN NEW;
END
$pgphase$;
COMMIT;

-- step sync.products.insert_trigger: fill new columns on INSERT into products
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_ins_column_alter_type_check" BEFORE INSERT ON "public"."products" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_column_alter_type_check_products"();
COMMIT;

-- step sync.products.update_trigger: keep new columns in step on UPDATE of products
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_column_alter_type_check" BEFORE UPDATE OF "sku" ON "public"."products" FOR EACH ROW WHEN (((NEW."sku" IS DISTINCT FROM OLD."sku"))) EXECUTE FUNCTION "pgphase"."sync_column_alter_type_check_products"();
COMMIT;

-- phase backfill

-- step backfill.products: fill _pgphase_new_sku for existing rows of products in keyset batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 0; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."products" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."products" SET "_pgphase_new_sku" = COALESCE("_pgphase_new_sku", (sku)) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_sku" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."products" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."products" SET "_pgphase_new_sku" = COALESCE("_pgphase_new_sku", (sku)) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_sku" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- phase validate

-- step validate.conversions.products: refuse while rows of products whose new values the sync trigger could not compute remain unfixed
-- (no SQL here) pgphase re-evaluates the rows of public.products the sync trigger recorded as not convertible (_pgphase_new_sku) and refuses (exit 2) while any still fails

-- step validate.products.verify: verify _pgphase_new_sku = up(row) on every row of products in keyset batches, repairing the rows that differ
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 0; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."products" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."products" SET "_pgphase_new_sku" = (sku) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_sku" IS DISTINCT FROM CAST((sku) AS varchar(255))) RETURNING "id" AS k1, NOT ("_pgphase_new_sku" IS DISTINCT FROM CAST((sku) AS varchar(255))) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done WHERE NOT ok ORDER BY k1 LIMIT 10) s)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."products" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."products" SET "_pgphase_new_sku" = (sku) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_sku" IS DISTINCT FROM CAST((sku) AS varchar(255))) RETURNING "id" AS k1, NOT ("_pgphase_new_sku" IS DISTINCT FROM CAST((sku) AS varchar(255))) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done WHERE NOT ok ORDER BY k1 LIMIT 10) s);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- step validate.products.sku.check.sku_length.add: check constraint sku_length on the new column as _pgphase_new_sku_length, not yet validated
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."products" ADD CONSTRAINT "_pgphase_new_sku_length" CHECK (((length("_pgphase_new_sku") > 3))) NOT VALID;
COMMIT;

-- step validate.products.sku.check.sku_length.validate: validate _pgphase_new_sku_length without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 0; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."products" VALIDATE CONSTRAINT "_pgphase_new_sku_length";
COMMIT;

-- phase swap

-- step swap.conversions.products: refuse while rows of products whose new values the sync trigger could not compute remain unfixed
-- (no SQL here) pgphase re-evaluates the rows of public.products the sync trigger recorded as not convertible (_pgphase_new_sku) and refuses (exit 2) while any still fails

-- step swap.products: in one transaction: rename sku -> _pgphase_old_sku, _pgphase_new_sku -> sku; the column changes; point the sync trigger at the new names
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."products"'::regclass AND attname = 'sku' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."products"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."products"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."products"'::regclass AND tgname IN ('pgphase_ins_column_alter_type_check', 'pgphase_upd_column_alter_type_check')))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'))
     AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN (SELECT indexrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = '"public"."products"'::regclass AND c.relname IN ('sku_length')))
     AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_constraint WHERE conrelid = '"public"."products"'::regclass AND conname IN ('sku_length')));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'sku', '"public"."products"'::regclass, deps);
  END IF;
END
$pgphase$;
DROP TRIGGER IF EXISTS "pgphase_ins_column_alter_type_check" ON "public"."products";
DROP TRIGGER IF EXISTS "pgphase_upd_column_alter_type_check" ON "public"."products";
ALTER TABLE "public"."products" RENAME COLUMN "sku" TO "_pgphase_old_sku";
ALTER TABLE "public"."products" RENAME COLUMN "_pgphase_new_sku" TO "sku";
ALTER TABLE "public"."products" RENAME CONSTRAINT "sku_length" TO "_pgphase_old_sku_length";
ALTER TABLE "public"."products" RENAME CONSTRAINT "_pgphase_new_sku_length" TO "sku_length";
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_alter_type_check_products"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "sku" "public"."products"."sku"%TYPE := NEW."sku";
BEGIN
    NEW."_pgphase_old_sku" := (sku);
  RETURN NEW;
END
$pgphase$;
CREATE TRIGGER "pgphase_ins_column_alter_type_check" BEFORE INSERT ON "public"."products" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_column_alter_type_check_products"();
CREATE TRIGGER "pgphase_upd_column_alter_type_check" BEFORE UPDATE OF "sku" ON "public"."products" FOR EACH ROW WHEN (((NEW."sku" IS DISTINCT FROM OLD."sku"))) EXECUTE FUNCTION "pgphase"."sync_column_alter_type_check_products"();
COMMIT;

-- phase contract (irreversible: runs only with --through contract)

-- step contract.products.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_column_alter_type_check" ON "public"."products";
COMMIT;

-- step contract.products.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_column_alter_type_check" ON "public"."products";
COMMIT;

-- step contract.products.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_column_alter_type_check_products"();
COMMIT;

-- step contract.products.sku.old_column: drop the old column _pgphase_old_sku
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, deletes_data, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."products" DROP COLUMN IF EXISTS "_pgphase_old_sku";
COMMIT;
