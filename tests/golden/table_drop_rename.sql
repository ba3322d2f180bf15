-- pgphase plan for migration table_drop_rename
-- note: drop_table logs: the table stays in place, untouched, until contract, so the old application keeps working; contract drops it

-- phase expand

-- step expand.rename_table.users.view: view customers over table users, so the new name reads and writes the table
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout)
CREATE VIEW "public"."customers" AS SELECT * FROM "public"."users";

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap

-- step swap.users: in one transaction: the view customers over the columns from now on
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP VIEW IF EXISTS "public"."customers";
CREATE VIEW "public"."customers" AS SELECT "id", "name", "email" FROM "public"."users";

-- phase contract (irreversible: runs only with --through contract)

-- step contract.drop_table.logs: drop table logs
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TABLE IF EXISTS "public"."logs";

-- step contract.rename_table.users: in one transaction: drop the view customers and rename table users to customers
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP VIEW IF EXISTS "public"."customers";
ALTER TABLE "public"."users" RENAME TO "customers";
