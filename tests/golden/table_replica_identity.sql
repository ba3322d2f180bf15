-- pgphase plan for migration table_replica_identity

-- phase expand

-- step expand.set_replica_identity.users: replica identity of users: INDEX users_pkey (was DEFAULT)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" REPLICA IDENTITY USING INDEX "users_pkey";

-- step expand.set_replica_identity.order_lines: replica identity of order_lines: FULL (was DEFAULT)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."order_lines" REPLICA IDENTITY FULL;

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
