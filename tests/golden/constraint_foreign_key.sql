-- pgphase plan for migration constraint_foreign_key

-- phase expand

-- step expand.create_constraint.order_lines.order_lines_user_fk: foreign key order_lines_user_fk, not yet validated
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."order_lines" ADD CONSTRAINT "order_lines_user_fk" FOREIGN KEY ("id") REFERENCES "public"."users" ("id") MATCH FULL ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED NOT VALID;

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate

-- step validate.create_constraint.order_lines.order_lines_user_fk: validate foreign key order_lines_user_fk
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout)
ALTER TABLE "public"."order_lines" VALIDATE CONSTRAINT "order_lines_user_fk";

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
