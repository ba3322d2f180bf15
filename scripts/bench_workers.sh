#!/usr/bin/env bash
# Benchmark of the parallel backfill (issue 13): `apply --through backfill --workers W` for
# W = 1, 2, 4 against one blocking UPDATE of an identical copy, as ratios (UPDATE time /
# pgphase time; above 1: pgphase is faster). Each W gets a fresh database holding t and its
# copy t_base (integration/bench/setup.sql), and its own baseline measured right beside it,
# alternating which side goes first; the machine's speed cancels out of each ratio, other load
# during the run does not (on a shared machine, say so with the figures). Also the executor's
# peak RSS (/usr/bin/time -v) per W.
# Usage: scripts/bench_workers.sh
# Environment:
#   BENCH_ROWS        table sizes, space-separated (default "1000000")
#   BENCH_WORKERS     worker counts (default "1 2 4")
#   BENCH_RUNS        rounds per size (default 1), medians taken
#   PGPHASE_BENCH_BIN an existing pgphase binary instead of a Release build in build-bench/
# Prints a table and writes it to build-bench/bench-workers.txt.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/bench_common.sh
source scripts/bench_common.sh
root=$PWD
bench_dir="$root/integration/bench"
spec="$bench_dir/add_shout.yaml"
results="$bench_out_dir/bench-workers.txt"
rows_list=${BENCH_ROWS:-1000000}
workers_list=${BENCH_WORKERS:-1 2 4}
readonly kRuns=${BENCH_RUNS:-1}

for n in $rows_list $workers_list; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROWS, BENCH_WORKERS: not a positive integer: $n"
done
[[ "$kRuns" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS: not a positive integer: $kRuns"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (Debian package time; scripts/bench.sh installs it)"
command -v psql >/dev/null 2>&1 || die "psql not found; run scripts/bootstrap.sh"

bench_build
bench_server
mkdir -p "$bench_out_dir"
db=

# one_round N W ROUND: a fresh database, then the baseline UPDATE and pgphase with W workers
# in the order ROUND picks. Appends to base_times, pg_times and ratios (this round's baseline /
# pgphase: the two sides measured side by side); keeps the highest peak RSS in rss_kb.
one_round() {
  local n=$1 w=$2 round=$3 side ms t0 t1 order wrong kb
  fresh_database bench_workers "$n"
  "$pgphase" apply "$spec" --through sync --db "$db" >"$tmp/sync.log"  # not timed
  sql -c "ALTER TABLE t_base ADD COLUMN shout text"
  order=(baseline pgphase)
  if ((round % 2 == 0)); then order=(pgphase baseline); fi
  for side in "${order[@]}"; do
    settle
    if [[ "$side" == baseline ]]; then
      ms=$(timed_sql "UPDATE t_base SET shout = upper(name)")
      base_times+=("$ms")
      round_base=$ms
    else
      t0=$(now_ns)
      /usr/bin/time -v -o "$tmp/time" "$pgphase" apply "$spec" --through backfill \
        --workers "$w" --db "$db" >"$tmp/backfill.log"
      t1=$(now_ns)
      ms=$(calc "($t1 - $t0) / 1e6")
      pg_times+=("$ms")
      round_pg=$ms
      kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")
      rss_kb=$((kb > rss_kb ? kb : rss_kb))
      cp "$tmp/backfill.log" "$bench_out_dir/backfill-workers-$w-$n.log"
    fi
    say "  [$n rows, $w workers, round $round] $side $(fmt_num "$ms") ms"
  done
  wrong=$(sql -At -c "SELECT count(*) FROM t WHERE shout IS DISTINCT FROM upper(name)")
  ((wrong == 0)) || die "[$n rows, $w workers] backfill left $wrong rows wrong"
  ratios+=("$(calc "$round_base / $round_pg")")
}

load_at_start=$(cut -d ' ' -f 1-3 /proc/loadavg)
rows_out=()
for n in $rows_list; do
  for w in $workers_list; do
    base_times=()
    pg_times=()
    ratios=()
    rss_kb=0
    for ((round = 1; round <= kRuns; round++)); do one_round "$n" "$w" "$round"; done
    base_ms=$(median "${base_times[@]}")
    pg_ms=$(median "${pg_times[@]}")
    rows_out+=("$(printf '%s | %s | %s | %s | %s | %s | %s | %s' "$n" "$w" "$(fmt_num "$pg_ms")" \
      "$(fmt_num "$base_ms")" "$(fmt_num "$(median "${ratios[@]}")" 3)" \
      "$(for r in "${ratios[@]}"; do printf '%s ' "$(fmt_num "$r" 2)"; done)" \
      "$(fmt_num "$(calc "$n / ($pg_ms / 1000)")")" "$(fmt_num "$(calc "$rss_kb / 1024")" 1)")")
  done
done
psql -X -q -d "$server_url" -c "DROP DATABASE IF EXISTS bench_workers"

{
  echo "pgphase parallel backfill (issue 13), $(date -u '+%Y-%m-%d %H:%M UTC')," \
    "PostgreSQL $(psql -X -At -d "$server_url" -c "SHOW server_version"), $(nproc) cores," \
    "load average at start $load_at_start, commit $(bench_revision), binary $pgphase"
  echo
  echo "rows | workers | pgphase apply --through backfill (ms) | UPDATE (ms) | backfill ratio (median of rounds) | each round's ratio | pgphase rows/s | peak RSS MB"
  for row in "${rows_out[@]}"; do echo "$row"; done
  echo
  echo "target: backfill ratio >= 1.2 with 2 workers; peak RSS <= 64 MB with 4 workers"
} >"$results"
echo
cat "$results"
