-- pgphase plan for migration constraint_check_up
-- note: create_constraint order_lines_note_or_tenant: `up` is applied once, in backfill, to the existing rows of order_lines that violate the check; from expand on, writes that violate it are rejected

-- phase expand

-- step expand.create_constraint.order_lines.order_lines_note_or_tenant: check constraint order_lines_note_or_tenant, not yet validated
-- lock: ACCESS EXCLUSIVE
ALTER TABLE "public"."order_lines" ADD CONSTRAINT "order_lines_note_or_tenant" CHECK ((note <> '' OR tenant > 0)) NOT VALID;

-- phase sync (nothing to do)

-- phase backfill

-- step backfill.create_constraint.order_lines.order_lines_note_or_tenant.fix_rows: apply up to the existing rows the check rejects
-- lock: ROW EXCLUSIVE
UPDATE "public"."order_lines" SET "note" = (SELECT CASE WHEN note = '' THEN 'n/a' ELSE note END) WHERE NOT ((note <> '' OR tenant > 0));

-- phase validate

-- step validate.create_constraint.order_lines.order_lines_note_or_tenant: validate check constraint order_lines_note_or_tenant
-- lock: SHARE UPDATE EXCLUSIVE
ALTER TABLE "public"."order_lines" VALIDATE CONSTRAINT "order_lines_note_or_tenant";

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
