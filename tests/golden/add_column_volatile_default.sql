-- pgphase plan for migration add_column_volatile_default
-- note: columns of tables in use change from expand on: a statement a driver prepared before (`SELECT *`) fails with `cached plan must not change result type` until prepared again; --version-schemas gives each application version views of its own shape instead
-- precheck: before expand, pgphase evaluates ((random() * 1000)::int) for token over the existing rows of public.users (read-only) and refuses (exit 2, naming them) any it cannot convert

-- phase expand

-- step expand.users.token: add column token to users
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" ADD COLUMN "token" int;

-- step expand.users.token.default: default for new rows only
-- lock: ACCESS EXCLUSIVE (statement_timeout applies)
ALTER TABLE "public"."users" ALTER COLUMN "token" SET DEFAULT ((random() * 1000)::int);

-- phase sync (nothing to do)

-- phase backfill

-- step backfill.users: fill token for existing rows of users in keyset batches
-- repeated per batch: $1.. = last key done (id), then batch size
WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."users" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."users" SET "token" = COALESCE("token", ((random() * 1000)::int)) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("token" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract) (nothing to do)
