-- pgphase plan for migration constraint_primary_key_up: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
-- precheck: before expand, pgphase evaluates (upper(msg)) for msg over the existing rows of public.logs (read-only) and refuses (exit 2, naming them) any it cannot convert or that it makes NULL
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.logs.msg.dependents: refuse if an index, constraint, view or other object depends on the column
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."logs"'::regclass AND attname = 'msg' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."logs"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."logs"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."logs"'::regclass AND tgname IN (NULL)))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'msg', '"public"."logs"'::regclass, deps);
  END IF;
END
$pgphase$;
COMMIT;

-- step expand.logs.msg.shadow: add shadow column _pgphase_new_msg (text)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."logs" ADD COLUMN IF NOT EXISTS "_pgphase_new_msg" text;
COMMIT;

-- step expand.logs.msg.comment: carry the comment over
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  c text := pg_catalog.col_description('"public"."logs"'::regclass, (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."logs"'::regclass AND attname = 'msg' AND NOT attisdropped));
BEGIN
  IF c IS NOT NULL THEN
    EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', '"public"."logs"'::regclass, '_pgphase_new_msg', c);
  END IF;
END
$pgphase$;
COMMIT;

-- phase sync

-- step sync.logs.function: create the dual-write function for logs
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_constraint_primary_key_up_logs"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "msg" "public"."logs"."msg"%TYPE := NEW."msg";
BEGIN
    NEW."_pgphase_new_msg" := (upper(msg));
  RETURN NEW;
END
$pgphase$;
COMMIT;

-- step sync.logs.insert_trigger: fill new columns on INSERT into logs
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_ins_constraint_primary_key_up" BEFORE INSERT ON "public"."logs" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_constraint_primary_key_up_logs"();
COMMIT;

-- step sync.logs.update_trigger: keep new columns in step on UPDATE of logs, and fill them on any UPDATE while NULL (the backfill walks ctid ranges)
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_constraint_primary_key_up" BEFORE UPDATE ON "public"."logs" FOR EACH ROW WHEN ((NEW."_pgphase_new_msg" IS NULL OR (NEW."msg" IS DISTINCT FROM OLD."msg"))) EXECUTE FUNCTION "pgphase"."sync_constraint_primary_key_up_logs"();
COMMIT;

-- phase backfill

-- step backfill.logs: fill _pgphase_new_msg for existing rows of logs in ctid-range batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 0; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one range of pages at a time, ctid order (no primary key or unique NOT NULL key), with $1 = the table, $2 = its file node at the start, $3, $4 = first and end page as tid, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH done AS (UPDATE ONLY "public"."logs" SET "_pgphase_new_msg" = COALESCE("_pgphase_new_msg", (upper(msg))) WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid AND ctid >= $3::tid AND ctid < $4::tid AND ("_pgphase_new_msg" IS NULL)) SELECT (SELECT count(*) FROM ONLY "public"."logs" WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid AND ctid >= $3::tid AND ctid < $4::tid), pg_catalog.pg_relation_size($1::regclass) / pg_catalog.current_setting('block_size')::bigint, pg_catalog.pg_relation_filenode($1::regclass)
-- here, the first batch (every page):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH done AS (UPDATE ONLY "public"."logs" SET "_pgphase_new_msg" = COALESCE("_pgphase_new_msg", (upper(msg))) WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid AND ctid >= $3::tid AND ctid < $4::tid AND ("_pgphase_new_msg" IS NULL)) SELECT (SELECT count(*) FROM ONLY "public"."logs" WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid AND ctid >= $3::tid AND ctid < $4::tid), pg_catalog.pg_relation_size($1::regclass) / pg_catalog.current_setting('block_size')::bigint, pg_catalog.pg_relation_filenode($1::regclass);
EXECUTE pgphase_batch('"public"."logs"', pg_catalog.pg_relation_filenode('"public"."logs"'::regclass), '(0,0)', pg_catalog.format('(%s,0)', pg_catalog.pg_relation_size('"public"."logs"'::regclass) / pg_catalog.current_setting('block_size')::bigint + 1));
DEALLOCATE pgphase_batch;
COMMIT;

-- phase validate

-- step validate.logs.verify: verify _pgphase_new_msg = up(row) on every row of logs in ctid-range batches, repairing the rows that differ
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 0; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one range of pages at a time, ctid order (no primary key or unique NOT NULL key), with $1 = the table, $2 = its file node at the start, $3, $4 = first and end page as tid, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH done AS (UPDATE ONLY "public"."logs" SET "_pgphase_new_msg" = (upper(msg)) WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid AND ctid >= $3::tid AND ctid < $4::tid AND ("_pgphase_new_msg" IS DISTINCT FROM CAST((upper(msg)) AS text)) RETURNING ctid AS k1, NOT ("_pgphase_new_msg" IS DISTINCT FROM CAST((upper(msg)) AS text)) AS ok) SELECT (SELECT count(*) FROM ONLY "public"."logs" WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid AND ctid >= $3::tid AND ctid < $4::tid), pg_catalog.pg_relation_size($1::regclass) / pg_catalog.current_setting('block_size')::bigint, pg_catalog.pg_relation_filenode($1::regclass), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done WHERE NOT ok ORDER BY k1 LIMIT 10) s)
-- here, the first batch (every page):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH done AS (UPDATE ONLY "public"."logs" SET "_pgphase_new_msg" = (upper(msg)) WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid AND ctid >= $3::tid AND ctid < $4::tid AND ("_pgphase_new_msg" IS DISTINCT FROM CAST((upper(msg)) AS text)) RETURNING ctid AS k1, NOT ("_pgphase_new_msg" IS DISTINCT FROM CAST((upper(msg)) AS text)) AS ok) SELECT (SELECT count(*) FROM ONLY "public"."logs" WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid AND ctid >= $3::tid AND ctid < $4::tid), pg_catalog.pg_relation_size($1::regclass) / pg_catalog.current_setting('block_size')::bigint, pg_catalog.pg_relation_filenode($1::regclass), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done WHERE NOT ok ORDER BY k1 LIMIT 10) s);
EXECUTE pgphase_batch('"public"."logs"', pg_catalog.pg_relation_filenode('"public"."logs"'::regclass), '(0,0)', pg_catalog.format('(%s,0)', pg_catalog.pg_relation_size('"public"."logs"'::regclass) / pg_catalog.current_setting('block_size')::bigint + 1));
DEALLOCATE pgphase_batch;
COMMIT;

-- step validate.logs.msg.not_null_helper: enforce NOT NULL on new writes to logs._pgphase_new_msg (not yet validated)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."logs" ADD CONSTRAINT "pgphase_nn_logs_msg" CHECK ("_pgphase_new_msg" IS NOT NULL) NOT VALID;
COMMIT;

-- step validate.logs.msg.not_null_check: prove no row is NULL, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 0; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."logs" VALIDATE CONSTRAINT "pgphase_nn_logs_msg";
COMMIT;

-- step validate.logs.msg.set_not_null: SET NOT NULL (no scan: the validated check proves it)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."logs" ALTER COLUMN "_pgphase_new_msg" SET NOT NULL;
COMMIT;

-- step validate.create_constraint.logs.logs_pkey.index: build the unique index for logs_pkey without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); outside a transaction; scans: yes; rewrites: no; rows: about 0; hazards: full_scan, index_build
SET lock_timeout = '1000ms';
SET statement_timeout = '0ms';
DROP INDEX CONCURRENTLY IF EXISTS "public"."logs_pkey";
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "logs_pkey" ON "public"."logs" USING btree ("_pgphase_new_msg");
RESET lock_timeout;
RESET statement_timeout;

-- phase swap

-- step swap.logs: in one transaction: rename msg -> _pgphase_old_msg, _pgphase_new_msg -> msg; the column changes; point the sync trigger at the new names
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."logs"'::regclass AND attname = 'msg' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."logs"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."logs"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."logs"'::regclass AND tgname IN ('pgphase_ins_constraint_primary_key_up', 'pgphase_upd_constraint_primary_key_up')))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'msg', '"public"."logs"'::regclass, deps);
  END IF;
END
$pgphase$;
DROP TRIGGER IF EXISTS "pgphase_ins_constraint_primary_key_up" ON "public"."logs";
DROP TRIGGER IF EXISTS "pgphase_upd_constraint_primary_key_up" ON "public"."logs";
ALTER TABLE "public"."logs" RENAME COLUMN "msg" TO "_pgphase_old_msg";
ALTER TABLE "public"."logs" RENAME COLUMN "_pgphase_new_msg" TO "msg";
ALTER TABLE "public"."logs" ADD CONSTRAINT "logs_pkey" PRIMARY KEY USING INDEX "logs_pkey";
CREATE OR REPLACE FUNCTION "pgphase"."sync_constraint_primary_key_up_logs"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "msg" "public"."logs"."msg"%TYPE := NEW."msg";
BEGIN
    NEW."_pgphase_old_msg" := (msg);
  RETURN NEW;
END
$pgphase$;
CREATE TRIGGER "pgphase_ins_constraint_primary_key_up" BEFORE INSERT ON "public"."logs" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_constraint_primary_key_up_logs"();
CREATE TRIGGER "pgphase_upd_constraint_primary_key_up" BEFORE UPDATE OF "msg" ON "public"."logs" FOR EACH ROW WHEN (((NEW."msg" IS DISTINCT FROM OLD."msg"))) EXECUTE FUNCTION "pgphase"."sync_constraint_primary_key_up_logs"();
COMMIT;

-- phase contract (irreversible: runs only with --through contract)

-- step contract.logs.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_constraint_primary_key_up" ON "public"."logs";
COMMIT;

-- step contract.logs.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_constraint_primary_key_up" ON "public"."logs";
COMMIT;

-- step contract.logs.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_constraint_primary_key_up_logs"();
COMMIT;

-- step contract.logs._pgphase_new_msg.not_null_check: drop the helper check (NOT NULL is now set on the column)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."logs" DROP CONSTRAINT IF EXISTS "pgphase_nn_logs_msg";
COMMIT;

-- step contract.logs.msg.old_column: drop the old column _pgphase_old_msg
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, deletes_data, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."logs" DROP COLUMN IF EXISTS "_pgphase_old_msg";
COMMIT;
