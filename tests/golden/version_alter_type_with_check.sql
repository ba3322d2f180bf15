-- pgphase plan for migration version_alter_type_with_check: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- precheck: before expand, pgphase evaluates (upper(sku)) for sku over the existing rows of public.products (read-only) and refuses (exit 2, naming them) any it cannot convert
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.products.sku.dependents: refuse if an index, constraint, view or other object depends on the column
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."products"'::regclass AND attname = 'sku' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."products"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."products"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."products"'::regclass AND tgname IN (NULL)))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'))
     AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN (SELECT indexrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = '"public"."products"'::regclass AND c.relname IN ('sku_length')))
     AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_constraint WHERE conrelid = '"public"."products"'::regclass AND conname IN ('sku_length')));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'sku', '"public"."products"'::regclass, deps);
  END IF;
END
$pgphase$;
COMMIT;

-- step expand.products.sku.shadow: add shadow column _pgphase_new_sku (varchar(50))
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."products" ADD COLUMN IF NOT EXISTS "_pgphase_new_sku" varchar(50);
COMMIT;

-- step expand.products.sku.comment: carry the comment over
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  c text := pg_catalog.col_description('"public"."products"'::regclass, (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."products"'::regclass AND attname = 'sku' AND NOT attisdropped));
BEGIN
  IF c IS NOT NULL THEN
    EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', '"public"."products"'::regclass, '_pgphase_new_sku', c);
  END IF;
END
$pgphase$;
COMMIT;

-- phase sync

-- step sync.products.function: create the dual-write function for products
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE OR REPLACE FUNCTION "pgphase"."sync_version_alter_type_with_check_products"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "sku" "public"."products"."sku"%TYPE := NEW."sku";
BEGIN
    BEGIN
      NEW."_pgphase_new_sku" := (upper(sku));
    EXCEPTION WHEN OTHERS THEN
      PERFORM pgphase.record_sync_error('version_alter_type_with_check', 'public.products', '_pgphase_new_sku', ARRAY[NEW."id"::text], SQLSTATE, SQLERRM);
    END;
  RETURN NEW;
END
$pgphase$;
COMMIT;

-- step sync.products.insert_trigger: fill new columns on INSERT into products
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_ins_version_alter_type_with_check" BEFORE INSERT ON "public"."products" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_version_alter_type_with_check_products"();
COMMIT;

-- step sync.products.update_trigger: keep new columns in step on UPDATE of products
-- lock: SHARE ROW EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: share_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TRIGGER "pgphase_upd_version_alter_type_with_check" BEFORE UPDATE OF "sku" ON "public"."products" FOR EACH ROW WHEN (((NEW."sku" IS DISTINCT FROM OLD."sku"))) EXECUTE FUNCTION "pgphase"."sync_version_alter_type_with_check_products"();
COMMIT;

-- phase backfill

-- step backfill.products: fill _pgphase_new_sku for existing rows of products in keyset batches
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 0; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."products" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."products" SET "_pgphase_new_sku" = COALESCE("_pgphase_new_sku", (upper(sku))) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_sku" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."products" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."products" SET "_pgphase_new_sku" = COALESCE("_pgphase_new_sku", (upper(sku))) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_sku" IS NULL)) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- phase validate

-- step validate.conversions.products: refuse while rows of products whose new values the sync trigger could not compute remain unfixed
-- (no SQL here) pgphase re-evaluates the rows of public.products the sync trigger recorded as not convertible (_pgphase_new_sku) and refuses (exit 2) while any still fails

-- step validate.products.verify: verify _pgphase_new_sku = up(row) on every row of products in keyset batches, repairing the rows that differ
-- lock: ROW EXCLUSIVE (statement_timeout applies); scans: yes; rewrites: no; rows: about 0; hazards: full_scan
-- apply repeats this batch, each in a transaction of its own, one batch of rows at a time, keyset order (id), with $1.. = last key done (id), then batch size, sizing the batches to target_batch_time and checkpointing after each, until a batch returns 0 rows: the batches after the first run
--   WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."products" WHERE ("id") > ($1::bigint) ORDER BY "id" LIMIT $2::bigint) batch), done AS (UPDATE "public"."products" SET "_pgphase_new_sku" = (upper(sku)) WHERE ("id") > ($1::bigint) AND ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_sku" IS DISTINCT FROM CAST((upper(sku)) AS varchar(50))) RETURNING "id" AS k1, NOT ("_pgphase_new_sku" IS DISTINCT FROM CAST((upper(sku)) AS varchar(50))) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done WHERE NOT ok ORDER BY k1 LIMIT 10) s)
-- here, the first batch (50000 rows):
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
SET LOCAL pgphase.filling = on;
SET LOCAL synchronous_commit = off;
PREPARE pgphase_batch AS WITH bound (n, k1) AS (SELECT count(*), max("id") FROM (SELECT "id" FROM "public"."products" ORDER BY "id" LIMIT $1::bigint) batch), done AS (UPDATE "public"."products" SET "_pgphase_new_sku" = (upper(sku)) WHERE ("id") <= (SELECT bound.k1 FROM bound) AND ("_pgphase_new_sku" IS DISTINCT FROM CAST((upper(sku)) AS varchar(50))) RETURNING "id" AS k1, NOT ("_pgphase_new_sku" IS DISTINCT FROM CAST((upper(sku)) AS varchar(50))) AS ok) SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound), (SELECT count(*) FROM done), (SELECT count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), (SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM done WHERE NOT ok ORDER BY k1 LIMIT 10) s);
EXECUTE pgphase_batch(50000);
DEALLOCATE pgphase_batch;
COMMIT;

-- step validate.products.sku.check.sku_length.add: check constraint sku_length on the new column as _pgphase_new_sku_length, not yet validated
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."products" ADD CONSTRAINT "_pgphase_new_sku_length" CHECK (((length("_pgphase_new_sku") > 3))) NOT VALID;
COMMIT;

-- step validate.products.sku.check.sku_length.validate: validate _pgphase_new_sku_length without blocking writes
-- lock: SHARE UPDATE EXCLUSIVE (scan_timeout applies; no statement_timeout); scans: yes; rewrites: no; rows: about 0; hazards: full_scan
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
ALTER TABLE "public"."products" VALIDATE CONSTRAINT "_pgphase_new_sku_length";
COMMIT;

-- phase swap

-- step swap.conversions.products: refuse while rows of products whose new values the sync trigger could not compute remain unfixed
-- (no SQL here) pgphase re-evaluates the rows of public.products the sync trigger recorded as not convertible (_pgphase_new_sku) and refuses (exit 2) while any still fails

-- step swap.products: in one transaction: rename sku -> _pgphase_old_sku, _pgphase_new_sku -> sku; the column changes; point the sync trigger at the new names
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DO $pgphase$
DECLARE
  col smallint := (SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = '"public"."products"'::regclass AND attname = 'sku' AND NOT attisdropped);
  deps text;
BEGIN
  SELECT string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ' ORDER BY 1) INTO deps
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = '"public"."products"'::regclass AND d.refobjsubid = col
     AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_attrdef WHERE adrelid = '"public"."products"'::regclass AND adnum = col))
     AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = '"public"."products"'::regclass AND tgname IN ('pgphase_ins_version_alter_type_with_check', 'pgphase_upd_version_alter_type_with_check')))
     AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE 'pgphase version schema of %'))
     AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN (SELECT indexrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = '"public"."products"'::regclass AND c.relname IN ('sku_length')))
     AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_catalog.pg_constraint WHERE conrelid = '"public"."products"'::regclass AND conname IN ('sku_length')));
  IF deps IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = pg_catalog.format('column %s of %s cannot be swapped: %s depend(s) on it and would stay on the old column (drop or recreate them in a separate migration)', 'sku', '"public"."products"'::regclass, deps);
  END IF;
END
$pgphase$;
DROP TRIGGER IF EXISTS "pgphase_ins_version_alter_type_with_check" ON "public"."products";
DROP TRIGGER IF EXISTS "pgphase_upd_version_alter_type_with_check" ON "public"."products";
ALTER TABLE "public"."products" RENAME COLUMN "sku" TO "_pgphase_old_sku";
ALTER TABLE "public"."products" RENAME COLUMN "_pgphase_new_sku" TO "sku";
ALTER TABLE "public"."products" RENAME CONSTRAINT "sku_length" TO "_pgphase_old_sku_length";
ALTER TABLE "public"."products" RENAME CONSTRAINT "_pgphase_new_sku_length" TO "sku_length";
CREATE OR REPLACE FUNCTION "pgphase"."sync_version_alter_type_with_check_products"() RETURNS trigger LANGUAGE plpgsql AS $pgphase$
#variable_conflict use_variable
DECLARE
  "_pgphase_old_sku" "public"."products"."_pgphase_old_sku"%TYPE := NEW."_pgphase_old_sku";
  "sku" "public"."products"."sku"%TYPE := NEW."sku";
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."sku" IS NULL THEN
      BEGIN
        NEW."sku" := (upper("_pgphase_old_sku"));
      EXCEPTION WHEN OTHERS THEN
        PERFORM pgphase.record_sync_error('version_alter_type_with_check', 'public.products', 'sku', ARRAY[NEW."id"::text], SQLSTATE, SQLERRM);
      END;
      "sku" := NEW."sku";
    ELSE
      NEW."_pgphase_old_sku" := (lower(sku));
      "_pgphase_old_sku" := NEW."_pgphase_old_sku";
    END IF;
  ELSE
    IF ((NEW."_pgphase_old_sku" IS NOT DISTINCT FROM OLD."_pgphase_old_sku" AND (NEW."sku" IS DISTINCT FROM OLD."sku"))) AND pg_catalog.current_setting('pgphase.filling', true) IS DISTINCT FROM 'on' THEN
      NEW."_pgphase_old_sku" := (lower(sku));
      "_pgphase_old_sku" := NEW."_pgphase_old_sku";
    ELSIF (NEW."sku" IS NOT DISTINCT FROM OLD."sku" AND (NEW."_pgphase_old_sku" IS DISTINCT FROM OLD."_pgphase_old_sku")) THEN
      BEGIN
        NEW."sku" := (upper("_pgphase_old_sku"));
      EXCEPTION WHEN OTHERS THEN
        PERFORM pgphase.record_sync_error('version_alter_type_with_check', 'public.products', 'sku', ARRAY[NEW."id"::text], SQLSTATE, SQLERRM);
      END;
      "sku" := NEW."sku";
    END IF;
  END IF;
  RETURN NEW;
END
$pgphase$;
CREATE TRIGGER "pgphase_ins_version_alter_type_with_check" BEFORE INSERT ON "public"."products" FOR EACH ROW EXECUTE FUNCTION "pgphase"."sync_version_alter_type_with_check_products"();
CREATE TRIGGER "pgphase_upd_version_alter_type_with_check" BEFORE UPDATE OF "_pgphase_old_sku", "sku" ON "public"."products" FOR EACH ROW WHEN (((NEW."sku" IS NOT DISTINCT FROM OLD."sku" AND (NEW."_pgphase_old_sku" IS DISTINCT FROM OLD."_pgphase_old_sku"))) OR ((NEW."_pgphase_old_sku" IS NOT DISTINCT FROM OLD."_pgphase_old_sku" AND (NEW."sku" IS DISTINCT FROM OLD."sku")))) EXECUTE FUNCTION "pgphase"."sync_version_alter_type_with_check_products"();
COMMIT;

-- step swap.version_schema: create version schema public_version_alter_type_with_check: one view per table of public in this migration's shape, for the new application (search_path=public_version_alter_type_with_check)
-- lock: ACCESS SHARE (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "public_version_alter_type_with_check";
COMMENT ON SCHEMA "public_version_alter_type_with_check" IS 'pgphase version schema of public, migration version_alter_type_with_check';
DO $pgphase$
DECLARE
  t record;
  cols text;
BEGIN
  FOR t IN SELECT c.oid, c.relname, coalesce(n.shown, c.relname) AS shown
             FROM pg_catalog.pg_class c
             LEFT JOIN ROWS FROM (pg_catalog.unnest(ARRAY[]::text[]), pg_catalog.unnest(ARRAY[]::text[])) AS n (physical, shown) ON n.physical = c.relname
            WHERE c.relnamespace = '"public"'::regnamespace AND c.relkind IN ('r', 'p')
              AND NOT c.relispartition AND c.relname NOT LIKE '\_pgphase%'
              AND c.relname <> ALL (ARRAY[]::text[])
            ORDER BY c.relname LOOP
    SELECT string_agg(CASE WHEN m.shown IS NULL OR m.shown = a.attname
                           THEN pg_catalog.quote_ident(a.attname)
                           ELSE pg_catalog.quote_ident(a.attname) || ' AS ' || pg_catalog.quote_ident(m.shown) END, ', ' ORDER BY coalesce((SELECT r.attnum FROM pg_catalog.pg_attribute r WHERE r.attrelid = t.oid AND r.attname = m.replaces), a.attnum)) INTO cols
      FROM pg_catalog.pg_attribute a
      LEFT JOIN ROWS FROM (pg_catalog.unnest(ARRAY['products']::text[]), pg_catalog.unnest(ARRAY['sku']::text[]), pg_catalog.unnest(ARRAY['sku']::text[]), pg_catalog.unnest(ARRAY['']::text[])) AS m (tbl, phys, shown, replaces)
        ON m.tbl = t.relname AND m.phys = a.attname
     WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
       AND (m.shown IS NOT NULL OR (a.attname NOT LIKE '\_pgphase\_%' AND NOT EXISTS (
            SELECT 1 FROM ROWS FROM (pg_catalog.unnest(ARRAY[]::text[]), pg_catalog.unnest(ARRAY[]::text[])) AS h (tbl, col)
             WHERE h.tbl = t.relname AND h.col = a.attname)));
    EXECUTE pg_catalog.format('CREATE OR REPLACE VIEW %I.%I WITH (security_invoker = true) AS SELECT %s FROM %I.%I', 'public_version_alter_type_with_check', t.shown, coalesce(cols, ''), 'public', t.relname);
  END LOOP;
END
$pgphase$;
ALTER VIEW "public_version_alter_type_with_check"."products" ALTER COLUMN "sku" SET DEFAULT ('none');
DO $pgphase$
DECLARE
  g record;
BEGIN
  FOR g IN
    SELECT DISTINCT v.oid::regclass AS view, a.privilege_type AS privilege,
           CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END AS grantee,
           a.is_grantable
      FROM pg_catalog.pg_class v
      JOIN pg_catalog.pg_rewrite r ON r.ev_class = v.oid
      JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid <> v.oid
      JOIN pg_catalog.pg_class t ON t.oid = d.refobjid AND t.relkind IN ('r', 'p')
      CROSS JOIN LATERAL pg_catalog.aclexplode(coalesce(t.relacl, pg_catalog.acldefault('r', t.relowner))) a
     WHERE v.relnamespace = '"public_version_alter_type_with_check"'::regnamespace AND v.relkind = 'v'
     ORDER BY 1, 2, 3
  LOOP
    EXECUTE pg_catalog.format('GRANT %s ON %s TO %s%s', g.privilege, g.view, g.grantee,
      CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO %s', 'public_version_alter_type_with_check', g.grantee);
  END LOOP;
END
$pgphase$;
INSERT INTO pgphase.version_schemas (name, of_schema, migration) VALUES ('public_version_alter_type_with_check', 'public', 'version_alter_type_with_check') ON CONFLICT (name) DO NOTHING;
COMMIT;

-- phase contract (irreversible: runs only with --through contract)

-- step contract.version_schema.unused: refuse while sessions still use the previous version schema public_v0
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DO $pgphase$
DECLARE
  s oid := pg_catalog.to_regnamespace('"public_v0"');
  sessions text;
  settings text;
  msg text;
BEGIN
  IF s IS NULL THEN
    RETURN;
  END IF;
  FOR i IN 1..5 LOOP
    SELECT string_agg(DISTINCT pg_catalog.format('pid %s (user %s, application %L, client %s)', a.pid, a.usename, a.application_name, coalesce(a.client_addr::text, 'local')), '; ') INTO sessions
      FROM pg_catalog.pg_locks l
      JOIN pg_catalog.pg_class c ON c.oid = l.relation
      JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
     WHERE c.relnamespace = s AND l.pid <> pg_catalog.pg_backend_pid();
    EXIT WHEN sessions IS NOT NULL OR i = 5;
    PERFORM pg_catalog.pg_sleep(0.1);
  END LOOP;
  SELECT string_agg(pg_catalog.format('%s in %s', CASE WHEN r.setrole = 0 THEN 'every role' ELSE 'role ' || pg_catalog.pg_get_userbyid(r.setrole) END, CASE WHEN r.setdatabase = 0 THEN 'every database' ELSE 'database ' || (SELECT datname FROM pg_catalog.pg_database WHERE oid = r.setdatabase) END), '; ' ORDER BY 1) INTO settings
    FROM pg_catalog.pg_db_role_setting r
   WHERE r.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()))
     AND EXISTS (SELECT 1 FROM pg_catalog.unnest(r.setconfig) c WHERE c LIKE 'search_path=%' AND pg_catalog.strpos(c, 'public_v0') > 0);
  IF sessions IS NULL AND settings IS NULL THEN
    RETURN;
  END IF;
  msg := pg_catalog.format('version schema %s is still in use:%s%s', 'public_v0',
    CASE WHEN sessions IS NULL THEN '' ELSE ' sessions using its views: ' || sessions END,
    CASE WHEN settings IS NULL THEN '' ELSE ' search_path configured for: ' || settings END);
  IF coalesce(pg_catalog.current_setting('pgphase.ignore_version_sessions', true), '') = 'on' THEN
    RAISE WARNING '%', msg;
  ELSE
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = msg || '; point them at the newer version schema first, or contract with --ignore-version-sessions';
  END IF;
END
$pgphase$;
COMMIT;

-- step contract.version_schema.drop: drop the previous version schema public_v0
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP SCHEMA IF EXISTS "public_v0" CASCADE;
DELETE FROM pgphase.version_schemas WHERE name = 'public_v0';
COMMIT;

-- step contract.products.insert_trigger: drop the INSERT sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_ins_version_alter_type_with_check" ON "public"."products";
COMMIT;

-- step contract.products.update_trigger: drop the UPDATE sync trigger
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
DROP TRIGGER IF EXISTS "pgphase_upd_version_alter_type_with_check" ON "public"."products";
COMMIT;

-- step contract.products.function: drop the dual-write function
-- lock: none (scan_timeout applies; no statement_timeout); scans: no; rewrites: no; rows: none read; hazards: none
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
DROP FUNCTION IF EXISTS "pgphase"."sync_version_alter_type_with_check_products"();
COMMIT;

-- step contract.products.sku.default: default of sku, now that the old column is going
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."products" ALTER COLUMN "sku" SET DEFAULT ('none');
COMMIT;

-- step contract.products.sku.old_column: drop the old column _pgphase_old_sku
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, deletes_data, breaks_old_app
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE "public"."products" DROP COLUMN IF EXISTS "_pgphase_old_sku";
COMMIT;
