-- pgphase plan for migration constraint_check: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.create_constraint.users.users_email_at: check constraint users_email_at, not yet validated
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ADD CONSTRAINT "users_email_at" CHECK ((email LIKE '%@%')) NO INHERIT NOT VALID;
COMMIT;

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate

-- step validate.create_constraint.users.users_email_at: validate check constraint users_email_at
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 300000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_email_at";
COMMIT;

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
