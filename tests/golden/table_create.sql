-- pgphase plan for migration table_create

-- phase expand

-- step expand.create_table.invoices: create table invoices
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies)
CREATE TABLE "public"."invoices" (
  "id" serial NOT NULL,
  "number" varchar(32) NOT NULL UNIQUE,
  "user_id" bigint NOT NULL CONSTRAINT "invoices_user_fk" REFERENCES "public"."users" ("id") MATCH SIMPLE ON DELETE CASCADE ON UPDATE NO ACTION DEFERRABLE INITIALLY DEFERRED,
  "amount" numeric(12,2) DEFAULT (0) NOT NULL CONSTRAINT "amount_not_negative" CHECK (amount >= 0),
  "amount_cents" bigint GENERATED ALWAYS AS ((amount * 100)::bigint) STORED,
  "note" text,
  PRIMARY KEY ("id")
);

-- step expand.create_table.invoices.comment: table comment
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout)
COMMENT ON TABLE "public"."invoices" IS 'one row per invoice';

-- step expand.create_table.invoices.amount.comment: column comment
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout)
COMMENT ON COLUMN "public"."invoices"."amount" IS 'it''s in euros';

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
