-- pgphase plan for migration add_column_keyless_ctid
-- note: add_column logs.shout: not verified at validate: the new application may write the column from sync on, so `up` is not the truth for it
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead

-- phase expand

-- step expand.logs.shout: add column shout to logs
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."logs" ADD COLUMN "shout" text;

-- phase sync

-- step sync.logs.function: create the dual-write function for logs
-- lock: none (scan_timeout applies; no statement_timeout)
CREATE OR REPLACE FUNCTION "pgphase"."sync_add_column_keyless_ctid_logs"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "msg" "public"."logs"."msg"%TYPE := NEW."msg";
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW."shout" := (upper(msg));
  ELSE
    NEW."shout" := (upper(msg));
  END IF;
  RETURN NEW;
END
$pgphase$;

-- step sync.logs.insert_trigger: fill new columns on INSERT into logs
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies)
CREATE TRIGGER "pgphase_ins_add_column_keyless_ctid" BEFORE INSERT ON "public"."logs" FOR EACH ROW WHEN (NEW."shout" IS NULL) EXECUTE FUNCTION "pgphase"."sync_add_column_keyless_ctid_logs"();

-- step sync.logs.update_trigger: keep new columns in step on UPDATE of logs, and fill them on any UPDATE while NULL (the backfill walks ctid ranges)
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies)
CREATE TRIGGER "pgphase_upd_add_column_keyless_ctid" BEFORE UPDATE ON "public"."logs" FOR EACH ROW WHEN ((NEW."shout" IS NULL OR (NEW."shout" IS NOT DISTINCT FROM OLD."shout" AND (NEW."msg" IS DISTINCT FROM OLD."msg")))) EXECUTE FUNCTION "pgphase"."sync_add_column_keyless_ctid_logs"();

-- phase backfill

-- step backfill.logs: fill shout for existing rows of logs in ctid-range batches
-- repeated per batch: $1 = the table, $2 = its file node at the start, $3, $4 = first and end page as tid
WITH done AS (UPDATE ONLY "public"."logs" SET "shout" = COALESCE("shout", (upper(msg))) WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid AND ctid >= $3::tid AND ctid < $4::tid AND ("shout" IS NULL)) SELECT (SELECT count(*) FROM ONLY "public"."logs" WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid AND ctid >= $3::tid AND ctid < $4::tid), pg_catalog.pg_relation_size($1::regclass) / pg_catalog.current_setting('block_size')::bigint, pg_catalog.pg_relation_filenode($1::regclass);

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract)

-- step contract.logs.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TRIGGER IF EXISTS "pgphase_ins_add_column_keyless_ctid" ON "public"."logs";

-- step contract.logs.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TRIGGER IF EXISTS "pgphase_upd_add_column_keyless_ctid" ON "public"."logs";

-- step contract.logs.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout)
DROP FUNCTION IF EXISTS "pgphase"."sync_add_column_keyless_ctid_logs"();
