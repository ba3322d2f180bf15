-- pgphase plan for migration index_partial_unique

-- phase expand

-- step expand.create_index.users_email_key: build index users_email_key on users without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout) (outside a transaction)
CREATE UNIQUE INDEX CONCURRENTLY "users_email_key" ON "public"."users" USING btree ("email") WHERE (email IS NOT NULL AND id > 10);

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
