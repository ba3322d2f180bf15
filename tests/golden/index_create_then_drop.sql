-- pgphase plan for migration index_create_then_drop

-- phase expand

-- step expand.create_index.order_lines_note_idx: build index order_lines_note_idx on order_lines without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout) (outside a transaction)
CREATE INDEX CONCURRENTLY "order_lines_note_idx" ON "public"."order_lines" USING btree ("note");

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract)

-- step contract.drop_index.order_lines_note_idx: drop index order_lines_note_idx of order_lines without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout) (outside a transaction)
DROP INDEX CONCURRENTLY IF EXISTS "public"."order_lines_note_idx";
