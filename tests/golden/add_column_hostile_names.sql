-- pgphase plan for migration add_column_hostile_names
-- note: add_column we"ird;\nDROP TABLE users; --.Col"umn: not verified at validate: the new application may write the column from sync on, so `up` is not the truth for it
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
-- precheck: before expand, pgphase evaluates ('x') for Col"umn over the existing rows of public.we"ird;\nDROP TABLE users; -- (read-only) and refuses (exit 2, naming them) any it cannot convert or that it makes NULL

-- phase expand

-- step expand.we"ird;\nDROP TABLE users; --.Col"umn: add column Col"umn to we"ird;\nDROP TABLE users; --
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."we""ird;
DROP TABLE users; --" ADD COLUMN "Col""umn" text;

-- step expand.we"ird;\nDROP TABLE users; --.Col"umn.comment: column comment
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout)
COMMENT ON COLUMN "public"."we""ird;
DROP TABLE users; --"."Col""umn" IS E'it''s a \\ backslash';

-- phase sync

-- step sync.we"ird;\nDROP TABLE users; --.function: create the dual-write function for we"ird;\nDROP TABLE users; --
-- lock: none (scan_timeout applies; no statement_timeout)
CREATE OR REPLACE FUNCTION "pgphase"."sync_add_column_hostile_names_we""ird;
DROP TABLE users; --"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW."Col""umn" := ('x');
  ELSE
    NEW."Col""umn" := ('x');
  END IF;
  RETURN NEW;
END
$pgphase$;

-- step sync.we"ird;\nDROP TABLE users; --.insert_trigger: fill new columns on INSERT into we"ird;\nDROP TABLE users; --
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies)
CREATE TRIGGER "pgphase_ins_add_column_hostile_names" BEFORE INSERT ON "public"."we""ird;
DROP TABLE users; --" FOR EACH ROW WHEN (NEW."Col""umn" IS NULL) EXECUTE FUNCTION "pgphase"."sync_add_column_hostile_names_we""ird;
DROP TABLE users; --"();

-- step sync.we"ird;\nDROP TABLE users; --.update_trigger: keep new columns in step on UPDATE of we"ird;\nDROP TABLE users; --
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies)
CREATE TRIGGER "pgphase_upd_add_column_hostile_names" BEFORE UPDATE ON "public"."we""ird;
DROP TABLE users; --" FOR EACH ROW WHEN ((NEW."Col""umn" IS NULL)) EXECUTE FUNCTION "pgphase"."sync_add_column_hostile_names_we""ird;
DROP TABLE users; --"();

-- phase backfill

-- step backfill.we"ird;\nDROP TABLE users; --: fill Col"umn for existing rows of we"ird;\nDROP TABLE users; -- in keyset batches
-- repeated per batch: $1.. = last key done (id), then batch size
WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."we""ird;
DROP TABLE users; --" WHERE ("id") > ($1::integer) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."we""ird;
DROP TABLE users; --" SET "Col""umn" = COALESCE("Col""umn", ('x')) WHERE ("id") > ($1::integer) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("Col""umn" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);

-- phase validate

-- step validate.we"ird;\nDROP TABLE users; --.Col"umn.not_null_helper: enforce NOT NULL on new writes to we"ird;\nDROP TABLE users; --.Col"umn (not yet validated)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."we""ird;
DROP TABLE users; --" ADD CONSTRAINT "pgphase_nn_we""ird;
DROP TABLE users; --_Col""umn" CHECK ("Col""umn" IS NOT NULL) NOT VALID;

-- step validate.we"ird;\nDROP TABLE users; --.Col"umn.not_null_check: prove no row is NULL, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout)
ALTER TABLE "public"."we""ird;
DROP TABLE users; --" VALIDATE CONSTRAINT "pgphase_nn_we""ird;
DROP TABLE users; --_Col""umn";

-- step validate.we"ird;\nDROP TABLE users; --.Col"umn.set_not_null: SET NOT NULL (no scan: the validated check proves it)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."we""ird;
DROP TABLE users; --" ALTER COLUMN "Col""umn" SET NOT NULL;

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract)

-- step contract.we"ird;\nDROP TABLE users; --.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TRIGGER IF EXISTS "pgphase_ins_add_column_hostile_names" ON "public"."we""ird;
DROP TABLE users; --";

-- step contract.we"ird;\nDROP TABLE users; --.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TRIGGER IF EXISTS "pgphase_upd_add_column_hostile_names" ON "public"."we""ird;
DROP TABLE users; --";

-- step contract.we"ird;\nDROP TABLE users; --.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout)
DROP FUNCTION IF EXISTS "pgphase"."sync_add_column_hostile_names_we""ird;
DROP TABLE users; --"();

-- step contract.we"ird;\nDROP TABLE users; --.Col"umn.not_null_check: drop the helper check (NOT NULL is now set on the column)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."we""ird;
DROP TABLE users; --" DROP CONSTRAINT IF EXISTS "pgphase_nn_we""ird;
DROP TABLE users; --_Col""umn";
