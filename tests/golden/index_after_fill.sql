-- pgphase plan for migration index_after_fill: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: add_column users.score: not verified at validate: the new application may write the column from sync on, so `up` is not the truth for it
-- note: alter_column users.email: the type changes under the same name, so the two application versions cannot each have their own: email is text until swap and varchar(200) from swap on, and the old application must be stopped at swap; to keep both working through a rolling deploy, rename the column in the same alter_column (name:), and both names live from sync until contract
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.users.score: add column score to users
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ADD COLUMN IF NOT EXISTS "score" int;
COMMIT;

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

-- step expand.users.email.shadow: add shadow column _pgphase_new_email (varchar(200))
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ADD COLUMN IF NOT EXISTS "_pgphase_new_email" varchar(200);
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

-- step expand.create_constraint.users.users_email_len: check constraint users_email_len, not yet validated
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" ADD CONSTRAINT "users_email_len" CHECK ((length("_pgphase_new_email") < 150)) NOT VALID;
COMMIT;

-- phase sync

-- step sync.users.function: create the dual-write function for users
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_index_after_fill_users"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "name" "public"."users"."name"%TYPE := NEW."name";
  "email" "public"."users"."email"%TYPE := NEW."email";
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."score" IS NULL THEN
      NEW."score" := (length(name));
    END IF;
    NEW."_pgphase_new_email" := (CAST(email AS varchar(200)));
  ELSE
    IF (NEW."score" IS NOT DISTINCT FROM OLD."score" AND (NEW."name" IS DISTINCT FROM OLD."name")) THEN
      NEW."score" := (length(name));
    END IF;
    IF (NEW."email" IS DISTINCT FROM OLD."email") THEN
      NEW."_pgphase_new_email" := (CAST(email AS varchar(200)));
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
CREATE TRIGGER "pgphase_ins_index_after_fill" BEFORE INSERT ON "public"."users" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_index_after_fill_users"();
COMMIT;

-- step sync.users.update_trigger: keep new columns in step on UPDATE of users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_index_after_fill" BEFORE UPDATE OF "name", "email" ON "public"."users" FOR EACH ROW WHEN (((NEW."score" IS NOT DISTINCT FROM OLD."score" AND (NEW."name" IS DISTINCT FROM OLD."name"))) OR ((NEW."email" IS DISTINCT FROM OLD."email"))) EXECUTE FUNCTION "pgphase"."sync_index_after_fill_users"();
COMMIT;

-- phase backfill

-- step backfill.users: fill score, _pgphase_new_email for existing rows of users in keyset batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 300000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."users" SET "score" = COALESCE("score", (length(name))), "_pgphase_new_email" = COALESCE("_pgphase_new_email", (CAST(email AS varchar(200)))) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("score" IS NULL OR "_pgphase_new_email" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."users" SET "score" = COALESCE("score", (length(name))), "_pgphase_new_email" = COALESCE("_pgphase_new_email", (CAST(email AS varchar(200)))) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("score" IS NULL OR "_pgphase_new_email" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- phase validate

-- step validate.users.verify: verify _pgphase_new_email = up(row) on every row of users in keyset batches, repairing the rows that differ
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 300000; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."users" SET "_pgphase_new_email" = (CAST(email AS varchar(200))) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_email" IS DISTINCT FROM CAST((CAST(email AS varchar(200))) AS varchar(200))) RETURNING "id" AS k1, NOT ("_pgphase_new_email" IS DISTINCT FROM CAST((CAST(email AS varchar(200))) AS varchar(200))) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done WHERE NOT ok ORDER BY k1 LIMIT 10) s)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."users" SET "_pgphase_new_email" = (CAST(email AS varchar(200))) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_email" IS DISTINCT FROM CAST((CAST(email AS varchar(200))) AS varchar(200))) RETURNING "id" AS k1, NOT ("_pgphase_new_email" IS DISTINCT FROM CAST((CAST(email AS varchar(200))) AS varchar(200))) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done WHERE NOT ok ORDER BY k1 LIMIT 10) s);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- step validate.create_index.users_score_idx: build index users_score_idx on users after the backfill, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); outside a transaction; scans: yes; rewrites: no; rows: about 300000; hazards: full_scan, index_build
SET lock_timeout = '1000ms';
SET statement_timeout = '0ms';
DROP INDEX CONCURRENTLY IF EXISTS "public"."users_score_idx";
CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_score_idx" ON "public"."users" USING btree ("score");
RESET lock_timeout;
RESET statement_timeout;

-- step validate.create_index.users_email_idx: build index users_email_idx on users after the backfill, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); outside a transaction; scans: yes; rewrites: no; rows: about 300000; hazards: full_scan, index_build
SET lock_timeout = '1000ms';
SET statement_timeout = '0ms';
DROP INDEX CONCURRENTLY IF EXISTS "public"."users_email_idx";
CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_email_idx" ON "public"."users" USING btree ("_pgphase_new_email") WHERE ("_pgphase_new_email" <> '');
RESET lock_timeout;
RESET statement_timeout;

-- step validate.create_constraint.users.users_email_uq.index: build the unique index for users_email_uq without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); outside a transaction; scans: yes; rewrites: no; rows: about 300000; hazards: full_scan, index_build
SET lock_timeout = '1000ms';
SET statement_timeout = '0ms';
DROP INDEX CONCURRENTLY IF EXISTS "public"."users_email_uq";
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "users_email_uq" ON "public"."users" USING btree ("_pgphase_new_email");
RESET lock_timeout;
RESET statement_timeout;

-- step validate.create_constraint.users.users_email_len: validate check constraint users_email_len
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 300000; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_email_len";
COMMIT;

-- phase swap

-- step swap.users: in one transaction: rename email -> _pgphase_old_email, _pgphase_new_email -> email; the column changes; point the sync trigger at the new names
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."users"'::regclass AND attname = 'email' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."users"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."users"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."users"'::regclass AND tgname IN ('pgphase_ins_index_after_fill', 'pgphase_upd_index_after_fill')))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'email', '"public"."users"'::regclass, deps);
  END IF;
END
$pgphase$;
DROP TRIGGER IF EXISTS "pgphase_ins_index_after_fill" ON "public"."users";
DROP TRIGGER IF EXISTS "pgphase_upd_index_after_fill" ON "public"."users";
ALTER TABLE "public"."users" RENAME COLUMN "email" TO "_pgphase_old_email";
ALTER TABLE "public"."users" RENAME COLUMN "_pgphase_new_email" TO "email";
ALTER TABLE "public"."users" ADD CONSTRAINT "users_email_uq" UNIQUE USING INDEX "users_email_uq";
CREATE OR REPLACE FUNCTION "pgphase"."sync_index_after_fill_users"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "name" "public"."users"."name"%TYPE := NEW."name";
  "email" "public"."users"."email"%TYPE := NEW."email";
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."score" IS NULL THEN
      NEW."score" := (length(name));
    END IF;
    NEW."_pgphase_old_email" := (email);
  ELSE
    IF (NEW."score" IS NOT DISTINCT FROM OLD."score" AND (NEW."name" IS DISTINCT FROM OLD."name")) THEN
      NEW."score" := (length(name));
    END IF;
    IF (NEW."email" IS DISTINCT FROM OLD."email") THEN
      NEW."_pgphase_old_email" := (email);
    END IF;
  END IF;
  RETURN NEW;
END
$pgphase$;
CREATE TRIGGER "pgphase_ins_index_after_fill" BEFORE INSERT ON "public"."users" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_index_after_fill_users"();
CREATE TRIGGER "pgphase_upd_index_after_fill" BEFORE UPDATE OF "name", "email" ON "public"."users" FOR EACH ROW WHEN (((NEW."score" IS NOT DISTINCT FROM OLD."score" AND (NEW."name" IS DISTINCT FROM OLD."name"))) OR ((NEW."email" IS DISTINCT FROM OLD."email"))) EXECUTE FUNCTION "pgphase"."sync_index_after_fill_users"();
COMMIT;

-- phase contract (irreversible: runs only with --through contract)

-- step contract.users.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_index_after_fill" ON "public"."users";
COMMIT;

-- step contract.users.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_index_after_fill" ON "public"."users";
COMMIT;

-- step contract.users.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_index_after_fill_users"();
COMMIT;

-- step contract.users.email.old_column: drop the old column _pgphase_old_email
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, deletes_data, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "_pgphase_old_email";
COMMIT;
