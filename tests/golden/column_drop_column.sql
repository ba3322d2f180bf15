-- pgphase plan for migration column_drop_column: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand (nothing to do)

-- phase sync

-- step sync.users.function: create the dual-write function for users
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_drop_column_users"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "name" "public"."users"."name"%TYPE := NEW."name";
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW."email" := (lower(name) || '@example.com');
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
CREATE TRIGGER "pgphase_ins_column_drop_column" BEFORE INSERT ON "public"."users" FOR EACH ROW WHEN (NEW."email" IS NULL) EXECUTE FUNCTION "pgphase"."sync_column_drop_column_users"();
COMMIT;

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract)

-- step contract.users.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_column_drop_column" ON "public"."users";
COMMIT;

-- step contract.users.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_column_drop_column" ON "public"."users";
COMMIT;

-- step contract.users.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_column_drop_column_users"();
COMMIT;

-- step contract.users.email.drop: drop column email of users
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, deletes_data, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "email";
COMMIT;
