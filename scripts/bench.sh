#!/usr/bin/env bash
# Benchmark of issue 4: backfill speed and sync-trigger cost, as ratios against baselines
# measured in the same run on identical tables (so the machine's speed cancels out; other
# load on it during the run does not: run it on an idle machine). Part 3 (issue 13): a new
# column and an index on it in one migration, `apply --through validate`, against one UPDATE
# followed by one CREATE INDEX.
# Usage: scripts/bench.sh
# Environment:
#   BENCH_ROWS    table sizes, space-separated (default "1000000"; the issue's second
#                 point is 10000000: BENCH_ROWS="1000000 10000000")
#   BENCH_RUNS    runs per side of every measurement, medians taken (default 3): backfill
#                 rounds (each on a fresh database) and trigger-cost statements
#   PGPHASE_JOBS  parallel compile jobs (default 2)
# Builds a Release binary in build-bench/, starts its own throwaway PostgreSQL
# (scripts/pg.sh, deleted on exit), prints a table and writes it to
# build-bench/bench-results.txt. docs/benchmarks.md explains every number.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/bench_common.sh
source scripts/bench_common.sh
root=$PWD
out_dir=$bench_out_dir
bench_dir="$root/integration/bench"
spec="$bench_dir/add_shout.yaml"
indexed_spec="$bench_dir/add_shout_indexed.yaml"
results="$out_dir/bench-results.txt"
rows_list=${BENCH_ROWS:-1000000}
readonly kTriggerRowsMax=200000
readonly kRuns=${BENCH_RUNS:-3}

for n in $rows_list; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROWS: not a positive integer: $n"
done
[[ -n "${rows_list// /}" ]] || die "BENCH_ROWS is empty"
[[ "$kRuns" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS: not a positive integer: $kRuns"

# /usr/bin/time (Debian package `time`) measures the backfill's peak RSS. Installed the way
# scripts/bootstrap.sh installs packages: only when missing, with sudo when not root.
ensure_time() {
  [[ -x /usr/bin/time ]] && return 0
  say "installing package time (for /usr/bin/time)"
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo; install as root: apt-get install time"
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends time
}

ensure_time
command -v psql >/dev/null 2>&1 || die "psql not found; run scripts/bootstrap.sh"

bench_build
bench_server

# index_after_fill N: part 3, kRuns rounds on fresh databases, alternating which side goes
# first. pgphase: add_shout_indexed.yaml, `apply --through validate` from the start (expand to
# validate, timed as a whole); baseline: ADD COLUMN, one UPDATE, one CREATE INDEX on t_base.
# Sets idx_base_times and idx_pg_times (ms).
index_after_fill() {
  local n=$1 round side ms t0 t1 order wrong
  idx_base_times=()
  idx_pg_times=()
  for ((round = 1; round <= kRuns; round++)); do
    say "[$n rows, round $round/$kRuns] index after the fill: creating t and t_base"
    fresh_database "bench_idx_$n" "$n"
    sql -c "ALTER TABLE t_base ADD COLUMN shout text"
    order=(baseline pgphase)
    if ((round % 2 == 0)); then order=(pgphase baseline); fi
    for side in "${order[@]}"; do
      settle
      if [[ "$side" == baseline ]]; then
        ms=$(calc "$(timed_sql "UPDATE t_base SET shout = upper(name)") + \
          $(timed_sql "CREATE INDEX t_base_shout_idx ON t_base (shout)")")
        idx_base_times+=("$ms")
      else
        t0=$(now_ns)
        "$pgphase" apply "$indexed_spec" --through validate --db "$db" >"$tmp/indexed.log"
        t1=$(now_ns)
        ms=$(calc "($t1 - $t0) / 1e6")
        idx_pg_times+=("$ms")
      fi
      say "  index after the fill, round $round: $side $(fmt_num "$ms") ms"
    done
    wrong=$(sql -At -c "SELECT count(*) FROM t WHERE shout IS DISTINCT FROM upper(name)" \
      -c "SELECT count(*) FROM pg_index WHERE indexrelid = 't_shout_idx'::regclass AND NOT indisvalid")
    [[ "$wrong" == $'0\n0' ]] || die "[$n rows] index after the fill: wrong rows or index: $wrong"
    psql -X -q -d "$server_url" -c "DROP DATABASE bench_idx_$n"
  done
}

db=  # URL of the current size's database, set per size below
# For the shared helpers (bench_common.sh): t's NOT NULL columns besides id, runs per side.
bench_not_null=(name n)
bench_runs=$kRuns

pg_version=$(psql -X -At -d "$server_url" -c "SHOW server_version")
load_at_start=$(cut -d ' ' -f 1-3 /proc/loadavg)
revision=$(bench_revision)
table_header="rows | pgphase rows/s | baseline rows/s | backfill ratio | trigger ratio (source col) | trigger ratio (other col) | peak RSS MB"
table_rows=()
index_rows=()
details=()
declare -A rate_of=()

for n in $rows_list; do
  k=$((n < kTriggerRowsMax ? n : kTriggerRowsMax))
  dbname="bench_$n"
  db="${server_url%/*}/$dbname"

  # --- 1. backfill ratio -------------------------------------------------------------
  # kRuns rounds, each on a fresh database (pgphase's state lives in it), alternating
  # which side goes first; medians are taken. The last round's t is kept for part 2.
  base_times=()
  pg_times=()
  rss_kb=0
  for ((round = 1; round <= kRuns; round++)); do
    say "[$n rows, round $round/$kRuns] creating t and its copy t_base"
    fresh_database "$dbname" "$n"
    "$pgphase" apply "$spec" --through sync --db "$db" >"$tmp/sync.log"  # not timed
    sql -c "ALTER TABLE t_base ADD COLUMN shout text"

    order=(baseline pgphase)
    if ((round % 2 == 0)); then
      order=(pgphase baseline)
    fi
    for side in "${order[@]}"; do
      settle
      if [[ "$side" == baseline ]]; then
        ms=$(timed_sql "UPDATE t_base SET shout = upper(name)")
        base_times+=("$ms")
      else
        t0=$(now_ns)
        /usr/bin/time -f %M -o "$tmp/rss" \
          "$pgphase" apply "$spec" --through backfill --db "$db" >"$tmp/backfill.log"
        t1=$(now_ns)
        ms=$(calc "($t1 - $t0) / 1e6")
        pg_times+=("$ms")
        round_rss=$(tail -n 1 "$tmp/rss")
        rss_kb=$((round_rss > rss_kb ? round_rss : rss_kb))
        cp "$tmp/backfill.log" "$out_dir/backfill-$n.log"
      fi
      say "  backfill round $round: $side $(fmt_num "$ms") ms"
    done
    sql -c "DROP TABLE t_base"
    wrong=$(sql -At -c "SELECT count(*) FROM t WHERE shout IS DISTINCT FROM upper(name)")
    ((wrong == 0)) || die "[$n rows] backfill left $wrong rows with shout != upper(name)"
  done
  base_ms=$(median "${base_times[@]}")
  pg_ms=$(median "${pg_times[@]}")

  pg_rate=$(calc "$n / ($pg_ms / 1000)")
  base_rate=$(calc "$n / ($base_ms / 1000)")
  backfill_ratio=$(calc "$base_ms / $pg_ms")
  rate_of[$n]=$pg_rate
  say "[$n rows] backfill medians: baseline $(fmt_num "$base_ms") ms, pgphase" \
    "$(fmt_num "$pg_ms") ms, ratio $(fmt_num "$backfill_ratio" 3), peak RSS $((rss_kb / 1024)) MB"

  # --- 2. trigger cost (sync triggers installed, after the backfill) -----------------
  # t keeps pgphase's sync triggers until contract. Every compared table is made compact
  # the same way (VACUUM FULL of t, a fresh copy of t) so that layout and bloat are equal.
  say "[$n rows] trigger cost, UPDATE of the source column (K = $k), vs a minimal trigger"
  compare_with_copy t t_min "source col" "UPDATE TABLE SET name = name || 'x' WHERE id <= $k" \
    -f "$bench_dir/minimal_trigger.sql"
  src_pg_ms=$(trig_median t)
  src_min_ms=$(trig_median t_min)
  src_runs=$(trig_runs t t_min)
  src_best=$(trig_best_ratio t_min t)

  say "[$n rows] trigger cost, UPDATE of another column (K = $k), vs no trigger"
  compare_with_copy t t_none "other col" "UPDATE TABLE SET n = n + 1 WHERE id <= $k"
  oth_pg_ms=$(trig_median t)
  oth_none_ms=$(trig_median t_none)
  oth_runs=$(trig_runs t t_none)
  oth_best=$(trig_best_ratio t_none t)

  # The same UPDATE against t_any, a copy carrying a BEFORE UPDATE OF name row trigger that
  # never fires for it: PostgreSQL locks each row for any BEFORE UPDATE row trigger before
  # it looks at OF or WHEN, so this is what having such a trigger costs at all. Its
  # function is the minimal trigger's, created above.
  say "[$n rows] trigger cost, UPDATE of another column (K = $k), vs a never-firing trigger"
  compare_with_copy t t_any "other col vs any trigger" "UPDATE TABLE SET n = n + 1 WHERE id <= $k" \
    -c "CREATE TRIGGER bench_any BEFORE UPDATE OF name ON t_any FOR EACH ROW EXECUTE FUNCTION bench_min_fill()"
  any_pg_ms=$(trig_median t)
  any_ms=$(trig_median t_any)
  any_runs=$(trig_runs t t_any)

  src_ratio=$(calc "$src_min_ms / $src_pg_ms")
  oth_ratio=$(calc "$oth_none_ms / $oth_pg_ms")

  table_rows+=("$(printf '%s | %s | %s | %s | %s | %s | %s' "$n" "$(fmt_num "$pg_rate")" \
    "$(fmt_num "$base_rate")" "$(fmt_num "$backfill_ratio" 3)" "$(fmt_num "$src_ratio" 3)" \
    "$(fmt_num "$oth_ratio" 3)" "$(fmt_num "$(calc "$rss_kb / 1024")" 1)")")
  details+=("$n rows, backfill: baseline UPDATE $(fmt_num "$base_ms") ms, pgphase apply --through backfill $(fmt_num "$pg_ms") ms (medians; runs: $(fmt_list "${base_times[@]}") / $(fmt_list "${pg_times[@]}"))")
  details+=("$n rows, source col (K = $k): pgphase $(fmt_num "$src_pg_ms" 1) ms, minimal trigger $(fmt_num "$src_min_ms" 1) ms (medians; runs: $src_runs)")
  details+=("$n rows, other col (K = $k): pgphase $(fmt_num "$oth_pg_ms" 1) ms, no trigger $(fmt_num "$oth_none_ms" 1) ms (medians; runs: $oth_runs)")
  details+=("$n rows, other col (K = $k) against a never-firing BEFORE UPDATE OF name trigger: pgphase $(fmt_num "$any_pg_ms" 1) ms, that trigger $(fmt_num "$any_ms" 1) ms, ratio $(fmt_num "$(calc "$any_ms / $any_pg_ms")" 3); that trigger against no trigger $(fmt_num "$(calc "$oth_none_ms / $any_ms")" 3) (medians; runs: $any_runs)")
  # Noise on a shared machine only ever adds time, so the fastest run of each side is a
  # second estimate of what it costs; when the two estimates disagree, the run was noisy.
  details+=("$n rows, ratios of the fastest runs: backfill $(fmt_num "$(calc "$(minimum "${base_times[@]}") / $(minimum "${pg_times[@]}")")" 3), source col $(fmt_num "$src_best" 3), other col $(fmt_num "$oth_best" 3)")

  psql -X -q -d "$server_url" -c "DROP DATABASE $dbname"

  # --- 3. an index on the new column, in the same migration (issue 13) ---------------
  index_after_fill "$n"
  idx_base_ms=$(median "${idx_base_times[@]}")
  idx_pg_ms=$(median "${idx_pg_times[@]}")
  index_rows+=("$(printf '%s | %s | %s | %s' "$n" "$(fmt_num "$idx_pg_ms")" "$(fmt_num "$idx_base_ms")" \
    "$(fmt_num "$(calc "$idx_base_ms / $idx_pg_ms")" 3)")")
  details+=("$n rows, index after the fill: baseline UPDATE + CREATE INDEX $(fmt_num "$idx_base_ms") ms, pgphase apply --through validate $(fmt_num "$idx_pg_ms") ms (medians; runs: $(fmt_list "${idx_base_times[@]}") / $(fmt_list "${idx_pg_times[@]}"))")
done

{
  echo "pgphase benchmark (issue 4), $(date -u '+%Y-%m-%d %H:%M UTC'), PostgreSQL $pg_version," \
    "$(nproc) cores, load average at start $load_at_start," \
    "commit $revision"
  echo
  echo "$table_header"
  for row in "${table_rows[@]}"; do echo "$row"; done
  echo
  echo "rows | pgphase add_column + create_index, through validate (ms) | UPDATE + CREATE INDEX (ms) | ratio"
  for row in "${index_rows[@]}"; do echo "$row"; done
  echo
  for d in "${details[@]}"; do echo "$d"; done
  first=${rows_list%% *}
  for n in $rows_list; do
    if [[ "$n" != "$first" ]]; then
      echo "pgphase rows/s at $n rows / at $first rows: $(fmt_num "$(calc "${rate_of[$n]} / ${rate_of[$first]}")" 3)" \
        "(target: within 15%, i.e. >= 0.85)"
    fi
  done
  echo "targets: backfill ratio >= 0.8 at 1M rows; trigger ratio (source col) >= 0.9;" \
    "trigger ratio (other col) >= 0.85; peak RSS <= 64 MB at 10M rows"
} >"$results"
echo
cat "$results"
echo
say "written to ${results#"$root"/}"
