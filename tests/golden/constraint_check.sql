-- pgphase plan for migration constraint_check

-- phase expand

-- step expand.create_constraint.users.users_email_at: check constraint users_email_at, not yet validated
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" ADD CONSTRAINT "users_email_at" CHECK ((email LIKE '%@%')) NO INHERIT NOT VALID;

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate

-- step validate.create_constraint.users.users_email_at: validate check constraint users_email_at
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout)
ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_email_at";

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
