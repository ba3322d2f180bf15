-- pgphase plan for migration index_hash_fillfactor

-- phase expand

-- step expand.create_index.users_email_hash_idx: build index users_email_hash_idx on users without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout) (outside a transaction)
CREATE INDEX CONCURRENTLY "users_email_hash_idx" ON "public"."users" USING hash ("email") WITH (fillfactor = 70);

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
