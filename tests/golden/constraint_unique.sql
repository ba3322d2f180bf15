-- pgphase plan for migration constraint_unique

-- phase expand (nothing to do)

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate

-- step validate.create_constraint.users.users_name_email_key.index: build the unique index for users_name_email_key without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout) (outside a transaction)
CREATE UNIQUE INDEX CONCURRENTLY "users_name_email_key" ON "public"."users" USING btree ("name", "email") INCLUDE ("id") NULLS NOT DISTINCT WITH (fillfactor = 90);

-- phase swap

-- step swap.create_constraint.users.users_name_email_key: attach the index as a unique constraint
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" ADD CONSTRAINT "users_name_email_key" UNIQUE USING INDEX "users_name_email_key" DEFERRABLE;

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
