-- pgphase plan for migration index_hash_fillfactor: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.create_index.users_email_hash_idx: build index users_email_hash_idx on users without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); outside a transaction; scans: yes; rewrites: no; rows: about 300000; hazards: full_scan, index_build
SET lock_timeout = '1000ms';
SET statement_timeout = '0ms';
DROP INDEX CONCURRENTLY IF EXISTS "public"."users_email_hash_idx";
CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_email_hash_idx" ON "public"."users" USING hash ("email") WITH (fillfactor = 70);
RESET lock_timeout;
RESET statement_timeout;

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
