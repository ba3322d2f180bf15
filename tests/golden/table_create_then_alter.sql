-- pgphase plan for migration table_create_then_alter: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: alter_column items.name: `up` and `down` are not used: table items is created by this migration, so the column is changed directly in expand, before anyone uses it
-- note: add_column items.description: `up` is not used: table items is created by this migration, so it has no rows to fill
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.create_table.items: create table items
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE TABLE "public"."items" (
  "id" serial NOT NULL,
  "name" varchar(255),
  PRIMARY KEY ("id")
);
COMMIT;

-- step expand.create_index.items_name_idx: build index items_name_idx on items without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); outside a transaction; scans: yes; rewrites: no; rows: about 0; hazards: full_scan, index_build
SET lock_timeout = '1000ms';
SET statement_timeout = '0ms';
DROP INDEX CONCURRENTLY IF EXISTS "public"."items_name_idx";
CREATE INDEX CONCURRENTLY IF NOT EXISTS "items_name_idx" ON "public"."items" USING btree ("name");
RESET lock_timeout;
RESET statement_timeout;

-- step expand.items.name.change1: change the column (the table is new: no rows to convert)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: yes; rows: about 0; hazards: access_exclusive_lock, table_rewrite
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."items" ALTER COLUMN "name" TYPE text USING CAST("name" AS text);
COMMIT;

-- step expand.items.name.change2: change the column (the table is new: no rows to convert)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 0; hazards: access_exclusive_lock, full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."items" ALTER COLUMN "name" SET NOT NULL;
COMMIT;

-- step expand.items.name.unique_index: the unique index
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); outside a transaction; scans: yes; rewrites: no; rows: about 0; hazards: full_scan, index_build
SET lock_timeout = '1000ms';
SET statement_timeout = '0ms';
DROP INDEX CONCURRENTLY IF EXISTS "public"."items_name_unique";
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "items_name_unique" ON "public"."items" ("name");
RESET lock_timeout;
RESET statement_timeout;

-- step expand.items.name.unique: attach the index as a unique constraint
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."items" ADD CONSTRAINT "items_name_unique" UNIQUE USING INDEX "items_name_unique";
COMMIT;

-- step expand.items.description: add column description to items
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."items" ADD COLUMN IF NOT EXISTS "description" text NOT NULL;
COMMIT;

-- step expand.rename_table.items: rename table items to goods (created by this migration: nobody uses it yet)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."items" RENAME TO "goods";
COMMIT;

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
