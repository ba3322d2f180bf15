-- scripts/bench.sh: the table under test and its identical copy for the baseline.
-- psql variable :rows is the row count.
-- Autovacuum is off on every benchmark table so that it cannot start in the middle of
-- one side's measurement (both sides would be affected differently); the script runs
-- VACUUM itself where it matters. The primary key is added after loading, on both
-- tables, so both indexes are built the same way.
\set ON_ERROR_STOP on
DROP TABLE IF EXISTS t, t_base, t_min, t_none;
CREATE TABLE t (id bigint NOT NULL, name text NOT NULL, n int NOT NULL)
  WITH (autovacuum_enabled = off);
INSERT INTO t SELECT g, 'name ' || g, (g % 1000)::int FROM generate_series(1, :rows) AS g;
ALTER TABLE t ADD PRIMARY KEY (id);
CREATE TABLE t_base WITH (autovacuum_enabled = off) AS SELECT * FROM t;
ALTER TABLE t_base ADD PRIMARY KEY (id);
ALTER TABLE t_base ALTER COLUMN name SET NOT NULL, ALTER COLUMN n SET NOT NULL;
VACUUM ANALYZE t;
VACUUM ANALYZE t_base;
