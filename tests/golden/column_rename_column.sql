-- pgphase plan for migration column_rename_column
-- note: add_column users.shout: not verified at validate: the new application may write the column from sync on, so `up` is not the truth for it

-- phase expand

-- step expand.users.shout: add column shout to users
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" ADD COLUMN "shout" text;

-- phase sync

-- step sync.users.function: create the dual-write function for users
-- lock: none (scan_timeout applies; no statement_timeout)
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_rename_column_users"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "email" "public"."users"."email"%TYPE := NEW."email";
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW."shout" := (upper(email));
  ELSE
    NEW."shout" := (upper(email));
  END IF;
  RETURN NEW;
END
$pgphase$;

-- step sync.users.insert_trigger: fill new columns on INSERT into users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies)
CREATE TRIGGER "pgphase_ins_column_rename_column" BEFORE INSERT ON "public"."users" FOR EACH ROW WHEN (NEW."shout" IS NULL) EXECUTE FUNCTION "pgphase"."sync_column_rename_column_users"();

-- step sync.users.update_trigger: keep new columns in step on UPDATE of users
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies)
CREATE TRIGGER "pgphase_upd_column_rename_column" BEFORE UPDATE OF "email" ON "public"."users" FOR EACH ROW WHEN (((NEW."shout" IS NOT DISTINCT FROM OLD."shout" AND (NEW."email" IS DISTINCT FROM OLD."email")))) EXECUTE FUNCTION "pgphase"."sync_column_rename_column_users"();

-- phase backfill

-- step backfill.users: fill shout for existing rows of users in keyset batches
-- repeated per batch: $1.. = last key done (id), then batch size
WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."users" SET "shout" = COALESCE("shout", (upper(email))) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("shout" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);

-- phase validate (nothing to do)

-- phase swap

-- step swap.users: in one transaction: rename email -> mail; point the sync trigger at the new names
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TRIGGER IF EXISTS "pgphase_ins_column_rename_column" ON "public"."users";
DROP TRIGGER IF EXISTS "pgphase_upd_column_rename_column" ON "public"."users";
ALTER TABLE "public"."users" RENAME COLUMN "email" TO "mail";
CREATE OR REPLACE FUNCTION "pgphase"."sync_column_rename_column_users"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "email" "public"."users"."mail"%TYPE := NEW."mail";
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW."shout" := (upper(email));
  ELSE
    NEW."shout" := (upper(email));
  END IF;
  RETURN NEW;
END
$pgphase$;
CREATE TRIGGER "pgphase_ins_column_rename_column" BEFORE INSERT ON "public"."users" FOR EACH ROW WHEN (NEW."shout" IS NULL) EXECUTE FUNCTION "pgphase"."sync_column_rename_column_users"();
CREATE TRIGGER "pgphase_upd_column_rename_column" BEFORE UPDATE OF "mail" ON "public"."users" FOR EACH ROW WHEN (((NEW."shout" IS NOT DISTINCT FROM OLD."shout" AND (NEW."mail" IS DISTINCT FROM OLD."mail")))) EXECUTE FUNCTION "pgphase"."sync_column_rename_column_users"();

-- phase contract (irreversible: runs only with --through contract)

-- step contract.users.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TRIGGER IF EXISTS "pgphase_ins_column_rename_column" ON "public"."users";

-- step contract.users.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TRIGGER IF EXISTS "pgphase_upd_column_rename_column" ON "public"."users";

-- step contract.users.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout)
DROP FUNCTION IF EXISTS "pgphase"."sync_column_rename_column_users"();
