-- pgphase plan for migration table_create_constraints: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.create_table.bookings: create table bookings
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TABLE "public"."bookings" (
  "id" bigint GENERATED ALWAYS AS IDENTITY (START 100 INCREMENT 10) NOT NULL,
  "tenant" integer NOT NULL,
  "line_id" bigint NOT NULL,
  "room" text NOT NULL,
  "code" text,
  CONSTRAINT "bookings_pk" PRIMARY KEY ("tenant", "id"),
  CONSTRAINT "bookings_line_fk" FOREIGN KEY ("tenant", "line_id") REFERENCES "public"."order_lines" ("tenant", "id") MATCH FULL ON DELETE SET NULL ON UPDATE CASCADE,
  CONSTRAINT "bookings_code_key" UNIQUE NULLS NOT DISTINCT ("code") INCLUDE ("room") WITH (fillfactor = 70),
  CONSTRAINT "bookings_room_check" CHECK (length(room) > 0) NO INHERIT,
  CONSTRAINT "bookings_no_double" EXCLUDE USING "btree" (room WITH =) WHERE (code IS NOT NULL)
);
COMMIT;

-- step expand.create_table.booking_notes: create table booking_notes
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TABLE "public"."booking_notes" (
  "booking_tenant" integer NOT NULL,
  "booking_id" bigint NOT NULL,
  "body" text NOT NULL,
  PRIMARY KEY ("booking_tenant", "booking_id"),
  CONSTRAINT "booking_notes_fk" FOREIGN KEY ("booking_tenant", "booking_id") REFERENCES "public"."bookings" ("tenant", "id")
);
COMMIT;

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
