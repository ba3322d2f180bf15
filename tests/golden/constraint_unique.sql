-- pgphase plan for migration constraint_unique: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand (nothing to do)

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate

-- step validate.create_constraint.users.users_name_email_key.index: build the unique index for users_name_email_key without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); outside a transaction; scans: yes; rewrites: no; rows: about 300000; hazards: full_scan, index_build
SET lock_timeout = '1000ms';
SET statement_timeout = '0ms';
DROP INDEX CONCURRENTLY IF EXISTS "public"."users_name_email_key";
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "users_name_email_key" ON "public"."users" USING btree ("name", "email") INCLUDE ("id") NULLS NOT DISTINCT WITH (fillfactor = 90);
RESET lock_timeout;
RESET statement_timeout;

-- phase swap

-- step swap.create_constraint.users.users_name_email_key: attach the index as a unique constraint
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ADD CONSTRAINT "users_name_email_key" UNIQUE USING INDEX "users_name_email_key" DEFERRABLE;
COMMIT;

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
