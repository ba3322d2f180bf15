-- pgphase plan for migration table_create_then_alter
-- note: alter_column items.name: `up` and `down` are not used: table items is created by this migration, so the column is changed directly in expand, before anyone uses it
-- note: add_column items.description: `up` is not used: table items is created by this migration, so it has no rows to fill

-- phase expand

-- step expand.create_table.items: create table items
-- lock: none (scan_timeout applies; no statement_timeout)
CREATE TABLE "public"."items" (
  "id" serial NOT NULL,
  "name" varchar(255),
  PRIMARY KEY ("id")
);

-- step expand.create_index.items_name_idx: build index items_name_idx on items without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout) (outside a transaction)
CREATE INDEX CONCURRENTLY "items_name_idx" ON "public"."items" USING btree ("name");

-- step expand.items.name.change1: change the column (the table is new: no rows to convert)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."items" ALTER COLUMN "name" TYPE text USING CAST("name" AS text);

-- step expand.items.name.change2: change the column (the table is new: no rows to convert)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."items" ALTER COLUMN "name" SET NOT NULL;

-- step expand.items.name.unique_index: the unique index
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout) (outside a transaction)
CREATE UNIQUE INDEX CONCURRENTLY "items_name_unique" ON "public"."items" ("name");

-- step expand.items.name.unique: attach the index as a unique constraint
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."items" ADD CONSTRAINT "items_name_unique" UNIQUE USING INDEX "items_name_unique";

-- step expand.items.description: add column description to items
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."items" ADD COLUMN "description" text NOT NULL;

-- step expand.rename_table.items: rename table items to goods (created by this migration: nobody uses it yet)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."items" RENAME TO "goods";

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
