-- pgphase plan for migration add_column_not_null_up_unique
-- note: add_column users.shout: not verified at validate: the new application may write the column from sync on, so `up` is not the truth for it
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
-- precheck: before expand, pgphase evaluates (upper(name)) for shout over the existing rows of public.users (read-only) and refuses (exit 2, naming them) any it cannot convert or that it makes NULL

-- phase expand

-- step expand.users.shout: add column shout to users
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" ADD COLUMN "shout" text;

-- step expand.users.shout.comment: column comment
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout)
COMMENT ON COLUMN "public"."users"."shout" IS 'upper-cased name';

-- phase sync

-- step sync.users.function: create the dual-write function for users
-- lock: none (scan_timeout applies; no statement_timeout)
CREATE OR REPLACE FUNCTION "pgphase"."sync_add_column_not_null_up_unique_users"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "name" "public"."users"."name"%TYPE := NEW."name";
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW."shout" := (upper(name));
  ELSE
    NEW."shout" := (upper(name));
  END IF;
  RETURN NEW;
END
$pgphase$;

-- step sync.users.insert_trigger: fill new columns on INSERT into users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies)
CREATE TRIGGER "pgphase_ins_add_column_not_null_up_unique" BEFORE INSERT ON "public"."users" FOR EACH ROW WHEN (NEW."shout" IS NULL) EXECUTE FUNCTION "pgphase"."sync_add_column_not_null_up_unique_users"();

-- step sync.users.update_trigger: keep new columns in step on UPDATE of users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies)
CREATE TRIGGER "pgphase_upd_add_column_not_null_up_unique" BEFORE UPDATE ON "public"."users" FOR EACH ROW WHEN ((NEW."shout" IS NULL OR (NEW."shout" IS NOT DISTINCT FROM OLD."shout" AND (NEW."name" IS DISTINCT FROM OLD."name")))) EXECUTE FUNCTION "pgphase"."sync_add_column_not_null_up_unique_users"();

-- phase backfill

-- step backfill.users: fill shout for existing rows of users in keyset batches
-- repeated per batch: $1.. = last key done (id), then batch size
WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."users" SET "shout" = COALESCE("shout", (upper(name))) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("shout" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);

-- phase validate

-- step validate.users.shout.not_null_helper: enforce NOT NULL on new writes to users.shout (not yet validated)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" ADD CONSTRAINT "pgphase_nn_users_shout" CHECK ("shout" IS NOT NULL) NOT VALID;

-- step validate.users.shout.not_null_check: prove no row is NULL, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout)
ALTER TABLE "public"."users" VALIDATE CONSTRAINT "pgphase_nn_users_shout";

-- step validate.users.shout.set_not_null: SET NOT NULL (no scan: the validated check proves it)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" ALTER COLUMN "shout" SET NOT NULL;

-- step validate.users.shout.unique_index: build the unique index without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout) (outside a transaction)
CREATE UNIQUE INDEX CONCURRENTLY "users_shout_key" ON "public"."users" ("shout");

-- phase swap

-- step swap.users.shout.unique: attach the index as a unique constraint
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" ADD CONSTRAINT "users_shout_key" UNIQUE USING INDEX "users_shout_key";

-- phase contract (irreversible: runs only with --through contract)

-- step contract.users.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TRIGGER IF EXISTS "pgphase_ins_add_column_not_null_up_unique" ON "public"."users";

-- step contract.users.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TRIGGER IF EXISTS "pgphase_upd_add_column_not_null_up_unique" ON "public"."users";

-- step contract.users.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout)
DROP FUNCTION IF EXISTS "pgphase"."sync_add_column_not_null_up_unique_users"();

-- step contract.users.shout.not_null_check: drop the helper check (NOT NULL is now set on the column)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" DROP CONSTRAINT IF EXISTS "pgphase_nn_users_shout";
