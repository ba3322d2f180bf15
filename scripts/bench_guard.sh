#!/usr/bin/env bash
# What issue 9's safety costs, for an alter_column text -> bigint whose default up,
# CAST(code AS bigint), may raise: (a) the precheck before expand, as a fraction of the
# backfill of the same table; (b) the sync trigger's guard (an EXCEPTION block around the
# fill) on an UPDATE of the source column, against a minimal one-line trigger, with the
# alternatives (an EXCEPTION block alone, testing the value first) measured beside it; (c) the
# trigger on an UPDATE of another column, against a trigger that never fires.
# Usage: scripts/bench_guard.sh
# Environment:
#   BENCH_ROWS    table size (default 1000000)
#   BENCH_RUNS    rounds for (a), each on a fresh database, and runs per table for (b) and
#                 (c); medians taken (default 5)
#   PGPHASE_JOBS  parallel compile jobs (default 2)
# Builds a Release binary in build-bench/, starts its own throwaway PostgreSQL (scripts/pg.sh,
# deleted on exit), prints the result and writes it to build-bench/bench-guard-results.txt.
# docs/benchmarks.md explains the numbers.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/bench_common.sh
source scripts/bench_common.sh
results="$bench_out_dir/bench-guard-results.txt"
triggers="$PWD/integration/bench/guard_triggers.sql"
rows=${BENCH_ROWS:-1000000}
runs=${BENCH_RUNS:-5}
readonly kTriggerRowsMax=200000

[[ "$rows" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROWS: not a positive integer: $rows"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS: not a positive integer: $runs"
command -v psql >/dev/null 2>&1 || die "psql not found; run scripts/bootstrap.sh"

bench_build
bench_server
db="${server_url%/*}/bench_guard"
# For the shared helpers (bench_common.sh): tg's NOT NULL columns besides id, runs per table.
bench_not_null=(code n)
bench_runs=$runs
k=$((rows < kTriggerRowsMax ? rows : kTriggerRowsMax))

# No up: the default CAST(code AS bigint), which pgphase guards in the sync trigger.
spec="$tmp/0001_code.yaml"
cat >"$spec" <<'EOF'
operations:
  - alter_column:
      table: tg
      column: code
      type: bigint
EOF

# run_ms COMMAND...: runs it with stdout to $tmp/out.log, prints its wall clock in ms.
run_ms() {
  local t0 t1
  t0=$(now_ns)
  "$@" >"$tmp/out.log"
  t1=$(now_ns)
  calc "($t1 - $t0) / 1e6"
}

# walk_ms STEP: the walk's own time, first batch to last checkpoint (pgphase.backfill).
walk_ms() {
  sql -At -c "SELECT extract(epoch FROM updated_at - started_at) * 1000 FROM pgphase.backfill
              WHERE step_id = '$1'"
}

# duration_ms TEXT: pgphase's rendering of a duration ("270ms", "1s234ms", "2m5s") in ms.
duration_ms() {
  awk -v d="$1" 'BEGIN {
    if (d == "") exit 1
    while (match(d, /^[0-9]+(ms|h|m|s)/)) {
      tok = substr(d, 1, RLENGTH); d = substr(d, RLENGTH + 1); u = tok; gsub(/[0-9]/, "", u)
      total += (tok + 0) * (u == "h" ? 3600000 : u == "m" ? 60000 : u == "s" ? 1000 : 1)
    }
    if (d != "") exit 1
    print total
  }' || die "not a duration: '$1'"
}

# add_waits TABLE...: adds the last trigger_test's times of each to wall_total and
# wait_total, how long the trigger statements waited for a CPU overall.
wall_total=0 wait_total=0
add_waits() {
  local side x
  for side; do
    for x in ${trig_times[$side]}; do wall_total=$(calc "$wall_total + $x"); done
    for x in ${trig_wait[$side]}; do wait_total=$(calc "$wait_total + $x"); done
  done
}

# timed_script SQL: runs SQL (statements, one a line) in one psql session, prints the sum of
# the statements' durations in ms as psql's \timing measures them.
timed_script() {
  local output
  output=$(psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c '\timing on' -f - <<<"$1")
  sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$output" | awk '{ s += $1 } END { printf "%.3f", s }'
}

# shape_sql SHAPE: the precheck of CAST(code AS bigint) over tg as SQL, in ranges of the
# precheck's 100 000 keys (tg's keys are 1..rows):
#   ranges          the two statements per range pgphase's precheck runs (row_scan.cc): the
#                   range's last key (BatchEndQuery), then the aggregate over the range
#                   (EvaluateQuery); as the server plans them (the aggregate in parallel)
#   ranges_serial   the same without parallel workers
#   one_per_range   one statement per range, its last key from the same aggregate:
#                   count, NULL count and max(id) of the next 100 000 rows in key order
#   whole, whole_parallel   one aggregate over the whole table, one backend / parallel
readonly kPrecheckRange=100000
shape_sql() {
  local lo expr='(CAST("code" AS bigint))'
  case $1 in
    ranges_serial) echo "SET max_parallel_workers_per_gather = 0;" ;;&
    ranges | ranges_serial)
      for ((lo = 0; lo < rows; lo += kPrecheckRange)); do
        echo "SELECT \"id\"::text AS k1 FROM (SELECT \"id\" FROM \"public\".\"tg\" WHERE (\"id\") > ($lo::bigint) ORDER BY \"id\" LIMIT $kPrecheckRange::bigint) batch ORDER BY \"id\" DESC LIMIT 1;"
        echo "SELECT count(*), count(*) FILTER (WHERE $expr IS NULL) FROM \"public\".\"tg\" WHERE (\"id\") > ($lo::bigint) AND (\"id\") <= ($((lo + kPrecheckRange))::bigint);"
      done
      ;;
    one_per_range)
      for ((lo = 0; lo < rows; lo += kPrecheckRange)); do
        echo "SELECT count(*), count(*) FILTER (WHERE $expr IS NULL), max(\"id\")::text FROM (SELECT \"id\", \"code\" FROM \"public\".\"tg\" WHERE (\"id\") > ($lo::bigint) ORDER BY \"id\" LIMIT $kPrecheckRange::bigint) batch;"
      done
      ;;
    whole) echo "SET max_parallel_workers_per_gather = 0;" ;;&
    whole | whole_parallel) echo "SELECT count(*), count(*) FILTER (WHERE $expr IS NULL) FROM \"public\".\"tg\";" ;;
    *) die "shape_sql: unknown shape $1" ;;
  esac
}

# check_fill: every row's shadow column holds code's value, and no write was recorded as
# failing (nothing here can fail: the guard's handler must never have run).
check_fill() {
  local wrong errors
  wrong=$(sql -At -c "SELECT count(*) FROM tg WHERE _pgphase_new_code IS DISTINCT FROM code::bigint")
  errors=$(sql -At -c "SELECT count(*) FROM pgphase.sync_errors")
  ((wrong == 0 && errors == 0)) || die "$1: $wrong rows with _pgphase_new_code != code, $errors sync errors"
}

load_at_start=$(cut -d ' ' -f 1-3 /proc/loadavg)
revision=$(bench_revision)

# --- (a) precheck against backfill, one fresh database per round ---------------------------
plan_times=() skip_times=() precheck_times=()
shapes=(ranges ranges_serial one_per_range whole whole_parallel)
declare -A shape_times=()
backfill_walls=() backfill_walks=() fractions=()
for ((round = 1; round <= runs; round++)); do
  say "[$rows rows, round $round/$runs] creating tg"
  # synchronous_commit on, as bench.sh explains: else VACUUM after loading leaves pages not
  # all-visible, unlike a production table.
  psql -X -q -v ON_ERROR_STOP=1 -d "$server_url" -c "DROP DATABASE IF EXISTS bench_guard" \
    -c "CREATE DATABASE bench_guard" -c "ALTER DATABASE bench_guard SET synchronous_commit = on"
  sql -v rows="$rows" <<'EOF'
CREATE TABLE tg (id bigint NOT NULL, code text NOT NULL, n int NOT NULL)
  WITH (autovacuum_enabled = off);
INSERT INTO tg SELECT g, g::text, (g % 1000)::int FROM generate_series(1, :rows) g;
ALTER TABLE tg ADD PRIMARY KEY (id);
VACUUM ANALYZE tg;
EOF
  # Both plans are read-only and differ only by the precheck; alternate which goes first.
  order=(precheck skip)
  if ((round % 2 == 0)); then order=(skip precheck); fi
  for side in "${order[@]}"; do
    settle
    if [[ "$side" == precheck ]]; then
      plan_times+=("$(run_ms "$pgphase" plan "$spec" --db "$db")")
    else
      skip_times+=("$(run_ms "$pgphase" plan "$spec" --db "$db" --skip-precheck)")
    fi
  done
  # The same check in other shapes, each as one psql script (the sum of its statements'
  # \timing): to find the cheapest.
  for shape in "${shapes[@]}"; do
    settle
    shape_times[$shape]+="${shape_times[$shape]:+ }$(timed_script "$(shape_sql "$shape")")"
  done

  settle
  "$pgphase" apply "$spec" --through sync --db "$db" >"$tmp/sync.log"  # not timed
  line=$(grep '^precheck public\.tg\.code = ' "$tmp/sync.log") ||
    die "no precheck line in apply's output: $(cat "$tmp/sync.log")"
  [[ "$line" == *": $rows rows, 0 failing ("*")" ]] || die "unexpected precheck line: $line"
  duration=${line##*(}
  precheck_times+=("$(duration_ms "${duration%)}")")
  settle
  backfill_walls+=("$(run_ms "$pgphase" apply "$spec" --through backfill --db "$db")")
  backfill_walks+=("$(walk_ms backfill.tg)")
  fractions+=("$(calc "${precheck_times[-1]} / ${backfill_walks[-1]}")")
  check_fill "after the backfill"
  say "  plan --db $(fmt_num "${plan_times[-1]}") ms, --skip-precheck $(fmt_num "${skip_times[-1]}") ms;" \
    "precheck $(fmt_num "${precheck_times[-1]}") ms; backfill walk $(fmt_num "${backfill_walks[-1]}") ms" \
    "(precheck / backfill $(fmt_num "${fractions[-1]}" 3))"
done

# --- (b) the guard, UPDATE of the source column --------------------------------------------
# On the last round's tg, which carries pgphase's sync triggers after the backfill.
src="UPDATE TABLE SET code = (code::bigint + 1)::text WHERE id <= $k"
sql -f "$triggers"
say "[$rows rows] source column (K = $k): pgphase's guarded trigger vs the minimal trigger"
compare_with_copy tg tg_min "source col" "$src" \
  -c "CREATE TRIGGER bench_min BEFORE UPDATE ON tg_min FOR EACH ROW EXECUTE FUNCTION bench_guard_min()"
src_ratio=$(trig_ratio tg_min tg)
src_best=$(trig_best_ratio tg_min tg)
src_cpu=$(trig_cpu_ratio tg_min tg)
add_waits tg tg_min
src_line="pgphase $(fmt_num "$(trig_median tg)" 1) ms, minimal trigger $(fmt_num "$(trig_median tg_min)" 1) ms (medians; runs: $(trig_runs tg tg_min); CPU ms: $(trig_cpu_runs tg tg_min))"
check_fill "after the source-column UPDATEs"

# The guard's alternatives and the parts of pgphase's function, all in one rotation, each on
# its own fresh copy of tg: name, function, trigger condition (pgphase's WHEN, or none).
pg_when="WHEN (NEW._pgphase_new_code IS NULL OR NEW.code IS DISTINCT FROM OLD.code)"
forms=(
  "tg_min|bench_guard_min||minimal trigger (unguarded)"
  "tg_exc|bench_guard_exception||minimal trigger in an EXCEPTION block"
  "tg_regex|bench_guard_regex||regex test first, EXCEPTION block only when it fails"
  "tg_ltrim|bench_guard_ltrim||length + ltrim test first, EXCEPTION block only when it fails"
  "tg_pg_exc|bench_guard_exception|$pg_when|pgphase's trigger, function = one guarded assignment (no DECLARE, no TG_OP branch)"
  "tg_pg_nodecl|bench_guard_pg_no_declare|$pg_when|pgphase's trigger, function without the DECLARE"
  "tg_pg_onebr|bench_guard_pg_one_branch|$pg_when|pgphase's trigger, function without the TG_OP branch"
  "tg_pg_sqlup|bench_guard_pg_sql_up|$pg_when|pgphase's trigger, function = one guarded assignment of up as an inlined SQL function"
)
say "[$rows rows] source column (K = $k): the forms of a guard, in rotation with pgphase's table"
sql -c "VACUUM FULL tg"
form_tables=(tg)
for form in "${forms[@]}"; do
  IFS='|' read -r name fn when _ <<<"$form"
  copy_of_table tg "$name"
  sql -c "CREATE TRIGGER bench_form BEFORE UPDATE ON $name FOR EACH ROW $when EXECUTE FUNCTION $fn()"
  form_tables+=("$name")
done
for name in "${form_tables[@]}"; do sql -c "VACUUM ANALYZE $name"; done
trigger_test "forms" "$src" "${form_tables[@]}"
add_waits "${form_tables[@]}"
form_lines=()
for form in "tg|||pgphase's sync trigger (as generated)" "${forms[@]}"; do
  IFS='|' read -r name _ _ label <<<"$form"
  form_lines+=("  $label: $(fmt_num "$(trig_median "$name")" 1) ms; minimal / it $(fmt_num "$(trig_ratio tg_min "$name")" 3), fastest runs $(fmt_num "$(trig_best_ratio tg_min "$name")" 3), CPU $(fmt_num "$(trig_cpu_ratio tg_min "$name")" 3); EXCEPTION block / it $(fmt_num "$(trig_ratio tg_exc "$name")" 3), CPU $(fmt_num "$(trig_cpu_ratio tg_exc "$name")" 3) (runs: $(trig_runs "$name"); CPU ms: $(trig_cpu_runs "$name"))")
done
for name in "${form_tables[@]:1}"; do sql -c "DROP TABLE $name"; done
check_fill "after the rotation"

# --- (c) UPDATE of another column: pgphase's trigger against one that never fires ----------
oth="UPDATE TABLE SET n = n + 1 WHERE id <= $k"
say "[$rows rows] other column (K = $k): pgphase's trigger vs a never-firing BEFORE UPDATE OF code trigger"
compare_with_copy tg tg_any "other col" "$oth" \
  -c "CREATE TRIGGER bench_any BEFORE UPDATE OF code ON tg_any FOR EACH ROW EXECUTE FUNCTION bench_guard_min()"
oth_ratio=$(trig_ratio tg_any tg)
oth_best=$(trig_best_ratio tg_any tg)
oth_cpu=$(trig_cpu_ratio tg_any tg)
add_waits tg tg_any
oth_line="pgphase $(fmt_num "$(trig_median tg)" 1) ms, never-firing trigger $(fmt_num "$(trig_median tg_any)" 1) ms (medians; runs: $(trig_runs tg tg_any); CPU ms: $(trig_cpu_runs tg tg_any))"
psql -X -q -d "$server_url" -c "DROP DATABASE bench_guard"

plan_ms=$(median "${plan_times[@]}")
skip_ms=$(median "${skip_times[@]}")
{
  echo "pgphase guard and precheck cost (issue 9), $(date -u '+%Y-%m-%d %H:%M UTC'), $rows rows," \
    "$(nproc) cores, load average at start $load_at_start, at end $(cut -d ' ' -f 1-3 /proc/loadavg)," \
    "commit $revision"
  echo
  echo "precheck / backfill: $(fmt_num "$(median "${fractions[@]}")" 3) (precheck's own time, from apply's line," \
    "over the backfill walk; median of $runs rounds); $(fmt_num "$(calc "($plan_ms - $skip_ms) / $(median "${backfill_walls[@]}")")" 3)" \
    "(plan --db minus plan --db --skip-precheck, over apply --through backfill; medians)"
  echo "precheck ms (apply's line): $(fmt_list "${precheck_times[@]}")"
  echo "plan --db ms: $(fmt_list "${plan_times[@]}"); plan --db --skip-precheck ms: $(fmt_list "${skip_times[@]}")"
  echo "the precheck's query in other shapes (psql's timing of each statement, summed; medians):"
  for shape in "${shapes[@]}"; do
    # shellcheck disable=SC2086  # a list of numbers
    echo "  $shape: $(fmt_num "$(median ${shape_times[$shape]})") ms, / backfill walk $(fmt_num "$(calc "$(median ${shape_times[$shape]}) / $(median "${backfill_walks[@]}")")" 3) (runs: $(fmt_list ${shape_times[$shape]}))"
  done
  echo "backfill walk ms: $(fmt_list "${backfill_walks[@]}"); apply --through backfill ms: $(fmt_list "${backfill_walls[@]}")"
  echo
  echo "source col (K = $k): ratio $(fmt_num "$src_ratio" 3), fastest runs $(fmt_num "$src_best" 3), CPU $(fmt_num "$src_cpu" 3) (target >= 0.9): $src_line"
  echo "source col (K = $k), the forms of a guard in one rotation ($runs runs each, medians):"
  for line in "${form_lines[@]}"; do echo "$line"; done
  echo "other col (K = $k): ratio $(fmt_num "$oth_ratio" 3), fastest runs $(fmt_num "$oth_best" 3), CPU $(fmt_num "$oth_cpu" 3) (target within 0.02 of 1): $oth_line"
  echo "ratios: baseline time / pgphase's (or the form's) time; CPU: the same of the backends' CPU times (timed_sql_cpu)"
  echo "waiting for a CPU, all trigger statements: $(fmt_num "$(calc "$wait_total")") ms of $(fmt_num "$(calc "$wall_total")") ms"
} >"$results"
cat "$results"
