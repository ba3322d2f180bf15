-- pgphase plan for migration constraint_check_up: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: create_constraint order_lines_note_or_tenant: `up` is applied once, in backfill, to the existing rows of order_lines that violate the check; from expand on, writes that violate it are rejected
-- precheck: before expand, pgphase evaluates (SELECT CASE WHEN note = '' THEN 'n/a' ELSE note END) for note over the existing rows of public.order_lines WHERE NOT (note <> '' OR tenant > 0) (read-only) and refuses (exit 2, naming them) any it cannot convert
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.create_constraint.order_lines.order_lines_note_or_tenant: check constraint order_lines_note_or_tenant, not yet validated
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_lines" ADD CONSTRAINT "order_lines_note_or_tenant" CHECK ((note <> '' OR tenant > 0)) NOT VALID;
COMMIT;

-- phase sync (nothing to do)

-- phase backfill

-- step backfill.create_constraint.order_lines.order_lines_note_or_tenant.fix_rows: apply up to the existing rows the check rejects, in keyset batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (tenant, id), with $1.. = last key done (tenant, id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1, k2) AS (SELECT count(*) OVER (), "tenant", "id" FROM (SELECT "tenant", "id" FROM "public"."order_lines" WHERE ("tenant", "id") > ($1::integer, $2::bigint) ORDER BY "tenant", "id" LIMIT $3::bigint) batch ORDER BY "tenant" DESC, "id" DESC LIMIT 1), done AS (UPDATE "public"."order_lines" SET "note" = (SELECT CASE WHEN note = '' THEN 'n/a' ELSE note END) WHERE ("tenant", "id") > ($1::integer, $2::bigint) AND ("tenant", "id") <= (SELECT bound.k1, bound.k2 FROM bound) AND (NOT (note <> '' OR tenant > 0))) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT k2::text FROM bound)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1, k2) AS (SELECT count(*) OVER (), "tenant", "id" FROM (SELECT "tenant", "id" FROM "public"."order_lines" ORDER BY "tenant", "id" LIMIT $1::bigint) batch ORDER BY "tenant" DESC, "id" DESC LIMIT 1), done AS (UPDATE "public"."order_lines" SET "note" = (SELECT CASE WHEN note = '' THEN 'n/a' ELSE note END) WHERE ("tenant", "id") <= (SELECT bound.k1, bound.k2 FROM bound) AND (NOT (note <> '' OR tenant > 0))) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT k2::text FROM bound);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- phase validate

-- step validate.create_constraint.order_lines.order_lines_note_or_tenant: validate check constraint order_lines_note_or_tenant
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."order_lines" VALIDATE CONSTRAINT "order_lines_note_or_tenant";
COMMIT;

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
