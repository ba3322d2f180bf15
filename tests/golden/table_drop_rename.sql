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

-- step swap.rename_table.users: rename table users to customers; a view keeps the old name working
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP VIEW IF EXISTS "public"."customers";
ALTER TABLE "public"."users" RENAME TO "customers";
CREATE VIEW "public"."users" AS SELECT * FROM "public"."customers";

-- phase contract (irreversible: runs only with --through contract)

-- step contract.rename_table.users.view: drop the view users that kept the old name working
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP VIEW IF EXISTS "public"."users";

-- step contract.drop_table.logs: drop table logs
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
DROP TABLE IF EXISTS "public"."logs";
