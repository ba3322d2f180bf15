-- pgphase plan for migration constraint_primary_key

-- phase expand (nothing to do)

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate

-- step validate.create_constraint.logs.logs_pkey.msg.not_null_helper: enforce NOT NULL on new writes to logs.msg (not yet validated)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."logs" ADD CONSTRAINT "pgphase_nn_logs_msg" CHECK ("msg" IS NOT NULL) NOT VALID;

-- step validate.create_constraint.logs.logs_pkey.msg.not_null_check: prove no row is NULL, without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout)
ALTER TABLE "public"."logs" VALIDATE CONSTRAINT "pgphase_nn_logs_msg";

-- step validate.create_constraint.logs.logs_pkey.msg.set_not_null: SET NOT NULL (no scan: the validated check proves it)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."logs" ALTER COLUMN "msg" SET NOT NULL;

-- step validate.create_constraint.logs.logs_pkey.index: build the unique index for logs_pkey without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout) (outside a transaction)
CREATE UNIQUE INDEX CONCURRENTLY "logs_pkey" ON "public"."logs" USING btree ("msg");

-- phase swap

-- step swap.create_constraint.logs.logs_pkey: make the index the primary key
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."logs" ADD CONSTRAINT "logs_pkey" PRIMARY KEY USING INDEX "logs_pkey";

-- phase contract (irreversible: runs only with --through contract)

-- step contract.logs.msg.not_null_check: drop the helper check (NOT NULL is now set on the column)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."logs" DROP CONSTRAINT IF EXISTS "pgphase_nn_logs_msg";
