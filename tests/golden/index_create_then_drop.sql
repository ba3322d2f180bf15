-- pgphase plan for migration index_create_then_drop: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.create_index.order_lines_note_idx: build index order_lines_note_idx on order_lines without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); outside a transaction; scans: yes; rewrites: no; rows: about 1000; hazards: full_scan, index_build
SET lock_timeout = '1000ms';
SET statement_timeout = '0ms';
DROP INDEX CONCURRENTLY IF EXISTS "public"."order_lines_note_idx";
CREATE INDEX CONCURRENTLY IF NOT EXISTS "order_lines_note_idx" ON "public"."order_lines" USING btree ("note");
RESET lock_timeout;
RESET statement_timeout;

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract)

-- step contract.drop_index.order_lines_note_idx: drop index order_lines_note_idx of order_lines without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); outside a transaction; scans: no; rewrites: no; rows: none read; hazards: index_dropped
SET lock_timeout = '1000ms';
SET statement_timeout = '0ms';
DROP INDEX CONCURRENTLY IF EXISTS "public"."order_lines_note_idx";
RESET lock_timeout;
RESET statement_timeout;
