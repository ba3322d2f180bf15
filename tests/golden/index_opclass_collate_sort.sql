-- pgphase plan for migration index_opclass_collate_sort

-- phase expand

-- step expand.create_index.users_name_email_idx: build index users_name_email_idx on users without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout) (outside a transaction)
CREATE INDEX CONCURRENTLY "users_name_email_idx" ON "public"."users" USING btree ("name" COLLATE "C" "text_pattern_ops" DESC NULLS LAST, "email" ASC NULLS FIRST);

-- step expand.create_index.users_email_trgm_idx: build index users_email_trgm_idx on users without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout) (outside a transaction)
CREATE INDEX CONCURRENTLY "users_email_trgm_idx" ON "public"."users" USING gist ("email" "gist_trgm_ops" (siglen = 32));

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
