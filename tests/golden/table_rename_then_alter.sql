-- pgphase plan for migration table_rename_then_alter: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: add_column users.nick: not verified at validate: the new application may write the column from sync on, so `up` is not the truth for it
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
-- precheck: before expand, pgphase evaluates (COALESCE(email, 'none')) for email over the existing rows of public.users (read-only) and refuses (exit 2, naming them) any it cannot convert or that it makes NULL
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.users.email.dependents: refuse if an index, constraint, view or other object depends on the column
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."users"'::regclass AND attname = 'email' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."users"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."users"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."users"'::regclass AND tgname IN (NULL)))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'email', '"public"."users"'::regclass, deps);
  END IF;
END
$pgphase$;
COMMIT;

-- step expand.users.email.shadow: add shadow column _pgphase_new_email (text)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ADD COLUMN IF NOT EXISTS "_pgphase_new_email" text;
COMMIT;

-- step expand.users.email.comment: carry the comment over
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  c text := pg_catalog.col_description('"public"."users"'::regclass, (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."users"'::regclass AND attname = 'email' AND NOT attisdropped));
BEGIN
  IF c IS NOT NULL THEN
    EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', '"public"."users"'::regclass, '_pgphase_new_email', c);
  END IF;
END
$pgphase$;
COMMIT;

-- step expand.users.nick: add column nick to users
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ADD COLUMN IF NOT EXISTS "nick" text;
COMMIT;

-- step expand.rename_table.users.view: view people over table users, so the new name reads and writes the table
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE VIEW "public"."people" AS SELECT * FROM "public"."users";
COMMIT;

-- phase sync

-- step sync.users.function: create the dual-write function for users
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_table_rename_then_alter_users"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "email" "public"."users"."email"%TYPE := NEW."email";
  "name" "public"."users"."name"%TYPE := NEW."name";
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW."_pgphase_new_email" := (COALESCE(email, 'none'));
    IF NEW."nick" IS NULL THEN
      NEW."nick" := (UPPER(name));
    END IF;
    IF NEW."name" IS NULL THEN
      NEW."name" := ('?');
    END IF;
  ELSE
    IF NEW."_pgphase_new_email" IS NULL OR (NEW."email" IS DISTINCT FROM OLD."email") THEN
      NEW."_pgphase_new_email" := (COALESCE(email, 'none'));
    END IF;
    IF (NEW."nick" IS NOT DISTINCT FROM OLD."nick" AND (NEW."name" IS DISTINCT FROM OLD."name")) THEN
      NEW."nick" := (UPPER(name));
    END IF;
  END IF;
  RETURN NEW;
END
$pgphase$;
COMMIT;

-- step sync.users.insert_trigger: fill new columns on INSERT into users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_ins_table_rename_then_alter" BEFORE INSERT ON "public"."users" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_table_rename_then_alter_users"();
COMMIT;

-- step sync.users.update_trigger: keep new columns in step on UPDATE of users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_table_rename_then_alter" BEFORE UPDATE ON "public"."users" FOR EACH ROW WHEN ((NEW."_pgphase_new_email" IS NULL OR (NEW."email" IS DISTINCT FROM OLD."email")) OR ((NEW."nick" IS NOT DISTINCT FROM OLD."nick" AND (NEW."name" IS DISTINCT FROM OLD."name")))) EXECUTE FUNCTION "pgphase"."sync_table_rename_then_alter_users"();
COMMIT;

-- phase backfill

-- step backfill.users: fill _pgphase_new_email, nick for existing rows of users in keyset batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 300000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."users" SET "_pgphase_new_email" = COALESCE("_pgphase_new_email", (COALESCE(email, 'none'))), "nick" = COALESCE("nick", (UPPER(name))) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_email" IS NULL OR "nick" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."users" SET "_pgphase_new_email" = COALESCE("_pgphase_new_email", (COALESCE(email, 'none'))), "nick" = COALESCE("nick", (UPPER(name))) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_email" IS NULL OR "nick" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- phase validate

-- step validate.users.verify: verify _pgphase_new_email = up(row) on every row of users in keyset batches, repairing the rows that differ
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 300000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."users" SET "_pgphase_new_email" = (COALESCE(email, 'none')) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_email" IS DISTINCT FROM CAST((COALESCE(email, 'none')) AS text)) RETURNING "id" AS k1, NOT ("_pgphase_new_email" IS DISTINCT FROM CAST((COALESCE(email, 'none')) AS text)) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done WHERE NOT ok ORDER BY k1 LIMIT 10) s)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."users" SET "_pgphase_new_email" = (COALESCE(email, 'none')) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_email" IS DISTINCT FROM CAST((COALESCE(email, 'none')) AS text)) RETURNING "id" AS k1, NOT ("_pgphase_new_email" IS DISTINCT FROM CAST((COALESCE(email, 'none')) AS text)) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done WHERE NOT ok ORDER BY k1 LIMIT 10) s);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- step validate.users.email.not_null_helper: enforce NOT NULL on new writes to users._pgphase_new_email (not yet validated)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ADD CONSTRAINT "pgphase_nn_users_email" CHECK ("_pgphase_new_email" IS NOT NULL) NOT VALID;
COMMIT;

-- step validate.users.email.not_null_check: prove no row is NULL, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 300000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."users" VALIDATE CONSTRAINT "pgphase_nn_users_email";
COMMIT;

-- step validate.users.email.set_not_null: SET NOT NULL (no scan: the validated check proves it)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ALTER COLUMN "_pgphase_new_email" SET NOT NULL;
COMMIT;

-- phase swap

-- step swap.users: in one transaction: rename email -> _pgphase_old_email, _pgphase_new_email -> email; point the sync trigger at the new names; the view people over the columns from now on
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP VIEW IF EXISTS "public"."people";
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."users"'::regclass AND attname = 'email' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."users"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."users"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."users"'::regclass AND tgname IN ('pgphase_ins_table_rename_then_alter', 'pgphase_upd_table_rename_then_alter')))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'email', '"public"."users"'::regclass, deps);
  END IF;
END
$pgphase$;
DROP TRIGGER IF EXISTS "pgphase_ins_table_rename_then_alter" ON "public"."users";
DROP TRIGGER IF EXISTS "pgphase_upd_table_rename_then_alter" ON "public"."users";
ALTER TABLE "public"."users" RENAME COLUMN "email" TO "_pgphase_old_email";
ALTER TABLE "public"."users" RENAME COLUMN "_pgphase_new_email" TO "email";
CREATE OR REPLACE FUNCTION "pgphase"."sync_table_rename_then_alter_users"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "name" "public"."users"."name"%TYPE := NEW."name";
  "email" "public"."users"."email"%TYPE := NEW."email";
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."nick" IS NULL THEN
      NEW."nick" := (UPPER(name));
    END IF;
    IF NEW."name" IS NULL THEN
      NEW."name" := ('?');
    END IF;
    NEW."_pgphase_old_email" := (email);
  ELSE
    IF (NEW."nick" IS NOT DISTINCT FROM OLD."nick" AND (NEW."name" IS DISTINCT FROM OLD."name")) THEN
      NEW."nick" := (UPPER(name));
    END IF;
    IF (NEW."email" IS DISTINCT FROM OLD."email") THEN
      NEW."_pgphase_old_email" := (email);
    END IF;
  END IF;
  RETURN NEW;
END
$pgphase$;
CREATE TRIGGER "pgphase_ins_table_rename_then_alter" BEFORE INSERT ON "public"."users" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_table_rename_then_alter_users"();
CREATE TRIGGER "pgphase_upd_table_rename_then_alter" BEFORE UPDATE OF "name", "email" ON "public"."users" FOR EACH ROW WHEN (((NEW."nick" IS NOT DISTINCT FROM OLD."nick" AND (NEW."name" IS DISTINCT FROM OLD."name"))) OR ((NEW."email" IS DISTINCT FROM OLD."email"))) EXECUTE FUNCTION "pgphase"."sync_table_rename_then_alter_users"();
CREATE VIEW "public"."people" AS SELECT "id", "email", "nick" FROM "public"."users";
COMMIT;

-- phase contract (irreversible: runs only with --through contract)

-- step contract.users.name.old_nullable: the column name may be NULL once the sync trigger no longer fills it
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ALTER COLUMN "name" DROP NOT NULL;
COMMIT;

-- step contract.users.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_table_rename_then_alter" ON "public"."users";
COMMIT;

-- step contract.users.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_table_rename_then_alter" ON "public"."users";
COMMIT;

-- step contract.users.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_table_rename_then_alter_users"();
COMMIT;

-- step contract.users._pgphase_new_email.not_null_check: drop the helper check (NOT NULL is now set on the column)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" DROP CONSTRAINT IF EXISTS "pgphase_nn_users_email";
COMMIT;

-- step contract.users.email.old_column: drop the old column _pgphase_old_email
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, deletes_data, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "_pgphase_old_email";
COMMIT;

-- step contract.users.name.drop: drop column name of users
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, deletes_data, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "name";
COMMIT;

-- step contract.rename_table.users: in one transaction: drop the view people and rename table users to people
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP VIEW IF EXISTS "public"."people";
ALTER TABLE "public"."users" RENAME TO "people";
COMMIT;
