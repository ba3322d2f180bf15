-- pgphase plan for migration constraint_primary_key: the statements apply runs, for psql -v ON_ERROR_STOP=1
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

-- step validate.create_constraint.logs.logs_pkey.msg.not_null_helper: enforce NOT NULL on new writes to logs.msg (not yet validated)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."logs" ADD CONSTRAINT "pgphase_nn_logs_msg" CHECK ("msg" IS NOT NULL) NOT VALID;
COMMIT;

-- step validate.create_constraint.logs.logs_pkey.msg.not_null_check: prove no row is NULL, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 0; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."logs" VALIDATE CONSTRAINT "pgphase_nn_logs_msg";
COMMIT;

-- step validate.create_constraint.logs.logs_pkey.msg.set_not_null: SET NOT NULL (no scan: the validated check proves it)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."logs" ALTER COLUMN "msg" SET NOT NULL;
COMMIT;

-- step validate.create_constraint.logs.logs_pkey.index: build the unique index for logs_pkey without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); outside a transaction; scans: yes; rewrites: no; rows: about 0; hazards: full_scan, index_build
SET lock_timeout = '1000ms';
SET statement_timeout = '0ms';
DROP INDEX CONCURRENTLY IF EXISTS "public"."logs_pkey";
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "logs_pkey" ON "public"."logs" USING btree ("msg");
RESET lock_timeout;
RESET statement_timeout;

-- phase swap

-- step swap.create_constraint.logs.logs_pkey: make the index the primary key
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."logs" ADD CONSTRAINT "logs_pkey" PRIMARY KEY USING INDEX "logs_pkey";
COMMIT;

-- phase contract (irreversible: runs only with --through contract)

-- step contract.logs.msg.not_null_check: drop the helper check (NOT NULL is now set on the column)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."logs" DROP CONSTRAINT IF EXISTS "pgphase_nn_logs_msg";
COMMIT;
