-- pgphase plan for migration table_create: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.create_table.invoices: create table invoices
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TABLE "public"."invoices" (
  "id" serial NOT NULL,
  "number" varchar(32) NOT NULL UNIQUE,
  "user_id" bigint NOT NULL CONSTRAINT "invoices_user_fk" REFERENCES "public"."users" ("id") MATCH SIMPLE ON DELETE CASCADE ON UPDATE NO ACTION DEFERRABLE INITIALLY DEFERRED,
  "amount" numeric(12,2) DEFAULT (0) NOT NULL CONSTRAINT "amount_not_negative" CHECK (amount >= 0),
  "amount_cents" bigint GENERATED ALWAYS AS ((amount * 100)::bigint) STORED,
  "note" text,
  PRIMARY KEY ("id")
);
COMMIT;

-- step expand.create_table.invoices.comment: table comment
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
COMMENT ON TABLE "public"."invoices" IS 'one row per invoice';
COMMIT;

-- step expand.create_table.invoices.amount.comment: column comment
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
COMMENT ON COLUMN "public"."invoices"."amount" IS 'it''s in euros';
COMMIT;

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
