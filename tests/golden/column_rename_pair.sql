-- pgphase plan for migration column_rename_pair: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: alter_column users.name: full_name is not verified at validate: the new application may write it from sync on, so `up` is not the truth for it
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.users.name.dependents: refuse if an index, constraint, view or other object depends on the column
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."users"'::regclass AND attname = 'name' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."users"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."users"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."users"'::regclass AND tgname IN (NULL)))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'name', '"public"."users"'::regclass, deps);
  END IF;
END
$pgphase$;
COMMIT;

-- step expand.users.name.shadow: add column full_name (text), kept in step with name until contract
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ADD COLUMN IF NOT EXISTS "full_name" text;
COMMIT;

-- step expand.users.name.comment: comment of the new column
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
COMMENT ON COLUMN "public"."users"."full_name" IS 'what the user calls themselves';
COMMIT;

-- phase sync

-- step sync.users.name.old_not_null: drop NOT NULL on name: the new application's writes may leave it NULL
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ALTER COLUMN "name" DROP NOT NULL;
COMMIT;

-- step sync.users.function: create the dual-write function for users
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_rename_pair_users"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "name" "public"."users"."name"%TYPE := NEW."name";
  "full_name" "public"."users"."full_name"%TYPE := NEW."full_name";
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."full_name" IS NULL THEN
      NEW."full_name" := ("name");
      "full_name" := NEW."full_name";
    ELSE
      NEW."name" := (coalesce(full_name, 'anonymous'));
      "name" := NEW."name";
    END IF;
  ELSE
    IF ((NEW."name" IS NOT DISTINCT FROM OLD."name" AND (NEW."full_name" IS DISTINCT FROM OLD."full_name"))) AND pg_catalog.current_setting('pgphase.filling', true) IS DISTINCT FROM 'on' THEN
      NEW."name" := (coalesce(full_name, 'anonymous'));
      "name" := NEW."name";
    ELSIF (NEW."full_name" IS NOT DISTINCT FROM OLD."full_name" AND (NEW."name" IS DISTINCT FROM OLD."name")) THEN
      NEW."full_name" := ("name");
      "full_name" := NEW."full_name";
    END IF;
  END IF;
  RETURN NEW;
END
$pgphase$;
COMMIT;

-- step sync.users.insert_trigger: fill new columns on INSERT into users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_ins_column_rename_pair" BEFORE INSERT ON "public"."users" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_column_rename_pair_users"();
COMMIT;

-- step sync.users.update_trigger: keep new columns in step on UPDATE of users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_column_rename_pair" BEFORE UPDATE OF "name", "full_name" ON "public"."users" FOR EACH ROW WHEN (((NEW."full_name" IS NOT DISTINCT FROM OLD."full_name" AND (NEW."name" IS DISTINCT FROM OLD."name"))) OR ((NEW."name" IS NOT DISTINCT FROM OLD."name" AND (NEW."full_name" IS DISTINCT FROM OLD."full_name")))) EXECUTE FUNCTION "pgphase"."sync_column_rename_pair_users"();
COMMIT;

-- phase backfill

-- step backfill.users: fill full_name for existing rows of users in keyset batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 300000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."users" SET "full_name" = COALESCE("full_name", ("name")) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("full_name" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."users" SET "full_name" = COALESCE("full_name", ("name")) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("full_name" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract)

-- step contract.users.name.old_nullable: the column name may be NULL once the sync trigger no longer fills it
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ALTER COLUMN "name" DROP NOT NULL;
COMMIT;

-- step contract.users.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_column_rename_pair" ON "public"."users";
COMMIT;

-- step contract.users.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_column_rename_pair" ON "public"."users";
COMMIT;

-- step contract.users.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_column_rename_pair_users"();
COMMIT;

-- step contract.users.name.default: default of full_name, now that the old column is going
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ALTER COLUMN "full_name" SET DEFAULT ('anonymous');
COMMIT;

-- step contract.users.name.old_column: drop the old column name
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, deletes_data, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "name";
COMMIT;
