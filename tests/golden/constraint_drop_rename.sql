-- pgphase plan for migration constraint_drop_rename: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: drop_multicolumn_constraint users_pkey: `up` and `down` are not used: the data is not transformed, and the constraint stays in force until contract
-- note: drop_constraint users_name_not_empty: `up` and `down` are not used: the data is not transformed, and the constraint stays in force until contract
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.create_constraint.users.users_name_len: check constraint users_name_len, not yet validated
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ADD CONSTRAINT "users_name_len" CHECK ((length(name) > 0)) NOT VALID;
COMMIT;

-- step expand.rename_constraint.users.users_name_len: rename constraint users_name_len to users_name_not_empty (metadata only)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" RENAME CONSTRAINT "users_name_len" TO "users_name_not_empty";
COMMIT;

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate

-- step validate.create_constraint.users.users_name_len: validate check constraint users_name_len
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 300000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_name_len";
COMMIT;

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract)

-- step contract.drop_multicolumn_constraint.users.users_pkey: drop constraint users_pkey of users
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" DROP CONSTRAINT "users_pkey";
COMMIT;

-- step contract.drop_constraint.users.users_name_not_empty: drop constraint users_name_not_empty of users
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" DROP CONSTRAINT "users_name_not_empty";
COMMIT;
