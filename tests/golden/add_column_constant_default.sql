-- pgphase plan for migration add_column_constant_default
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead

-- phase expand

-- step expand.users.stock: add column stock to users
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" ADD COLUMN "stock" int DEFAULT (100) NOT NULL;

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
