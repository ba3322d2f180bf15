-- pgphase plan for migration column_alter_referenced_key: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: alter_column order_items.order_id: the type changes under the same name, so the two application versions cannot each have their own: order_id is integer until swap and bigint from swap on, and the old application must be stopped at swap; to keep both working through a rolling deploy, rename the column in the same alter_column (name:), and both names live from sync until contract
-- note: alter_column payments.order_id: the type changes under the same name, so the two application versions cannot each have their own: order_id is integer until swap and bigint from swap on, and the old application must be stopped at swap; to keep both working through a rolling deploy, rename the column in the same alter_column (name:), and both names live from sync until contract
-- note: alter_column orders.id: changes to bigint with it: order_items.order_id, payments.order_id (their foreign keys to it are re-created at swap)
-- note: alter_column orders.id: the type changes under the same name, so the two application versions cannot each have their own: id is integer until swap and bigint from swap on, and the old application must be stopped at swap; to keep both working through a rolling deploy, rename the column in the same alter_column (name:), and both names live from sync until contract
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
-- precheck: before expand, pgphase evaluates (CAST("id" AS bigint)) for id over the existing rows of public.orders (read-only) and refuses (exit 2, naming them) any it cannot convert or that it makes NULL
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.order_items.order_id.dependents: refuse if an index, constraint, view or other object depends on the column
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."order_items"'::regclass AND attname = 'order_id' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."order_items"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."order_items"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."order_items"'::regclass AND tgname IN (NULL)))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'))
     AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN (SELECT indexrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = '"public"."order_items"'::regclass AND c.relname IN ('order_items_order_id_idx', 'order_items_order_id_fkey')))
     AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_constraint WHERE conrelid = '"public"."order_items"'::regclass AND conname IN ('order_items_order_id_idx', 'order_items_order_id_fkey')));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'order_id', '"public"."order_items"'::regclass, deps);
  END IF;
END
$pgphase$;
COMMIT;

-- step expand.order_items.order_id.shadow: add shadow column _pgphase_new_order_id (bigint)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_items" ADD COLUMN IF NOT EXISTS "_pgphase_new_order_id" bigint;
COMMIT;

-- step expand.order_items.order_id.comment: carry the comment over
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  c text := pg_catalog.col_description('"public"."order_items"'::regclass, (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."order_items"'::regclass AND attname = 'order_id' AND NOT attisdropped));
BEGIN
  IF c IS NOT NULL THEN
    EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', '"public"."order_items"'::regclass, '_pgphase_new_order_id', c);
  END IF;
END
$pgphase$;
COMMIT;

-- step expand.payments.order_id.dependents: refuse if an index, constraint, view or other object depends on the column
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."payments"'::regclass AND attname = 'order_id' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."payments"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."payments"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."payments"'::regclass AND tgname IN (NULL)))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'))
     AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN (SELECT indexrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = '"public"."payments"'::regclass AND c.relname IN ('payments_order_id_fkey')))
     AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_constraint WHERE conrelid = '"public"."payments"'::regclass AND conname IN ('payments_order_id_fkey')));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'order_id', '"public"."payments"'::regclass, deps);
  END IF;
END
$pgphase$;
COMMIT;

-- step expand.payments.order_id.shadow: add shadow column _pgphase_new_order_id (bigint)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."payments" ADD COLUMN IF NOT EXISTS "_pgphase_new_order_id" bigint;
COMMIT;

-- step expand.payments.order_id.comment: carry the comment over
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  c text := pg_catalog.col_description('"public"."payments"'::regclass, (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."payments"'::regclass AND attname = 'order_id' AND NOT attisdropped));
BEGIN
  IF c IS NOT NULL THEN
    EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', '"public"."payments"'::regclass, '_pgphase_new_order_id', c);
  END IF;
END
$pgphase$;
COMMIT;

-- step expand.orders.id.dependents: refuse if an index, constraint, view or other object depends on the column
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."orders"'::regclass AND attname = 'id' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."orders"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."orders"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."orders"'::regclass AND tgname IN (NULL)))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'))
     AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN (SELECT indexrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = '"public"."orders"'::regclass AND c.relname IN ('orders_pkey', 'order_items_order_id_fkey', 'payments_order_id_fkey')))
     AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_constraint WHERE conrelid = '"public"."orders"'::regclass AND conname IN ('orders_pkey', 'order_items_order_id_fkey', 'payments_order_id_fkey')))
     AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_constraint WHERE confrelid = '"public"."orders"'::regclass AND conname IN ('order_items_order_id_fkey', 'payments_order_id_fkey', 'orders_id_seq')))
     AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_class WHERE relkind = 'S' AND relname IN ('order_items_order_id_fkey', 'payments_order_id_fkey', 'orders_id_seq')));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'id', '"public"."orders"'::regclass, deps);
  END IF;
END
$pgphase$;
COMMIT;

-- step expand.orders.id.shadow: add shadow column _pgphase_new_id (bigint)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."orders" ADD COLUMN IF NOT EXISTS "_pgphase_new_id" bigint;
COMMIT;

-- step expand.orders.id.comment: carry the comment over
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  c text := pg_catalog.col_description('"public"."orders"'::regclass, (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."orders"'::regclass AND attname = 'id' AND NOT attisdropped));
BEGIN
  IF c IS NOT NULL THEN
    EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', '"public"."orders"'::regclass, '_pgphase_new_id', c);
  END IF;
END
$pgphase$;
COMMIT;

-- phase sync

-- step sync.order_items.function: create the dual-write function for order_items
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_alter_referenced_key_order_items"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "order_id" "public"."order_items"."order_id"%TYPE := NEW."order_id";
BEGIN
    NEW."_pgphase_new_order_id" := (CAST("order_id" AS bigint));
  RETURN NEW;
END
$pgphase$;
COMMIT;

-- step sync.order_items.insert_trigger: fill new columns on INSERT into order_items
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_ins_column_alter_referenced_key" BEFORE INSERT ON "public"."order_items" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_column_alter_referenced_key_order_items"();
COMMIT;

-- step sync.order_items.update_trigger: keep new columns in step on UPDATE of order_items
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_column_alter_referenced_key" BEFORE UPDATE OF "order_id" ON "public"."order_items" FOR EACH ROW WHEN (((NEW."order_id" IS DISTINCT FROM OLD."order_id"))) EXECUTE FUNCTION "pgphase"."sync_column_alter_referenced_key_order_items"();
COMMIT;

-- step sync.payments.function: create the dual-write function for payments
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_alter_referenced_key_payments"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "order_id" "public"."payments"."order_id"%TYPE := NEW."order_id";
BEGIN
    NEW."_pgphase_new_order_id" := (CAST("order_id" AS bigint));
  RETURN NEW;
END
$pgphase$;
COMMIT;

-- step sync.payments.insert_trigger: fill new columns on INSERT into payments
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_ins_column_alter_referenced_key" BEFORE INSERT ON "public"."payments" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_column_alter_referenced_key_payments"();
COMMIT;

-- step sync.payments.update_trigger: keep new columns in step on UPDATE of payments
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_column_alter_referenced_key" BEFORE UPDATE OF "order_id" ON "public"."payments" FOR EACH ROW WHEN (((NEW."order_id" IS DISTINCT FROM OLD."order_id"))) EXECUTE FUNCTION "pgphase"."sync_column_alter_referenced_key_payments"();
COMMIT;

-- step sync.orders.function: create the dual-write function for orders
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_alter_referenced_key_orders"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "id" "public"."orders"."id"%TYPE := NEW."id";
BEGIN
    NEW."_pgphase_new_id" := (CAST("id" AS bigint));
  RETURN NEW;
END
$pgphase$;
COMMIT;

-- step sync.orders.insert_trigger: fill new columns on INSERT into orders
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_ins_column_alter_referenced_key" BEFORE INSERT ON "public"."orders" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_column_alter_referenced_key_orders"();
COMMIT;

-- step sync.orders.update_trigger: keep new columns in step on UPDATE of orders
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_column_alter_referenced_key" BEFORE UPDATE ON "public"."orders" FOR EACH ROW WHEN ((NEW."_pgphase_new_id" IS NULL OR (NEW."id" IS DISTINCT FROM OLD."id"))) EXECUTE FUNCTION "pgphase"."sync_column_alter_referenced_key_orders"();
COMMIT;

-- phase backfill

-- step backfill.order_items: fill _pgphase_new_order_id for existing rows of order_items in keyset batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 3000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."order_items" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."order_items" SET "_pgphase_new_order_id" = COALESCE("_pgphase_new_order_id", (CAST("order_id" AS bigint))) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_order_id" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."order_items" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."order_items" SET "_pgphase_new_order_id" = COALESCE("_pgphase_new_order_id", (CAST("order_id" AS bigint))) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_order_id" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- step backfill.payments: fill _pgphase_new_order_id for existing rows of payments in keyset batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 3000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."payments" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."payments" SET "_pgphase_new_order_id" = COALESCE("_pgphase_new_order_id", (CAST("order_id" AS bigint))) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_order_id" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."payments" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."payments" SET "_pgphase_new_order_id" = COALESCE("_pgphase_new_order_id", (CAST("order_id" AS bigint))) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_order_id" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- step backfill.orders: fill _pgphase_new_id for existing rows of orders in keyset batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."orders" WHERE ("id") > ($1::integer) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."orders" SET "_pgphase_new_id" = COALESCE("_pgphase_new_id", (CAST("id" AS bigint))) WHERE ("id") > ($1::integer) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_id" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."orders" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."orders" SET "_pgphase_new_id" = COALESCE("_pgphase_new_id", (CAST("id" AS bigint))) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_id" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- phase validate

-- step validate.order_items.verify: verify _pgphase_new_order_id = up(row) on every row of order_items in keyset batches, repairing the rows that differ
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 3000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."order_items" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."order_items" SET "_pgphase_new_order_id" = (CAST("order_id" AS bigint)) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_order_id" IS DISTINCT FROM CAST((CAST("order_id" AS bigint)) AS bigint)) RETURNING "id" AS k1, NOT ("_pgphase_new_order_id" IS DISTINCT FROM CAST((CAST("order_id" AS bigint)) AS bigint)) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done WHERE NOT ok ORDER BY k1 LIMIT 10) s)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."order_items" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."order_items" SET "_pgphase_new_order_id" = (CAST("order_id" AS bigint)) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_order_id" IS DISTINCT FROM CAST((CAST("order_id" AS bigint)) AS bigint)) RETURNING "id" AS k1, NOT ("_pgphase_new_order_id" IS DISTINCT FROM CAST((CAST("order_id" AS bigint)) AS bigint)) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done WHERE NOT ok ORDER BY k1 LIMIT 10) s);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- step validate.payments.verify: verify _pgphase_new_order_id = up(row) on every row of payments in keyset batches, repairing the rows that differ
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 3000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."payments" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."payments" SET "_pgphase_new_order_id" = (CAST("order_id" AS bigint)) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_order_id" IS DISTINCT FROM CAST((CAST("order_id" AS bigint)) AS bigint)) RETURNING "id" AS k1, NOT ("_pgphase_new_order_id" IS DISTINCT FROM CAST((CAST("order_id" AS bigint)) AS bigint)) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done WHERE NOT ok ORDER BY k1 LIMIT 10) s)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."payments" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."payments" SET "_pgphase_new_order_id" = (CAST("order_id" AS bigint)) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_order_id" IS DISTINCT FROM CAST((CAST("order_id" AS bigint)) AS bigint)) RETURNING "id" AS k1, NOT ("_pgphase_new_order_id" IS DISTINCT FROM CAST((CAST("order_id" AS bigint)) AS bigint)) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done WHERE NOT ok ORDER BY k1 LIMIT 10) s);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- step validate.orders.verify: verify _pgphase_new_id = up(row) on every row of orders in keyset batches, repairing the rows that differ
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."orders" WHERE ("id") > ($1::integer) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."orders" SET "_pgphase_new_id" = (CAST("id" AS bigint)) WHERE ("id") > ($1::integer) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_id" IS DISTINCT FROM CAST((CAST("id" AS bigint)) AS bigint)) RETURNING "id" AS k1, NOT ("_pgphase_new_id" IS DISTINCT FROM CAST((CAST("id" AS bigint)) AS bigint)) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done WHERE NOT ok ORDER BY k1 LIMIT 10) s)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."orders" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."orders" SET "_pgphase_new_id" = (CAST("id" AS bigint)) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_id" IS DISTINCT FROM CAST((CAST("id" AS bigint)) AS bigint)) RETURNING "id" AS k1, NOT ("_pgphase_new_id" IS DISTINCT FROM CAST((CAST("id" AS bigint)) AS bigint)) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done WHERE NOT ok ORDER BY k1 LIMIT 10) s);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- step validate.order_items.order_id.index.order_items_order_id_idx: rebuild index order_items_order_id_idx on the new column as _pgphase_new_order_items_order_id_idx
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); outside a transaction; scans: yes; rewrites: no; rows: about 3000; hazards: full_scan, index_build
SET lock_timeout = '1000ms';
SET statement_timeout = '0ms';
DROP INDEX CONCURRENTLY IF EXISTS "public"."_pgphase_new_order_items_order_id_idx";
CREATE INDEX CONCURRENTLY IF NOT EXISTS "_pgphase_new_order_items_order_id_idx" ON "public"."order_items" ("_pgphase_new_order_id");
RESET lock_timeout;
RESET statement_timeout;

-- step validate.orders.id.not_null_helper: enforce NOT NULL on new writes to orders._pgphase_new_id (not yet validated)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."orders" ADD CONSTRAINT "pgphase_nn_orders_id" CHECK ("_pgphase_new_id" IS NOT NULL) NOT VALID;
COMMIT;

-- step validate.orders.id.not_null_check: prove no row is NULL, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 1000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."orders" VALIDATE CONSTRAINT "pgphase_nn_orders_id";
COMMIT;

-- step validate.orders.id.set_not_null: SET NOT NULL (no scan: the validated check proves it)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."orders" ALTER COLUMN "_pgphase_new_id" SET NOT NULL;
COMMIT;

-- step validate.orders.id.index.orders_pkey: rebuild index orders_pkey on the new column as _pgphase_new_orders_pkey
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); outside a transaction; scans: yes; rewrites: no; rows: about 1000; hazards: full_scan, index_build
SET lock_timeout = '1000ms';
SET statement_timeout = '0ms';
DROP INDEX CONCURRENTLY IF EXISTS "public"."_pgphase_new_orders_pkey";
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "_pgphase_new_orders_pkey" ON "public"."orders" ("_pgphase_new_id");
RESET lock_timeout;
RESET statement_timeout;

-- phase swap

-- step swap.order_items: in one transaction: rename order_id -> _pgphase_old_order_id, _pgphase_new_order_id -> order_id; the column changes; point the sync trigger at the new names
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."order_items"'::regclass AND attname = 'order_id' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."order_items"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."order_items"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."order_items"'::regclass AND tgname IN ('pgphase_ins_column_alter_referenced_key', 'pgphase_upd_column_alter_referenced_key')))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'))
     AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN (SELECT indexrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = '"public"."order_items"'::regclass AND c.relname IN ('order_items_order_id_idx', 'order_items_order_id_fkey')))
     AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_constraint WHERE conrelid = '"public"."order_items"'::regclass AND conname IN ('order_items_order_id_idx', 'order_items_order_id_fkey')));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'order_id', '"public"."order_items"'::regclass, deps);
  END IF;
END
$pgphase$;
DROP TRIGGER IF EXISTS "pgphase_ins_column_alter_referenced_key" ON "public"."order_items";
DROP TRIGGER IF EXISTS "pgphase_upd_column_alter_referenced_key" ON "public"."order_items";
ALTER TABLE "public"."order_items" RENAME COLUMN "order_id" TO "_pgphase_old_order_id";
ALTER TABLE "public"."order_items" RENAME COLUMN "_pgphase_new_order_id" TO "order_id";
ALTER INDEX "public"."order_items_order_id_idx" RENAME TO "_pgphase_old_order_items_order_id_idx";
ALTER INDEX "public"."_pgphase_new_order_items_order_id_idx" RENAME TO "order_items_order_id_idx";
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_alter_referenced_key_order_items"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "order_id" "public"."order_items"."order_id"%TYPE := NEW."order_id";
BEGIN
    BEGIN
      NEW."_pgphase_old_order_id" := (CAST("order_id" AS integer));
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('column_alter_referenced_key', 'public.order_items', '_pgphase_old_order_id', ARRAY[NEW."id"::text], SQLSTATE, SQLERRM);
    END;
  RETURN NEW;
END
$pgphase$;
CREATE TRIGGER "pgphase_ins_column_alter_referenced_key" BEFORE INSERT ON "public"."order_items" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_column_alter_referenced_key_order_items"();
CREATE TRIGGER "pgphase_upd_column_alter_referenced_key" BEFORE UPDATE OF "order_id" ON "public"."order_items" FOR EACH ROW WHEN (((NEW."order_id" IS DISTINCT FROM OLD."order_id"))) EXECUTE FUNCTION "pgphase"."sync_column_alter_referenced_key_order_items"();
COMMIT;

-- step swap.payments: in one transaction: rename order_id -> _pgphase_old_order_id, _pgphase_new_order_id -> order_id; point the sync trigger at the new names
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."payments"'::regclass AND attname = 'order_id' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."payments"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."payments"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."payments"'::regclass AND tgname IN ('pgphase_ins_column_alter_referenced_key', 'pgphase_upd_column_alter_referenced_key')))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'))
     AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN (SELECT indexrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = '"public"."payments"'::regclass AND c.relname IN ('payments_order_id_fkey')))
     AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_constraint WHERE conrelid = '"public"."payments"'::regclass AND conname IN ('payments_order_id_fkey')));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'order_id', '"public"."payments"'::regclass, deps);
  END IF;
END
$pgphase$;
DROP TRIGGER IF EXISTS "pgphase_ins_column_alter_referenced_key" ON "public"."payments";
DROP TRIGGER IF EXISTS "pgphase_upd_column_alter_referenced_key" ON "public"."payments";
ALTER TABLE "public"."payments" RENAME COLUMN "order_id" TO "_pgphase_old_order_id";
ALTER TABLE "public"."payments" RENAME COLUMN "_pgphase_new_order_id" TO "order_id";
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_alter_referenced_key_payments"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "order_id" "public"."payments"."order_id"%TYPE := NEW."order_id";
BEGIN
    BEGIN
      NEW."_pgphase_old_order_id" := (CAST("order_id" AS integer));
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('column_alter_referenced_key', 'public.payments', '_pgphase_old_order_id', ARRAY[NEW."id"::text], SQLSTATE, SQLERRM);
    END;
  RETURN NEW;
END
$pgphase$;
CREATE TRIGGER "pgphase_ins_column_alter_referenced_key" BEFORE INSERT ON "public"."payments" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_column_alter_referenced_key_payments"();
CREATE TRIGGER "pgphase_upd_column_alter_referenced_key" BEFORE UPDATE OF "order_id" ON "public"."payments" FOR EACH ROW WHEN (((NEW."order_id" IS DISTINCT FROM OLD."order_id"))) EXECUTE FUNCTION "pgphase"."sync_column_alter_referenced_key_payments"();
COMMIT;

-- step swap.orders: in one transaction: rename id -> _pgphase_old_id, _pgphase_new_id -> id; the column changes; point the sync trigger at the new names
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."orders"'::regclass AND attname = 'id' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."orders"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."orders"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."orders"'::regclass AND tgname IN ('pgphase_ins_column_alter_referenced_key', 'pgphase_upd_column_alter_referenced_key')))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'))
     AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN (SELECT indexrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = '"public"."orders"'::regclass AND c.relname IN ('orders_pkey', 'order_items_order_id_fkey', 'payments_order_id_fkey')))
     AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_constraint WHERE conrelid = '"public"."orders"'::regclass AND conname IN ('orders_pkey', 'order_items_order_id_fkey', 'payments_order_id_fkey')))
     AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_constraint WHERE confrelid = '"public"."orders"'::regclass AND conname IN ('order_items_order_id_fkey', 'payments_order_id_fkey', 'orders_id_seq')))
     AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_class WHERE relkind = 'S' AND relname IN ('order_items_order_id_fkey', 'payments_order_id_fkey', 'orders_id_seq')));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'id', '"public"."orders"'::regclass, deps);
  END IF;
END
$pgphase$;
DROP TRIGGER IF EXISTS "pgphase_ins_column_alter_referenced_key" ON "public"."orders";
DROP TRIGGER IF EXISTS "pgphase_upd_column_alter_referenced_key" ON "public"."orders";
ALTER TABLE "public"."orders" RENAME COLUMN "id" TO "_pgphase_old_id";
ALTER TABLE "public"."orders" RENAME COLUMN "_pgphase_new_id" TO "id";
ALTER TABLE "public"."order_items" DROP CONSTRAINT "order_items_order_id_fkey";
ALTER TABLE "public"."payments" DROP CONSTRAINT "payments_order_id_fkey";
ALTER TABLE "public"."orders" DROP CONSTRAINT IF EXISTS "orders_pkey";
ALTER TABLE "public"."orders" ADD CONSTRAINT "orders_pkey" PRIMARY KEY USING INDEX "_pgphase_new_orders_pkey";
ALTER TABLE "public"."orders" ALTER COLUMN "_pgphase_old_id" DROP NOT NULL;
ALTER TABLE "public"."order_items" ADD CONSTRAINT "order_items_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "public"."orders" ("id") ON DELETE CASCADE DEFERRABLE NOT VALID;
ALTER TABLE "public"."payments" ADD CONSTRAINT "payments_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "public"."orders" ("id") NOT VALID;
ALTER TABLE "public"."orders" ALTER COLUMN "_pgphase_old_id" DROP DEFAULT;
ALTER TABLE "public"."orders" ALTER COLUMN "id" SET DEFAULT nextval('orders_id_seq'::regclass);
ALTER SEQUENCE "public"."orders_id_seq" AS bigint;
ALTER SEQUENCE "public"."orders_id_seq" OWNED BY "public"."orders"."id";
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_alter_referenced_key_orders"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "id" "public"."orders"."id"%TYPE := NEW."id";
BEGIN
    BEGIN
      NEW."_pgphase_old_id" := (CAST("id" AS integer));
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('column_alter_referenced_key', 'public.orders', '_pgphase_old_id', ARRAY[NEW."_pgphase_old_id"::text], SQLSTATE, SQLERRM);
    END;
  RETURN NEW;
END
$pgphase$;
CREATE TRIGGER "pgphase_ins_column_alter_referenced_key" BEFORE INSERT ON "public"."orders" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_column_alter_referenced_key_orders"();
CREATE TRIGGER "pgphase_upd_column_alter_referenced_key" BEFORE UPDATE OF "id" ON "public"."orders" FOR EACH ROW WHEN (((NEW."id" IS DISTINCT FROM OLD."id"))) EXECUTE FUNCTION "pgphase"."sync_column_alter_referenced_key_orders"();
COMMIT;

-- step swap.order_items.order_items_order_id_fkey.validate: validate the re-created foreign key order_items_order_id_fkey without blocking writes, now that the swap has committed
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 3000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."order_items" VALIDATE CONSTRAINT "order_items_order_id_fkey";
COMMIT;

-- step swap.payments.payments_order_id_fkey.validate: validate the re-created foreign key payments_order_id_fkey without blocking writes, now that the swap has committed
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 3000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."payments" VALIDATE CONSTRAINT "payments_order_id_fkey";
COMMIT;

-- phase contract (irreversible: runs only with --through contract)

-- step contract.orders.id.old_nullable: the column _pgphase_old_id may be NULL once the sync trigger no longer fills it
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."orders" ALTER COLUMN "_pgphase_old_id" DROP NOT NULL;
COMMIT;

-- step contract.order_items.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_column_alter_referenced_key" ON "public"."order_items";
COMMIT;

-- step contract.order_items.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_column_alter_referenced_key" ON "public"."order_items";
COMMIT;

-- step contract.order_items.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_column_alter_referenced_key_order_items"();
COMMIT;

-- step contract.payments.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_column_alter_referenced_key" ON "public"."payments";
COMMIT;

-- step contract.payments.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_column_alter_referenced_key" ON "public"."payments";
COMMIT;

-- step contract.payments.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_column_alter_referenced_key_payments"();
COMMIT;

-- step contract.orders.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_column_alter_referenced_key" ON "public"."orders";
COMMIT;

-- step contract.orders.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_column_alter_referenced_key" ON "public"."orders";
COMMIT;

-- step contract.orders.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_column_alter_referenced_key_orders"();
COMMIT;

-- step contract.orders._pgphase_new_id.not_null_check: drop the helper check (NOT NULL is now set on the column)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."orders" DROP CONSTRAINT IF EXISTS "pgphase_nn_orders_id";
COMMIT;

-- step contract.order_items.order_id.old_column: drop the old column _pgphase_old_order_id
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, deletes_data, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."order_items" DROP COLUMN IF EXISTS "_pgphase_old_order_id";
COMMIT;

-- step contract.payments.order_id.old_column: drop the old column _pgphase_old_order_id
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, deletes_data, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."payments" DROP COLUMN IF EXISTS "_pgphase_old_order_id";
COMMIT;

-- step contract.orders.id.old_column: drop the old column _pgphase_old_id
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, deletes_data, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."orders" DROP COLUMN IF EXISTS "_pgphase_old_id";
COMMIT;
