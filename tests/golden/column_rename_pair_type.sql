-- pgphase plan for migration column_rename_pair_type
-- note: alter_column order_lines.note: remark is not verified at validate: the new application may write it from sync on, so `up` is not the truth for it
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
-- precheck: before expand, pgphase evaluates (left(coalesce(note, ''), 40)) for note over the existing rows of public.order_lines (read-only) and refuses (exit 2, naming them) any it cannot convert or that it makes NULL

-- phase expand

-- step expand.order_lines.note.dependents: refuse if an index, constraint, view or other object depends on the column
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout)
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

-- step expand.order_lines.note.shadow: add column remark (varchar(40)), kept in step with note until contract
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."order_lines" ADD COLUMN "remark" varchar(40);

-- step expand.order_lines.note.comment: carry the comment over
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout)
DO $pgphase$
DECLARE
  c text := pg_catalog.col_description('"public"."order_lines"'::regclass, (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."order_lines"'::regclass AND attname = 'note' AND NOT attisdropped));
BEGIN
  IF c IS NOT NULL THEN
    EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', '"public"."order_lines"'::regclass, 'remark', c);
  END IF;
END
$pgphase$;

-- phase sync

-- step sync.order_lines.function: create the dual-write function for order_lines
-- lock: none (scan_timeout applies; no statement_timeout)
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_rename_pair_type_order_lines"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "note" "public"."order_lines"."note"%TYPE := NEW."note";
  "remark" "public"."order_lines"."remark"%TYPE := NEW."remark";
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."remark" IS NULL THEN
      BEGIN
        NEW."remark" := (left(coalesce(note, ''), 40));
      EXCEPTION WHEN OTHERS THEN
        PERFORM pgphase.record_sync_error('column_rename_pair_type', 'public.order_lines', 'remark', ARRAY[NEW."tenant"::text, NEW."id"::text], SQLSTATE, SQLERRM);
      END;
      "remark" := NEW."remark";
    ELSE
      NEW."note" := (remark);
      "note" := NEW."note";
    END IF;
  ELSE
    IF ((NEW."note" IS NOT DISTINCT FROM OLD."note" AND (NEW."remark" IS DISTINCT FROM OLD."remark"))) AND pg_catalog.current_setting('pgphase.filling', true) IS DISTINCT FROM 'on' THEN
      NEW."note" := (remark);
      "note" := NEW."note";
    ELSIF NEW."remark" IS NULL OR (NEW."remark" IS NOT DISTINCT FROM OLD."remark" AND (NEW."note" IS DISTINCT FROM OLD."note")) THEN
      BEGIN
        NEW."remark" := (left(coalesce(note, ''), 40));
      EXCEPTION WHEN OTHERS THEN
        PERFORM pgphase.record_sync_error('column_rename_pair_type', 'public.order_lines', 'remark', ARRAY[NEW."tenant"::text, NEW."id"::text], SQLSTATE, SQLERRM);
      END;
      "remark" := NEW."remark";
    END IF;
  END IF;
  RETURN NEW;
END
$pgphase$;

-- step sync.order_lines.insert_trigger: fill new columns on INSERT into order_lines
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies)
CREATE TRIGGER "pgphase_ins_column_rename_pair_type" BEFORE INSERT ON "public"."order_lines" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_column_rename_pair_type_order_lines"();

-- step sync.order_lines.update_trigger: keep new columns in step on UPDATE of order_lines
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies)
CREATE TRIGGER "pgphase_upd_column_rename_pair_type" BEFORE UPDATE ON "public"."order_lines" FOR EACH ROW WHEN ((NEW."remark" IS NULL OR (NEW."remark" IS NOT DISTINCT FROM OLD."remark" AND (NEW."note" IS DISTINCT FROM OLD."note"))) OR ((NEW."note" IS NOT DISTINCT FROM OLD."note" AND (NEW."remark" IS DISTINCT FROM OLD."remark")))) EXECUTE FUNCTION "pgphase"."sync_column_rename_pair_type_order_lines"();

-- phase backfill

-- step backfill.order_lines: fill remark for existing rows of order_lines in keyset batches
-- repeated per batch: $1.. = last key done (tenant, id), then batch size
WITH bound (n, k1, k2) AS (SELECT count(*) OVER (), "tenant", "id" FROM (SELECT "tenant", "id" FROM "public"."order_lines" WHERE ("tenant", "id") > ($1::integer, $2::bigint) ORDER BY "tenant", "id" LIMIT $3::bigint) batch ORDER BY "tenant" DESC, "id" DESC LIMIT 1), done AS (UPDATE "public"."order_lines" SET "remark" = COALESCE("remark", (left(coalesce(note, ''), 40))) WHERE ("tenant", "id") > ($1::integer, $2::bigint) AND ("tenant", "id") <= (SELECT bound.k1, bound.k2 FROM bound) AND ("remark" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT k2::text FROM bound);

-- phase validate

-- step validate.conversions.order_lines: refuse while rows of order_lines whose new values the sync trigger could not compute remain unfixed
-- pgphase re-evaluates the rows of public.order_lines the sync trigger recorded as not convertible (remark) and refuses (exit 2) while any still fails

-- step validate.order_lines.note.not_null_helper: enforce NOT NULL on new writes to order_lines.remark (not yet validated)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."order_lines" ADD CONSTRAINT "pgphase_nn_order_lines_note" CHECK ("remark" IS NOT NULL) NOT VALID;

-- step validate.order_lines.note.not_null_check: prove no row is NULL, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout)
ALTER TABLE "public"."order_lines" VALIDATE CONSTRAINT "pgphase_nn_order_lines_note";

-- step validate.order_lines.note.set_not_null: SET NOT NULL (no scan: the validated check proves it)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."order_lines" ALTER COLUMN "remark" SET NOT NULL;

-- phase swap

-- step swap.conversions.order_lines: refuse while rows of order_lines whose new values the sync trigger could not compute remain unfixed
-- pgphase re-evaluates the rows of public.order_lines the sync trigger recorded as not convertible (remark) and refuses (exit 2) while any still fails

-- phase contract (irreversible: runs only with --through contract)

-- step contract.order_lines.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TRIGGER IF EXISTS "pgphase_ins_column_rename_pair_type" ON "public"."order_lines";

-- step contract.order_lines.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TRIGGER IF EXISTS "pgphase_upd_column_rename_pair_type" ON "public"."order_lines";

-- step contract.order_lines.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout)
DROP FUNCTION IF EXISTS "pgphase"."sync_column_rename_pair_type_order_lines"();

-- step contract.order_lines.remark.not_null_check: drop the helper check (NOT NULL is now set on the column)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."order_lines" DROP CONSTRAINT IF EXISTS "pgphase_nn_order_lines_note";

-- step contract.order_lines.note.old_column: drop the old column note
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."order_lines" DROP COLUMN IF EXISTS "note";
