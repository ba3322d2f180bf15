-- pgphase plan for migration column_alter_direct: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand (nothing to do)

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap

-- step swap.users: in one transaction: the column changes
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ALTER COLUMN "name" DROP NOT NULL;
ALTER TABLE "public"."users" ALTER COLUMN "name" SET DEFAULT ('anonymous');
COMMIT;

-- phase contract (irreversible: runs only with --through contract)

-- step contract.users.name.comment: set the column comment
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
COMMENT ON COLUMN "public"."users"."name" IS 'what the user calls themselves';
COMMIT;
