# shellcheck shell=bash
# What the benchmarks (scripts/bench.sh, scripts/bench_verify.sh, scripts/bench_guard.sh) share.
# Sourced, not run:
# `source scripts/bench_common.sh` from the repository root, after `set -euo pipefail`.
#   bench_build         builds a Release binary in build-bench/ and sets `pgphase` to it
#                       (or to $PGPHASE_BENCH_BIN when set, without building)
#   bench_server        starts a throwaway PostgreSQL (scripts/pg.sh) in a fresh temp dir and
#                       sets `tmp`, `pgdir` and `server_url`; both are deleted on exit
#   bench_pgbench       sets `pgbench_bin`
#   bench_revision      the commit the binary is built from, and whether src/ differs from it
#   say, die            messages on stderr, prefixed with the script's name
#   now_ns, calc, median, minimum, fmt_num, fmt_list   numbers (awk for floating point)
#   cpu_ticks, steal    the CPU time a hypervisor took from this machine between two moments
#   pgbench_latencies   the latencies of a pgbench -l run, sorted, within a window
#   app_report, app_p99 the app's TPS, p99 and max in a window of a pgbench run in $tmp/NAME
# and, for timing statements in the database whose URL is in `db` (set by the script):
#   sql                 psql on `db`, stopping at the first error
#   fresh_database      a new database holding t and its copy t_base (integration/bench/setup.sql)
#   timed_sql, settle   one statement's duration; a checkpoint and sync before measuring
#   copy_of_table       a compact copy of a table; its NOT NULL columns are `bench_not_null`
#   timed_sql_cpu       the same, with the backend's CPU time and wait for a CPU
#   trigger_test, compare_with_copy   one UPDATE on several tables, alternating, `bench_runs`
#                       runs each; then trig_ratio, trig_best_ratio, trig_runs, trig_cpu_ratio
#                       read the result

bench_out_dir="$PWD/build-bench"

say() { echo "$(basename "$0"): $*" >&2; }
die() {
  say "$*"
  exit 1
}

bench_build() {
  if [[ -n "${PGPHASE_BENCH_BIN:-}" ]]; then  # a binary already built (no second build)
    [[ -x "$PGPHASE_BENCH_BIN" ]] || die "PGPHASE_BENCH_BIN: not an executable: $PGPHASE_BENCH_BIN"
    pgphase=$PGPHASE_BENCH_BIN
    say "using $pgphase (PGPHASE_BENCH_BIN), not a Release build"
    return 0
  fi
  say "building a Release binary in build-bench/"
  cmake -S . -B "$bench_out_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$bench_out_dir" -j "${PGPHASE_JOBS:-2}" --target pgphase
  # shellcheck disable=SC2034  # for the script that sources this file
  pgphase="$bench_out_dir/pgphase"
}

# The binary is built from the working tree: say so when it differs from the commit.
bench_revision() {
  local revision
  revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [[ -n "$(git status --porcelain --untracked-files=no -- src include CMakeLists.txt 2>/dev/null)" ]]; then
    revision+=" + uncommitted changes in src/include"
  fi
  echo "$revision"
}

# shellcheck disable=SC2317  # called by the EXIT trap
bench_cleanup() {
  bash scripts/pg.sh destroy "$pgdir" || say "could not stop the server in $pgdir"
  rm -rf "$tmp"
}

bench_server() {
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgphase-bench.XXXXXX")
  chmod 755 "$tmp"  # the server runs as `postgres` when we are root and must enter it
  pgdir="$tmp/pg"
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  server_url=$(bash scripts/pg.sh start "$pgdir")
  export PGOPTIONS="-c client_min_messages=warning"  # no NOTICEs from DROP ... IF EXISTS
  say "server $server_url (log: $(bash scripts/pg.sh log "$pgdir"))"
}

# bench_pgbench: sets `pgbench_bin` to the server's pgbench (pg_config --bindir, else the
# highest /usr/lib/postgresql/*/bin).
bench_pgbench() {
  pgbench_bin="$(pg_config --bindir)/pgbench"
  if [[ ! -x "$pgbench_bin" ]]; then
    local bins=(/usr/lib/postgresql/*/bin/pgbench)
    pgbench_bin=${bins[-1]}
  fi
  [[ -x "$pgbench_bin" ]] || die "pgbench not found (PostgreSQL server package)"
}

now_ns() { date +%s%N; }
median() { printf '%s\n' "$@" | sort -g | sed -n "$((($# + 1) / 2))p"; }
minimum() { printf '%s\n' "$@" | sort -g | head -n 1; }
# calc EXPR: floating-point arithmetic through awk (EXPR holds only numbers and operators).
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
fmt_num() { awk -v x="$1" -v p="${2:-0}" 'BEGIN { printf "%.*f", p, x }'; }
fmt_list() {
  local x out=()
  for x; do out+=("$(fmt_num "$x")"); done
  echo "${out[*]}"
}

# cpu_ticks: all CPU ticks and steal ticks so far (/proc/stat's first line).
cpu_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $9 }' /proc/stat; }

# pgbench_latencies DIR FROM_NS TO_NS: a line "LATENCY_US END_US" for each transaction in the
# per-transaction logs (pgbench -l) in DIR that ended within the window (every one when TO_NS is
# 0), sorted by latency. With -R the log's latency counts from the transaction's scheduled
# start, so it already holds the schedule lag (the log's seventh field): the wait the
# application sees.
pgbench_latencies() {
  cat "$1"/pgbench_log.* | awk -v from="$2" -v to="$3" '
    { t = $5 * 1e6 + $6
      if (to == 0 || (t >= from / 1e3 && t <= to / 1e3)) printf "%d %.0f\n", $3, t }' | sort -n
}

# app_report NAME LABEL [FROM_NS TO_NS]: one line on the app's transactions that ended in the
# window (all when TO_NS is 0 or absent) of the pgbench run logged in $tmp/NAME (out.txt and
# pgbench -l logs) at `rate` TPS offered: TPS against it, p99, max, count and client errors.
# The window's sorted latencies stay in $tmp/NAME/latencies.FROM.TO for app_p99.
app_report() {
  local from=${3:-0} to=${4:-0} lat n secs errors
  lat="$tmp/$1/latencies.$from.$to"
  pgbench_latencies "$tmp/$1" "$from" "$to" >"$lat"
  n=$(wc -l <"$lat")
  if ((n == 0)); then  # a short phase, or pgbench failed: say which
    echo "$2: no transactions ended in it ($(cat "$tmp/$1"/pgbench_log.* | wc -l) logged in all)"
    return
  fi
  secs=$(awk 'NR == 1 || $2 < lo { lo = $2 } $2 > hi { hi = $2 } END { print (hi - lo) / 1e6 }' "$lat")
  errors=$(grep -c -i "error\|aborted" "$tmp/$1/out.txt" || true)
  ((errors == 0)) || grep -i -m 3 "error\|aborted" "$tmp/$1/out.txt" | sed "s/^/  $1: /" >&2
  # shellcheck disable=SC2154  # rate: the TPS the script offers
  echo "$2: TPS / offered $(fmt_num "$(calc "$n / ($secs > 0 ? $secs : 1) / $rate")" 3)," \
    "p99 $(fmt_num "$(app_p99 "$1" "$from" "$to")" 1) ms," \
    "max $(fmt_num "$(calc "$(tail -n 1 "$lat" | cut -d ' ' -f 1) / 1000")" 1) ms," \
    "$n transactions, client errors $errors"
}

# app_p99 NAME FROM_NS TO_NS: the p99 latency (ms) of a window app_report has measured.
app_p99() {
  local lat="$tmp/$1/latencies.$2.$3"
  calc "$(sed -n "$((($(wc -l <"$lat") * 99 + 99) / 100))p" "$lat" | cut -d ' ' -f 1) / 1000"
}

# steal FROM_TICKS TO_TICKS: the share of CPU time stolen between two cpu_ticks, in percent.
steal() {
  local t0 s0 t1 s1
  read -r t0 s0 <<<"$1"
  read -r t1 s1 <<<"$2"
  fmt_num "$(calc "100 * ($s1 - $s0) / ($t1 > $t0 ? $t1 - $t0 : 1)")" 1
}

# --- Statements on `db` ----------------------------------------------------------------------
# The sourcing script sets `db` (a database URL), and for the copies and trigger tests below
# `bench_not_null` (an array: the NOT NULL columns of the table under test besides its primary
# key `id`) and `bench_runs` (runs per table).

# shellcheck disable=SC2154  # db is the sourcing script's
sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }

# fresh_database NAME ROWS: database NAME (its URL in `db`) with t and its copy t_base of ROWS
# rows (setup.sql). synchronous_commit on, as in production (the test server's default is
# off): with asynchronous commits, a VACUUM right after loading cannot set hint bits or mark
# pages all-visible (the inserting commit is not flushed yet), which would leave t and t_base
# in different, unrealistic states. With fsync off it costs a write() per commit.
fresh_database() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$server_url" -c "DROP DATABASE IF EXISTS $1" \
    -c "CREATE DATABASE $1" -c "ALTER DATABASE $1 SET synchronous_commit = on"
  db="${server_url%/*}/$1"
  sql -v rows="$2" -f integration/bench/setup.sql
}

# Runs one statement and prints its duration in ms, as psql's \timing measures it
# (statement round trip only, no connection setup).
timed_sql() {
  local output ms
  output=$(psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c '\timing on' -c "$1")
  ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$output" | tail -n 1)
  [[ -n "$ms" ]] || die "no timing in psql output for: $1"
  echo "$ms"
}

# timed_sql_cpu STATEMENT: like timed_sql, and also the time the statement's backend spent on
# a CPU and waiting for one (the first two fields of its /proc/self/schedstat, read with
# pg_read_file: the benchmark server's user is a superuser). Prints "WALL_MS CPU_MS WAIT_MS".
# Other load on the machine adds to the wall clock, mostly as waiting; much less to the CPU.
timed_sql_cpu() {
  local output ms before after
  local sched="SELECT 'sched ' || btrim(pg_read_file('/proc/self/schedstat'), E' \\n')"
  output=$(psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "$sched" -c '\timing on' -c "$1" \
    -c '\timing off' -c "$sched")
  ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$output" | tail -n 1)
  before=$(grep '^sched ' <<<"$output" | head -n 1)
  after=$(grep '^sched ' <<<"$output" | tail -n 1)
  [[ -n "$ms" && "$before" != "$after" ]] || die "no timing in psql output for: $1"
  awk -v ms="$ms" -v b="$before" -v a="$after" 'BEGIN {
    split(b, x, " "); split(a, y, " ")
    printf "%s %.3f %.3f\n", ms, (y[2] - x[2]) / 1e6, (y[3] - x[3]) / 1e6
  }'
}

# Before each measured statement: write out dirty shared buffers (CHECKPOINT), and, since
# this server runs with fsync off, have the kernel write its dirty pages too (sync), so that
# no side pays for writes left over from the previous step.
settle() {
  sql -c "CHECKPOINT"
  sync
}

# copy_of_table SOURCE COPY: a compact copy of SOURCE (rows, the NOT NULLs of
# bench_not_null, primary key id), autovacuum off like every benchmark table. No triggers.
copy_of_table() {
  local source=$1 name=$2 col not_null=""
  # shellcheck disable=SC2154  # bench_not_null is the sourcing script's
  for col in "${bench_not_null[@]}"; do not_null+="${not_null:+, }ALTER COLUMN $col SET NOT NULL"; done
  local statements=(-c "DROP TABLE IF EXISTS $name"
    -c "CREATE TABLE $name WITH (autovacuum_enabled = off) AS SELECT * FROM $source"
    -c "ALTER TABLE $name ADD PRIMARY KEY (id)")
  if [[ -n "$not_null" ]]; then statements+=(-c "ALTER TABLE $name $not_null"); fi
  sql "${statements[@]}"
}

# trigger_test LABEL STATEMENT_TEMPLATE TABLE...: runs the statement (with TABLE replaced by
# the table's name) bench_runs times on each TABLE, the order rotating from run to run (with
# two tables: A, B; B, A; ...), with settle before and VACUUM of the table after each run.
# Sets trig_times[TABLE] to each table's times (ms, space-separated; read them with
# trig_ratio, trig_best_ratio and trig_runs), trig_cpu[TABLE] and trig_wait[TABLE] to its
# backend's CPU time and wait for a CPU in each run (timed_sql_cpu; read with trig_cpu_ratio).
declare -A trig_times=() trig_cpu=() trig_wait=()
trigger_test() {
  local label=$1 template=$2
  shift 2
  local tables=("$@") run i side ms cpu wait order
  for side in "${tables[@]}"; do trig_times[$side]="" trig_cpu[$side]="" trig_wait[$side]=""; done
  # shellcheck disable=SC2154  # bench_runs is the sourcing script's
  for ((run = 1; run <= bench_runs; run++)); do
    order=()
    for ((i = 0; i < ${#tables[@]}; i++)); do
      order+=("${tables[(i + run - 1) % ${#tables[@]}]}")
    done
    for side in "${order[@]}"; do
      settle
      read -r ms cpu wait < <(timed_sql_cpu "${template//TABLE/$side}")
      sql -c "VACUUM $side"
      trig_times[$side]+="${trig_times[$side]:+ }$ms"
      trig_cpu[$side]+="${trig_cpu[$side]:+ }$cpu"
      trig_wait[$side]+="${trig_wait[$side]:+ }$wait"
      say "  $label run $run: $side $(fmt_num "$ms" 1) ms (CPU $(fmt_num "$cpu" 1) ms, waiting for a CPU $(fmt_num "$wait" 1) ms)"
    done
  done
}

# trig_median TABLE, trig_fastest TABLE: of its times in the last trigger_test that ran it.
trig_median() {
  # shellcheck disable=SC2086  # a list of numbers
  median ${trig_times[$1]}
}
trig_fastest() {
  # shellcheck disable=SC2086  # a list of numbers
  minimum ${trig_times[$1]}
}
# trig_ratio BASE TABLE: BASE's median time / TABLE's (above 1: TABLE was faster);
# trig_best_ratio BASE TABLE: the same of the fastest runs.
trig_ratio() { calc "$(trig_median "$1") / $(trig_median "$2")"; }
trig_best_ratio() { calc "$(trig_fastest "$1") / $(trig_fastest "$2")"; }
# trig_cpu_ratio BASE TABLE: the same ratio of the medians of the CPU times.
trig_cpu_ratio() {
  # shellcheck disable=SC2086  # lists of numbers
  calc "$(median ${trig_cpu[$1]}) / $(median ${trig_cpu[$2]})"
}
# trig_runs TABLE...: "runs of the first / runs of the second / ...", rounded to ms;
# trig_cpu_runs TABLE...: the same of the CPU times.
trig_lists() {
  local -n lists=$1
  shift
  local side joined=""
  for side; do
    # shellcheck disable=SC2086  # a list of numbers
    joined+="${joined:+ / }$(fmt_list ${lists[$side]})"
  done
  echo "$joined"
}
trig_runs() { trig_lists trig_times "$@"; }
trig_cpu_runs() { trig_lists trig_cpu "$@"; }

# compare_with_copy TABLE COPY LABEL STATEMENT_TEMPLATE [SQL_ARGS...]: makes TABLE and a fresh
# copy COPY equally compact (VACUUM FULL TABLE, CREATE TABLE AS), runs `sql SQL_ARGS` to set
# COPY up (its trigger) when given, then trigger_test on the two, and drops COPY.
compare_with_copy() {
  local table=$1 copy=$2 label=$3 template=$4
  shift 4
  sql -c "VACUUM FULL $table"
  copy_of_table "$table" "$copy"
  if (($# > 0)); then sql "$@"; fi
  sql -c "VACUUM ANALYZE $table" -c "VACUUM ANALYZE $copy"
  trigger_test "$label" "$template" "$table" "$copy"
  sql -c "DROP TABLE $copy"
}
