-- pgphase plan for migration constraint_foreign_key: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.create_constraint.order_lines.order_lines_user_fk: foreign key order_lines_user_fk, not yet validated
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" ADD CONSTRAINT "order_lines_user_fk" FOREIGN KEY ("id") REFERENCES "public"."users" ("id") MATCH FULL ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED NOT VALID;
COMMIT;

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate

-- step validate.create_constraint.order_lines.order_lines_user_fk: validate foreign key order_lines_user_fk
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."order_lines" VALIDATE CONSTRAINT "order_lines_user_fk";
COMMIT;

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
