-- pgphase plan for migration table_sql: the statements apply runs, for psql -v ON_ERROR_STOP=1
-- lock_timeout 1s, statement_timeout 1m, scan_timeout 0ms (0ms: no limit); apply also retries a lock timeout and records each step in schema pgphase
-- note: version_schema 'v2' names this migration's version schema only when version schemas are on (settings.version_schemas, or --version-schemas): without them both application versions use the tables themselves
-- note: lint: table_sql.yaml:7:11: error create-index-not-concurrently: sql.up: CREATE INDEX without CONCURRENTLY blocks writes to the table while it builds; safe: create_index (CREATE INDEX CONCURRENTLY, outside a transaction) (accepted: unsafe_ok)
-- note: sql at table_sql.yaml:6:5 has no `down`: reverse drops the objects it creates
-- note: sql at table_sql.yaml:9:5 has no `down`: reversing expand cannot undo it
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '0ms';
CREATE SCHEMA IF NOT EXISTS "pgphase";
COMMIT;

-- phase expand

-- step expand.sql.3.5: the migration's own SQL (reverse runs its `down`)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, untracked_sql
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE TYPE mood AS ENUM ('happy', 'sad'); CREATE TABLE diary (id int PRIMARY KEY, mood mood);
COMMIT;

-- step expand.sql.6.5: the migration's own SQL (no `down`: reverse drops what it creates)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, untracked_sql
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
CREATE INDEX users_name_idx ON users (name);
COMMIT;

-- step expand.sql.9.5: the migration's own SQL (no `down`: reverse cannot undo it)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, untracked_sql
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
UPDATE users SET name = trim(name);
COMMIT;

-- phase sync (nothing to do)

-- phase backfill (nothing to do)

-- phase validate (nothing to do)

-- phase swap (nothing to do)

-- phase contract (irreversible: runs only with --through contract)

-- step contract.sql.11.5: the migration's own SQL (onComplete: at contract)
-- lock: ACCESS EXCLUSIVE (statement_timeout applies); scans: no; rewrites: no; rows: none read; hazards: access_exclusive_lock, untracked_sql
BEGIN;
SET LOCAL lock_timeout = '1000ms';
SET LOCAL statement_timeout = '60000ms';
ALTER TABLE users DROP COLUMN email;
COMMIT;
