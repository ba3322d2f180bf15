-- pgphase plan for migration add_column_nullable_up
-- note: add_column users.label: not verified at validate: the new application may write the column from sync on, so `up` is not the truth for it
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
-- precheck: before expand, pgphase evaluates (name || '-' || coalesce(email, '')) for label over the existing rows of public.users (read-only) and refuses (exit 2, naming them) any it cannot convert

-- phase expand

-- step expand.users.label: add column label to users
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" ADD COLUMN "label" varchar(255);

-- phase sync

-- step sync.users.function: create the dual-write function for users
-- lock: none (scan_timeout applies; no statement_timeout)
CREATE OR REPLACE FUNCTION "pgphase"."sync_add_column_nullable_up_users"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "name" "public"."users"."name"%TYPE := NEW."name";
  "email" "public"."users"."email"%TYPE := NEW."email";
BEGIN
  IF TG_OP = 'INSERT' THEN
    BEGIN
      NEW."label" := (name || '-' || coalesce(email, ''));
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('add_column_nullable_up', 'public.users', 'label', ARRAY[NEW."id"::text], SQLSTATE, SQLERRM);
    END;
  ELSE
    BEGIN
      NEW."label" := (name || '-' || coalesce(email, ''));
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('add_column_nullable_up', 'public.users', 'label', ARRAY[NEW."id"::text], SQLSTATE, SQLERRM);
    END;
  END IF;
  RETURN NEW;
END
$pgphase$;

-- step sync.users.insert_trigger: fill new columns on INSERT into users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies)
CREATE TRIGGER "pgphase_ins_add_column_nullable_up" BEFORE INSERT ON "public"."users" FOR EACH ROW WHEN (NEW."label" IS NULL) EXECUTE FUNCTION "pgphase"."sync_add_column_nullable_up_users"();

-- step sync.users.update_trigger: keep new columns in step on UPDATE of users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies)
CREATE TRIGGER "pgphase_upd_add_column_nullable_up" BEFORE UPDATE OF "name", "email" ON "public"."users" FOR EACH ROW WHEN (((NEW."label" IS NOT DISTINCT FROM OLD."label" AND (NEW."name" IS DISTINCT FROM OLD."name" OR NEW."email" IS DISTINCT FROM OLD."email")))) EXECUTE FUNCTION "pgphase"."sync_add_column_nullable_up_users"();

-- phase backfill

-- step backfill.users: fill label for existing rows of users in keyset batches
-- repeated per batch: $1.. = last key done (id), then batch size
WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."users" SET "label" = COALESCE("label", (name || '-' || coalesce(email, ''))) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("label" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);

-- phase validate

-- step validate.conversions.users: refuse while rows of users whose new values the sync trigger could not compute remain unfixed
-- pgphase re-evaluates the rows of public.users the sync trigger recorded as not convertible (label) and refuses (exit 2) while any still fails

-- phase swap

-- step swap.conversions.users: refuse while rows of users whose new values the sync trigger could not compute remain unfixed
-- pgphase re-evaluates the rows of public.users the sync trigger recorded as not convertible (label) and refuses (exit 2) while any still fails

-- phase contract (irreversible: runs only with --through contract)

-- step contract.users.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TRIGGER IF EXISTS "pgphase_ins_add_column_nullable_up" ON "public"."users";

-- step contract.users.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TRIGGER IF EXISTS "pgphase_upd_add_column_nullable_up" ON "public"."users";

-- step contract.users.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout)
DROP FUNCTION IF EXISTS "pgphase"."sync_add_column_nullable_up_users"();
