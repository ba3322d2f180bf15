-- pgphase plan for migration column_alter_direct

-- phase expand (nothing to do)

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap

-- step swap.users: in one transaction: the column changes
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" ALTER COLUMN "name" DROP NOT NULL;
ALTER TABLE "public"."users" ALTER COLUMN "name" SET DEFAULT ('anonymous');

-- phase contract (irreversible: runs only with --through contract)

-- step contract.users.name.comment: set the column comment
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout)
COMMENT ON COLUMN "public"."users"."name" IS 'what the user calls themselves';
