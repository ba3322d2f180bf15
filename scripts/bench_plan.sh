#!/usr/bin/env bash
# How long `plan` takes on a large migration (issue 13, "Scale"): BENCH_OPS operations over as
# many tables (add_column with up, alter_column type change, create_index, rename_column, in
# turn), planned against a live database in each output format, BENCH_RUNS times each.
# Target: under one second for 200 operations over 200 tables. Reports the median wall time
# and the peak RSS.
# Usage: scripts/bench_plan.sh
# Environment:
#   BENCH_OPS   operations, one table each (default 200)
#   BENCH_RUNS  runs per format (default 5)
#   PGPHASE_JOBS  parallel compile jobs (default 2)
# Builds a Release binary in build-bench/, starts its own throwaway PostgreSQL (scripts/pg.sh,
# deleted on exit), prints the result and writes it to build-bench/bench-plan-results.txt.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/bench_common.sh
source scripts/bench_common.sh
results="$bench_out_dir/bench-plan-results.txt"
ops=${BENCH_OPS:-200}
runs=${BENCH_RUNS:-5}
for v in "$ops" "$runs"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "BENCH_OPS, BENCH_RUNS: not a positive integer: $v"
done

[[ -x /usr/bin/time ]] || die "needs /usr/bin/time for the peak RSS: apt-get install time"
bench_build
bench_server
db="${server_url%/*}/bench_plan"
psql -X -q -v ON_ERROR_STOP=1 -d "$server_url" -c "CREATE DATABASE bench_plan"
for ((i = 0; i < ops; i++)); do
  echo "CREATE TABLE t$i (id bigint PRIMARY KEY, name text NOT NULL, amount int, note text);"
done | sql
{
  echo "operations:"
  for ((i = 0; i < ops; i++)); do
    case $((i % 4)) in
      0) echo "  - add_column: {table: t$i, up: \"upper(name)\", column: {name: shout, type: text}}" ;;
      1) echo "  - alter_column: {table: t$i, column: amount, type: bigint}" ;;
      2) echo "  - create_index: {table: t$i, name: t${i}_name_idx, columns: [name]}" ;;
      3) echo "  - rename_column: {table: t$i, from: note, to: remark}" ;;
    esac
  done
} >"$tmp/0001_many.yaml"

lines=()
for format in text sql json; do
  times=() peak=0
  for ((r = 0; r < runs; r++)); do
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$pgphase" plan "$tmp/0001_many.yaml" --db "$db" \
      --format "$format" >/dev/null
    read -r secs kb <"$tmp/time"
    times+=("$secs")
    ((kb > peak)) && peak=$kb
  done
  lines+=("plan --format $format: median $(median "${times[@]}") s over $runs runs (all: ${times[*]}), peak RSS $((peak / 1024)) MB")
  say "  ${lines[-1]}"
done

{
  echo "plan of $ops operations over $ops tables (issue 13), $(date -u '+%Y-%m-%d %H:%M UTC')," \
    "$(nproc) cores, commit $(bench_revision)"
  printf '%s\n' "${lines[@]}"
} >"$results"
cat "$results"
