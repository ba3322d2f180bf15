-- pgphase plan for migration table_drop_rename: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: drop_table logs: the table stays in place, untouched, until contract, so the old application keeps working; contract drops it
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.rename_table.users.view: view customers over table users, so the new name reads and writes the table
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE VIEW "public"."customers" AS SELECT * FROM "public"."users";
COMMIT;

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap

-- step swap.users: in one transaction: the view customers over the columns from now on
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP VIEW IF EXISTS "public"."customers";
CREATE VIEW "public"."customers" AS SELECT "id", "name", "email" FROM "public"."users";
COMMIT;

-- phase contract (irreversible: runs only with --through contract)

-- step contract.drop_table.logs: drop table logs
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, deletes_data, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TABLE IF EXISTS "public"."logs";
COMMIT;

-- step contract.rename_table.users: in one transaction: drop the view customers and rename table users to customers
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP VIEW IF EXISTS "public"."customers";
ALTER TABLE "public"."users" RENAME TO "customers";
COMMIT;
