#!/usr/bin/env bash
# What a version schema's view costs an application (issue 16): point SELECTs and point
# UPDATEs by primary key through the view pgphase makes, against the same statements on the
# table itself, with pgbench (prepared statements, one client), alternating sides.
# Usage: scripts/bench_views.sh
# Environment:
#   BENCH_ROWS     table size (default 1000000)
#   BENCH_RUNS     runs per side and statement, medians taken (default 5)
#   BENCH_SECONDS  length of one run (default 10)
#   PGPHASE_JOBS   parallel compile jobs (default 2)
# Builds a Release binary in build-bench/, starts its own throwaway PostgreSQL (scripts/pg.sh,
# deleted on exit), prints the result and writes it to build-bench/bench-views-results.txt.
# docs/benchmarks.md explains the numbers.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/bench_common.sh
source scripts/bench_common.sh
results="$bench_out_dir/bench-views-results.txt"
rows=${BENCH_ROWS:-1000000}
runs=${BENCH_RUNS:-5}
seconds=${BENCH_SECONDS:-10}
[[ "$rows" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROWS: not a positive integer: $rows"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS: not a positive integer: $runs"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS: not a positive integer: $seconds"

bench_pgbench

bench_build
bench_server
db="${server_url%/*}/bench_views"
load_at_start=$(cut -d ' ' -f 1-3 /proc/loadavg)
revision=$(bench_revision)

psql -X -q -v ON_ERROR_STOP=1 -d "$server_url" -c "DROP DATABASE IF EXISTS bench_views" \
  -c "CREATE DATABASE bench_views"
say "[$rows rows] creating orders and its version schema (pgphase baseline)"
sql -v rows="$rows" <<'SQL'
CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric NOT NULL, note text, qty int NOT NULL)
  WITH (autovacuum_enabled = off);
INSERT INTO orders SELECT g, g * 1.5, 'note ' || g, g % 7 FROM generate_series(1, :rows) g;
VACUUM ANALYZE orders;
SQL
"$pgphase" baseline v0 --db "$db" >/dev/null
# shellcheck disable=SC2016  # pgbench variables
for schema in public public_v0; do
  printf '\\set id random(1, %s)\nSELECT * FROM %s.orders WHERE id = :id;\n' "$rows" "$schema" \
    >"$tmp/select_$schema.sql"
  printf '\\set id random(1, %s)\nUPDATE %s.orders SET qty = qty + 1 WHERE id = :id;\n' "$rows" \
    "$schema" >"$tmp/update_$schema.sql"
done

# tps SCRIPT: transactions per second of one pgbench run.
tps() {
  "$pgbench_bin" -n -M prepared -c 1 -T "$seconds" -f "$1" "$db" 2>/dev/null |
    sed -n 's/^tps = \([0-9.]*\).*/\1/p'
}

declare -A tps_runs=()
for ((run = 1; run <= runs; run++)); do
  for statement in select update; do
    order=(public public_v0)
    if ((run % 2 == 0)); then order=(public_v0 public); fi
    for side in "${order[@]}"; do
      settle
      t=$(tps "$tmp/${statement}_$side.sql")
      [[ -n "$t" ]] || die "pgbench gave no tps for $statement on $side"
      tps_runs[$statement.$side]+="${tps_runs[$statement.$side]:+ }$t"
    done
  done
  say "  run $run/$runs (tps, table / view): select ${tps_runs[select.public]##* } /" \
    "${tps_runs[select.public_v0]##* }, update ${tps_runs[update.public]##* } /" \
    "${tps_runs[update.public_v0]##* }"
done
psql -X -q -d "$server_url" -c "DROP DATABASE bench_views"

{
  echo "pgphase version-schema views (issue 16), $(date -u '+%Y-%m-%d %H:%M UTC'), $rows rows," \
    "$(nproc) cores, load average at start $load_at_start, at end $(cut -d ' ' -f 1-3 /proc/loadavg)," \
    "commit $revision"
  echo "pgbench -M prepared -c 1 -T $seconds, $runs runs per side, alternating; ratio = view tps / table tps (target >= 0.95)"
  for statement in select update; do
    # shellcheck disable=SC2086  # lists of numbers
    table_tps=$(median ${tps_runs[$statement.public]})
    # shellcheck disable=SC2086
    view_tps=$(median ${tps_runs[$statement.public_v0]})
    # shellcheck disable=SC2086
    echo "point $statement: ratio $(fmt_num "$(calc "$view_tps / $table_tps")" 3);" \
      "table $(fmt_num "$table_tps") tps (runs: $(fmt_list ${tps_runs[$statement.public]}))," \
      "view $(fmt_num "$view_tps") tps (runs: $(fmt_list ${tps_runs[$statement.public_v0]}))"
  done
} >"$results"
cat "$results"
