#!/usr/bin/env bash
# What a fleet run buys: one migration (add_column with a backfill, through swap) across
# BENCH_DBS small databases, by `pgphase apply --fleet` at --parallel 1, 2, 4 and 8, against
# the baseline of a shell loop running `pgphase apply` once per database, all in the same run.
# Each run starts from fresh copies of one template database. The server's CPU use during each
# run (its children's CPU time over the wall time, from the postmaster's /proc stat) is printed
# beside it, to show that the server stays under its cores.
# Usage: scripts/bench_fleet.sh
# Environment:
#   BENCH_DBS      databases (default 50)
#   BENCH_ROWS     rows per database (default 1000)
#   BENCH_BINARY   the pgphase to measure (default: a Release build in build-bench/)
#   PGPHASE_JOBS   parallel compile jobs for that build (default 2)
# Starts its own throwaway PostgreSQL (scripts/pg.sh, deleted on exit), prints the result and
# writes it to build-bench/bench-fleet-results.txt. docs/benchmarks.md explains the numbers.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/bench_common.sh
source scripts/bench_common.sh
results="$bench_out_dir/bench-fleet-results.txt"
dbs=${BENCH_DBS:-50}
rows=${BENCH_ROWS:-1000}
[[ "$dbs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_DBS: not a positive integer: $dbs"
[[ "$rows" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROWS: not a positive integer: $rows"
command -v psql >/dev/null 2>&1 || die "psql not found; run scripts/bootstrap.sh"

if [[ -n "${BENCH_BINARY:-}" ]]; then
  pgphase=$BENCH_BINARY
else
  bench_build
fi
bench_server
base=${server_url%/*}
mkdir -p "$bench_out_dir"

psql -qX "$server_url" -v ON_ERROR_STOP=1 -c "CREATE DATABASE fleet_tpl" >/dev/null
psql -qX "$base/fleet_tpl" -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE TABLE orders (id bigint PRIMARY KEY, amount integer NOT NULL, note text);
INSERT INTO orders SELECT g, g % 1000, 'note ' || g FROM generate_series(1, $rows) g;
ANALYZE orders;
SQL
spec="$tmp/0001_orders_total.yaml"
cat >"$spec" <<'YAML'
operations:
  - add_column:
      table: orders
      up: amount * 2
      column: {name: total, type: bigint, nullable: false}
YAML
fleet="$tmp/fleet.yaml"
echo "targets:" >"$fleet"
for i in $(seq 1 "$dbs"); do echo "  - {name: db$i, db: \"$base/fleet_$i\"}" >>"$fleet"; done

fresh_databases() {
  for i in $(seq 1 "$dbs"); do
    echo "DROP DATABASE IF EXISTS fleet_$i; CREATE DATABASE fleet_$i TEMPLATE fleet_tpl;"
  done | psql -qX "$server_url" -v ON_ERROR_STOP=1 >/dev/null
}

# The postmaster's reaped children's CPU time, in clock ticks (utime + stime of backends).
server_ticks() {
  local pid
  pid=$(head -n 1 "$pgdir/data/postmaster.pid")
  awk '{ print $16 + $17 }' "/proc/$pid/stat"
}

# measure LABEL CMD...: wall seconds and the server's mean CPU use (cores) of one run.
measure() {
  local label=$1 t0 t1 c0 c1 secs cores
  shift
  fresh_databases
  c0=$(server_ticks)
  t0=$(now_ns)
  "$@" >"$tmp/out.txt" 2>&1 || {
    cat "$tmp/out.txt" >&2
    die "$label failed"
  }
  t1=$(now_ns)
  sleep 0.2  # let the postmaster reap the last backends
  c1=$(server_ticks)
  secs=$(calc "($t1 - $t0) / 1e9")
  cores=$(calc "($c1 - $c0) / $(getconf CLK_TCK) / $secs")
  printf '%-22s %8.2fs  server CPU %.2f of %d cores\n' "$label" "$secs" "$cores" "$(nproc)"
  eval "wall_${label//[^a-z0-9]/_}=$secs"
}

shell_loop() {
  for i in $(seq 1 "$dbs"); do "$pgphase" apply "$spec" --db "$base/fleet_$i" >/dev/null; done
}

{
  echo "bench_fleet: $dbs databases of $rows rows, add_column through swap, $(bench_revision)"
  measure "shell loop" shell_loop
  for p in 1 2 4 8; do
    measure "fleet parallel $p" "$pgphase" apply "$spec" --fleet "$fleet" --parallel "$p"
  done
  # shellcheck disable=SC2154  # set by measure through eval
  for p in 1 2 4 8; do
    v="wall_fleet_parallel_$p"
    printf 'parallel %d: %.2fx the shell loop'"'"'s speed\n' "$p" "$(calc "$wall_shell_loop / ${!v}")"
  done
} | tee "$results"
