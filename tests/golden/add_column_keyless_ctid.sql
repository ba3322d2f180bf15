-- pgphase plan for migration add_column_keyless_ctid: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: add_column logs.shout: not verified at validate: the new application may write the column from sync on, so `up` is not the truth for it
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.logs.shout: add column shout to logs
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."logs" ADD COLUMN IF NOT EXISTS "shout" text;
COMMIT;

-- phase sync

-- step sync.logs.function: create the dual-write function for logs
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_add_column_keyless_ctid_logs"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "msg" "public"."logs"."msg"%TYPE := NEW."msg";
BEGIN
    NEW."shout" := (upper(msg));
  RETURN NEW;
END
$pgphase$;
COMMIT;

-- step sync.logs.insert_trigger: fill new columns on INSERT into logs
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_ins_add_column_keyless_ctid" BEFORE INSERT ON "public"."logs" FOR EACH ROW WHEN (NEW."shout" IS NULL) EXECUTE FUNCTION "pgphase"."sync_add_column_keyless_ctid_logs"();
COMMIT;

-- step sync.logs.update_trigger: keep new columns in step on UPDATE of logs, and fill them on any UPDATE while NULL (the backfill walks ctid ranges)
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_add_column_keyless_ctid" BEFORE UPDATE ON "public"."logs" FOR EACH ROW WHEN ((NEW."shout" IS NULL OR (NEW."shout" IS NOT DISTINCT FROM OLD."shout" AND (NEW."msg" IS DISTINCT FROM OLD."msg")))) EXECUTE FUNCTION "pgphase"."sync_add_column_keyless_ctid_logs"();
COMMIT;

-- phase backfill

-- step backfill.logs: fill shout for existing rows of logs in ctid-range batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 0; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one range of pages at a time, ctid order (no primary key or unique NOT NULL key), with $1 = the table, $2 = its file node at the start, $3, $4 = first and end page as tid, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH done AS (UPDATE ONLY "public"."logs" SET "shout" = COALESCE("shout", (upper(msg))) WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid AND ctid >= $3::tid AND ctid < $4::tid AND ("shout" IS NULL)) SELECT (SELECT count(*) FROM ONLY "public"."logs" WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid AND ctid >= $3::tid AND ctid < $4::tid), pg_catalog.pg_relation_size($1::regclass) / pg_catalog.current_setting('block_size')::bigint, pg_catalog.pg_relation_filenode($1::regclass)
-- here, the first batch (every page):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH done AS (UPDATE ONLY "public"."logs" SET "shout" = COALESCE("shout", (upper(msg))) WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid AND ctid >= $3::tid AND ctid < $4::tid AND ("shout" IS NULL)) SELECT (SELECT count(*) FROM ONLY "public"."logs" WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid AND ctid >= $3::tid AND ctid < $4::tid), pg_catalog.pg_relation_size($1::regclass) / pg_catalog.current_setting('block_size')::bigint, pg_catalog.pg_relation_filenode($1::regclass);
EXECUTE pgphase_batch('"public"."logs"', pg_catalog.pg_relation_filenode('"public"."logs"'::regclass), '(0,0)', pg_catalog.format('(%s,0)', pg_catalog.pg_relation_size('"public"."logs"'::regclass) / pg_catalog.current_setting('block_size')::bigint + 1));
DEALLOCATE pgphase_batch;
COMMIT;

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract)

-- step contract.logs.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_add_column_keyless_ctid" ON "public"."logs";
COMMIT;

-- step contract.logs.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_add_column_keyless_ctid" ON "public"."logs";
COMMIT;

-- step contract.logs.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_add_column_keyless_ctid_logs"();
COMMIT;
