-- pgphase plan for migration column_alter_not_null_references: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
-- precheck: before expand, pgphase evaluates (SELECT CASE WHEN note IS NULL THEN 'none' ELSE note END) for note over the existing rows of public.order_lines (read-only) and refuses (exit 2, naming them) any it cannot convert or that it makes NULL
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.order_lines.note.dependents: refuse if an index, constraint, view or other object depends on the column
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."order_lines"'::regclass AND attname = 'note' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."order_lines"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."order_lines"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."order_lines"'::regclass AND tgname IN (NULL)))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'note', '"public"."order_lines"'::regclass, deps);
  END IF;
END
$pgphase$;
COMMIT;

-- step expand.order_lines.note.shadow: add shadow column _pgphase_new_note (text)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" ADD COLUMN IF NOT EXISTS "_pgphase_new_note" text;
COMMIT;

-- step expand.order_lines.note.comment: carry the comment over
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  c text := pg_catalog.col_description('"public"."order_lines"'::regclass, (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."order_lines"'::regclass AND attname = 'note' AND NOT attisdropped));
BEGIN
  IF c IS NOT NULL THEN
    EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', '"public"."order_lines"'::regclass, '_pgphase_new_note', c);
  END IF;
END
$pgphase$;
COMMIT;

-- step expand.order_lines.note.foreign_key: foreign key, not yet validated
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" ADD CONSTRAINT "order_lines_note_fk" FOREIGN KEY ("_pgphase_new_note") REFERENCES "public"."accounts" ("code") NOT VALID;
COMMIT;

-- phase sync

-- step sync.order_lines.function: create the dual-write function for order_lines
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_alter_not_null_references_order_lines"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "note" "public"."order_lines"."note"%TYPE := NEW."note";
BEGIN
    BEGIN
      NEW."_pgphase_new_note" := (SELECT CASE WHEN note IS NULL THEN 'none' ELSE note END);
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('column_alter_not_null_references', 'public.order_lines', '_pgphase_new_note', ARRAY[NEW."tenant"::text, NEW."id"::text], SQLSTATE, SQLERRM);
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
CREATE TRIGGER "pgphase_ins_column_alter_not_null_references" BEFORE INSERT ON "public"."order_lines" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_column_alter_not_null_references_order_lines"();
COMMIT;

-- step sync.order_lines.update_trigger: keep new columns in step on UPDATE of order_lines
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_column_alter_not_null_references" BEFORE UPDATE ON "public"."order_lines" FOR EACH ROW WHEN ((NEW."_pgphase_new_note" IS NULL OR (NEW."note" IS DISTINCT FROM OLD."note"))) EXECUTE FUNCTION "pgphase"."sync_column_alter_not_null_references_order_lines"();
COMMIT;

-- phase backfill

-- step backfill.order_lines: fill _pgphase_new_note for existing rows of order_lines in keyset batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (tenant, id), with $1.. = last key done (tenant, id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1, k2) AS (SELECT count(*) OVER (), "tenant", "id" FROM (SELECT "tenant", "id" FROM "public"."order_lines" WHERE ("tenant", "id") > ($1::integer, $2::bigint) ORDER BY "tenant", "id" LIMIT $3::bigint) batch ORDER BY "tenant" DESC, "id" DESC LIMIT 1), done AS (UPDATE "public"."order_lines" SET "_pgphase_new_note" = COALESCE("_pgphase_new_note", (SELECT CASE WHEN note IS NULL THEN 'none' ELSE note END)) WHERE ("tenant", "id") > ($1::integer, $2::bigint) AND ("tenant", "id") <= (SELECT bound.k1, bound.k2 FROM bound) AND ("_pgphase_new_note" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT k2::text FROM bound)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1, k2) AS (SELECT count(*) OVER (), "tenant", "id" FROM (SELECT "tenant", "id" FROM "public"."order_lines" ORDER BY "tenant", "id" LIMIT $1::bigint) batch ORDER BY "tenant" DESC, "id" DESC LIMIT 1), done AS (UPDATE "public"."order_lines" SET "_pgphase_new_note" = COALESCE("_pgphase_new_note", (SELECT CASE WHEN note IS NULL THEN 'none' ELSE note END)) WHERE ("tenant", "id") <= (SELECT bound.k1, bound.k2 FROM bound) AND ("_pgphase_new_note" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT k2::text FROM bound);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- phase validate

-- step validate.conversions.order_lines: refuse while rows of order_lines whose new values the sync trigger could not compute remain unfixed
-- (no SQL here) pgphase re-evaluates the rows of public.order_lines the sync trigger recorded as not convertible (_pgphase_new_note) and refuses (exit 2) while any still fails

-- step validate.order_lines.verify: verify _pgphase_new_note = up(row) on every row of order_lines in keyset batches, repairing the rows that differ
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (tenant, id), with $1.. = last key done (tenant, id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1, k2) AS (SELECT count(*) OVER (), "tenant", "id" FROM (SELECT "tenant", "id" FROM "public"."order_lines" WHERE ("tenant", "id") > ($1::integer, $2::bigint) ORDER BY "tenant", "id" LIMIT $3::bigint) batch ORDER BY "tenant" DESC, "id" DESC LIMIT 1), done AS (UPDATE "public"."order_lines" SET "_pgphase_new_note" = (SELECT CASE WHEN note IS NULL THEN 'none' ELSE note END) WHERE ("tenant", "id") > ($1::integer, $2::bigint) AND ("tenant", "id") <= (SELECT bound.k1, bound.k2 FROM bound) AND ("_pgphase_new_note" IS DISTINCT FROM CAST((SELECT CASE WHEN note IS NULL THEN 'none' ELSE note END) AS text)) RETURNING "tenant" AS k1, "id" AS k2, NOT ("_pgphase_new_note" IS DISTINCT FROM CAST((SELECT CASE WHEN note IS NULL THEN 'none' ELSE note END) AS text)) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT k2::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1, s.k2) FROM (SELECT ROW(k1, k2)::text AS k, k1, k2 FROM done ORDER BY k1, k2 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1, s.k2) FROM (SELECT ROW(k1, k2)::text AS k, k1, k2 FROM done WHERE NOT ok ORDER BY k1, k2 LIMIT 10) s)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1, k2) AS (SELECT count(*) OVER (), "tenant", "id" FROM (SELECT "tenant", "id" FROM "public"."order_lines" ORDER BY "tenant", "id" LIMIT $1::bigint) batch ORDER BY "tenant" DESC, "id" DESC LIMIT 1), done AS (UPDATE "public"."order_lines" SET "_pgphase_new_note" = (SELECT CASE WHEN note IS NULL THEN 'none' ELSE note END) WHERE ("tenant", "id") <= (SELECT bound.k1, bound.k2 FROM bound) AND ("_pgphase_new_note" IS DISTINCT FROM CAST((SELECT CASE WHEN note IS NULL THEN 'none' ELSE note END) AS text)) RETURNING "tenant" AS k1, "id" AS k2, NOT ("_pgphase_new_note" IS DISTINCT FROM CAST((SELECT CASE WHEN note IS NULL THEN 'none' ELSE note END) AS text)) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT k2::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1, s.k2) FROM (SELECT ROW(k1, k2)::text AS k, k1, k2 FROM done ORDER BY k1, k2 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1, s.k2) FROM (SELECT ROW(k1, k2)::text AS k, k1, k2 FROM done WHERE NOT ok ORDER BY k1, k2 LIMIT 10) s);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- step validate.order_lines.note.not_null_helper: enforce NOT NULL on new writes to order_lines._pgphase_new_note (not yet validated)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" ADD CONSTRAINT "pgphase_nn_order_lines_note" CHECK ("_pgphase_new_note" IS NOT NULL) NOT VALID;
COMMIT;

-- step validate.order_lines.note.not_null_check: prove no row is NULL, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."order_lines" VALIDATE CONSTRAINT "pgphase_nn_order_lines_note";
COMMIT;

-- step validate.order_lines.note.set_not_null: SET NOT NULL (no scan: the validated check proves it)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" ALTER COLUMN "_pgphase_new_note" SET NOT NULL;
COMMIT;

-- step validate.order_lines.note.foreign_key: validate the foreign key
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."order_lines" VALIDATE CONSTRAINT "order_lines_note_fk";
COMMIT;

-- phase swap

-- step swap.conversions.order_lines: refuse while rows of order_lines whose new values the sync trigger could not compute remain unfixed
-- (no SQL here) pgphase re-evaluates the rows of public.order_lines the sync trigger recorded as not convertible (_pgphase_new_note) and refuses (exit 2) while any still fails

-- step swap.order_lines: in one transaction: rename note -> _pgphase_old_note, _pgphase_new_note -> note; point the sync trigger at the new names
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."order_lines"'::regclass AND attname = 'note' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."order_lines"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."order_lines"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."order_lines"'::regclass AND tgname IN ('pgphase_ins_column_alter_not_null_references', 'pgphase_upd_column_alter_not_null_references')))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'note', '"public"."order_lines"'::regclass, deps);
  END IF;
END
$pgphase$;
DROP TRIGGER IF EXISTS "pgphase_ins_column_alter_not_null_references" ON "public"."order_lines";
DROP TRIGGER IF EXISTS "pgphase_upd_column_alter_not_null_references" ON "public"."order_lines";
ALTER TABLE "public"."order_lines" RENAME COLUMN "note" TO "_pgphase_old_note";
ALTER TABLE "public"."order_lines" RENAME COLUMN "_pgphase_new_note" TO "note";
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_alter_not_null_references_order_lines"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "note" "public"."order_lines"."note"%TYPE := NEW."note";
BEGIN
    NEW."_pgphase_old_note" := ("note");
  RETURN NEW;
END
$pgphase$;
CREATE TRIGGER "pgphase_ins_column_alter_not_null_references" BEFORE INSERT ON "public"."order_lines" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_column_alter_not_null_references_order_lines"();
CREATE TRIGGER "pgphase_upd_column_alter_not_null_references" BEFORE UPDATE OF "note" ON "public"."order_lines" FOR EACH ROW WHEN (((NEW."note" IS DISTINCT FROM OLD."note"))) EXECUTE FUNCTION "pgphase"."sync_column_alter_not_null_references_order_lines"();
COMMIT;

-- phase contract (irreversible: runs only with --through contract)

-- step contract.order_lines.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_column_alter_not_null_references" ON "public"."order_lines";
COMMIT;

-- step contract.order_lines.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_column_alter_not_null_references" ON "public"."order_lines";
COMMIT;

-- step contract.order_lines.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_column_alter_not_null_references_order_lines"();
COMMIT;

-- step contract.order_lines._pgphase_new_note.not_null_check: drop the helper check (NOT NULL is now set on the column)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" DROP CONSTRAINT IF EXISTS "pgphase_nn_order_lines_note";
COMMIT;

-- step contract.order_lines.note.old_column: drop the old column _pgphase_old_note
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, deletes_data, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" DROP COLUMN IF EXISTS "_pgphase_old_note";
COMMIT;
