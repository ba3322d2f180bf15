#!/usr/bin/env bash
# The application under load through a migration (issue 10): pgbench acts as the old app,
# reading and writing the migrated column at a fixed rate (pgbench -R), through a whole
# alter_column type change (text -> numeric) of a table with pgphase, and, in the same run on
# an identical fresh table, through the blocking ALTER TABLE ... TYPE a user would otherwise
# write. Reports TPS against the offered rate, p99 and maximum latency, and client errors, for
# a quiet baseline and for each of the two.
# Usage: scripts/bench_load.sh
# Environment:
#   BENCH_ROWS     table size (default 1000000)
#   BENCH_RATE     offered rate, transactions per second (default 200)
#   BENCH_CLIENTS  pgbench clients (default 4)
#   BENCH_INSERTS  1: each transaction also inserts a row, as issue 13's app does (default 0)
#   BENCH_MIGRATION_SECONDS  how long the app runs from the migration's start (default 120;
#                  longer than the migration, which is measured within it)
#   BENCH_CURVE    "TARGET:MAX_APP_WAIT[:DELAY] ..." points (default "200ms:50ms"): one pgphase
#                  run under the app for each, with settings target_batch_time and max_app_wait
#                  (and --batch-delay DELAY under the app, when given), e.g.
#                  "25ms:0ms 50ms:0ms 100ms:0ms 200ms:0ms 200ms:50ms" for issue 13's curve.
#                  Each reports the backfill's rows/s under the app beside its rows/s alone,
#                  and the app's latency through swap and during each phase (expand, sync,
#                  backfill, validate, swap: pgphase.phases' times) and during each step of
#                  validate that took 20 ms or more (pgphase.events), to find where a tail is.
#   BENCH_BEFORE_SECONDS  how long each point's app runs before its migration starts (default
#                  10): the baseline measured just before, in the same pgbench run, which the
#                  point's p99 is compared with (a machine whose latency drifts from minute to
#                  minute makes the first quiet run a poor baseline for the last point)
#   BENCH_BUSY_ROUNDS  N: after the quiet baseline, N rounds of the app for 8 s alone, for 8 s
#                  beside one server backend kept busy (a long generate_series count), and for
#                  8 s beside one backend that writes (50 000-row UPDATE batches with a COMMIT
#                  after each, like a backfill's, over a table the app never touches), each with
#                  its steal: what one busy core, and one writing backend, cost the app's p99
#                  with no lock between them (default 0: none)
#   PGPHASE_JOBS   parallel compile jobs (default 2)
# Each window also reports the CPU time the hypervisor took (steal, from /proc/stat), and each
# point the lock waits longer than 1 ms that the server logged (log_lock_waits, with
# deadlock_timeout 1ms on this throwaway server): a tail without lock waits is the machine's.
# Builds a Release binary in build-bench/, starts its own throwaway PostgreSQL (scripts/pg.sh,
# deleted on exit), prints the result and writes it to build-bench/bench-load-results.txt.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/bench_common.sh
source scripts/bench_common.sh
results="$bench_out_dir/bench-load-results.txt"
rows=${BENCH_ROWS:-1000000}
rate=${BENCH_RATE:-200}
clients=${BENCH_CLIENTS:-4}
before=${BENCH_BEFORE_SECONDS:-10}
for v in "$rows" "$rate" "$clients"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROWS, BENCH_RATE, BENCH_CLIENTS: not a positive integer: $v"
done
if ! [[ "$before" =~ ^[0-9]+$ ]] || ((before < 2)); then
  die "BENCH_BEFORE_SECONDS: not a whole number of seconds, 2 or more: $before"
fi
bench_pgbench

bench_build
bench_server
db="${server_url%/*}/bench_load"
load_at_start=$(cut -d ' ' -f 1-3 /proc/loadavg)
revision=$(bench_revision)
# Every lock wait longer than 1 ms is logged, to tell a tail of lock waits from the machine's.
psql -X -q -d "$server_url" -c "ALTER SYSTEM SET log_lock_waits = on" \
  -c "ALTER SYSTEM SET deadlock_timeout = '1ms'" -c "SELECT pg_reload_conf()" >/dev/null
server_log=$(bash scripts/pg.sh log "$pgdir")

# The old app: one point read and one point write of the migrated column per transaction
# (and with BENCH_INSERTS=1 one insert of a new row). The value is an untyped literal, so the
# same statement writes text before and numeric after.
cat >"$tmp/app.sql" <<EOF
\\set id random(1, $rows)
SELECT amount FROM t WHERE id = :id;
UPDATE t SET amount = ':id.5' WHERE id = :id;
EOF
if [[ "${BENCH_INSERTS:-0}" == 1 ]]; then
  cat >>"$tmp/app.sql" <<EOF
\\set new random($((rows + 1)), $((rows + 1000000000)))
INSERT INTO t (id, amount, n) VALUES (:new, ':new.5', 1) ON CONFLICT DO NOTHING;
EOF
fi

# spec_for TARGET MAX_APP_WAIT: the migration, with those batch settings.
spec_for() {
  cat >"$tmp/0001_amount.yaml" <<EOF
settings:
  target_batch_time: $1
  max_app_wait: $2
operations:
  - alter_column:
      table: t
      column: amount
      type: numeric
      up: CAST(amount AS numeric)
EOF
}

# phase_window PHASE: the phase's start and end, in ns since the epoch.
phase_window() {
  sql -At -F ' ' -c "SELECT (extract(epoch FROM started_at) * 1e9)::bigint, (extract(epoch FROM finished_at) * 1e9)::bigint FROM pgphase.phases WHERE phase = '$1'"
}

# long_steps: "STEP_ID START_NS END_NS" for each step of validate that took 20 ms or more, from
# the event before its own to its own (pgphase.events; pgphase.steps keeps no step's times).
long_steps() {
  sql -At -F ' ' -c "SELECT step_id, (extract(epoch FROM since) * 1e9)::bigint, (extract(epoch FROM at) * 1e9)::bigint FROM (SELECT step_id, phase, at, lag(at) OVER (ORDER BY id) AS since FROM pgphase.events) e WHERE phase = 'validate' AND step_id IS NOT NULL AND at - since >= interval '20 ms' ORDER BY at"
}

# backfill_rate: rows/s of the finished backfill phase (its rows over its duration).
backfill_rate() {
  sql -At -c "SELECT round($rows / extract(epoch FROM finished_at - started_at)) FROM pgphase.phases WHERE phase = 'backfill'"
}

fresh_table() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$server_url" -c "DROP DATABASE IF EXISTS bench_load" \
    -c "CREATE DATABASE bench_load"
  sql -v rows="$rows" <<'SQL'
CREATE TABLE t (id bigint PRIMARY KEY, amount text NOT NULL, n int NOT NULL);
INSERT INTO t SELECT g, (g * 1.5)::text, g % 100 FROM generate_series(1, :rows) g;
VACUUM ANALYZE t;
SQL
}

# lock_waits FROM_BYTE: the lock waits the server logged since that offset of its log, their
# count and the longest.
lock_waits() {
  tail -c +"$(($1 + 1))" "$server_log" | awk '
    / acquired .* after [0-9.]+ ms/ {
      match($0, /after [0-9.]+ ms/)
      ms = substr($0, RSTART + 6, RLENGTH - 9) + 0
      n++
      if (ms > max) max = ms
    }
    END { printf "%d lock waits over 1 ms, the longest %.1f ms", n, max }'
}

# start_app NAME SECONDS: pgbench in the background, per-transaction log under $tmp/NAME.
start_app() {
  mkdir -p "$tmp/$1"
  (cd "$tmp/$1" && exec "$pgbench_bin" -n -c "$clients" -j "$clients" -R "$rate" -T "$2" -l \
    -f "$tmp/app.sql" "$db" >"$tmp/$1/out.txt" 2>&1) &
  app_pid=$!
}

say "[$rows rows] baseline: the app alone"
fresh_table
settle
start_app quiet 20
wait "$app_pid"
quiet=$(app_report quiet "quiet (no migration)")
say "  $quiet"

# app_round NAME WHAT: the app for 8 s, reported with the steal in that time.
app_round() {
  local c0
  c0=$(cpu_ticks)
  start_app "$1" 8
  wait "$app_pid" || true
  busy+="$(app_report "$1" "$2 (steal $(steal "$c0" "$(cpu_ticks)") %)")"$'\n'
}

# beside NAME WHAT STATEMENT: app_round while one backend runs STATEMENT until its
# statement_timeout, just after the app's 8 s.
beside() {
  local hog
  PGOPTIONS="$PGOPTIONS -c statement_timeout=9s" sql -c "$3" >/dev/null 2>&1 &
  hog=$!
  sleep 0.5
  app_round "$1" "$2"
  wait "$hog" || true  # canceled by its timeout
}

# busy_rounds: the app alone, beside one counting backend and beside one writing backend
# (UPDATE batches over w, a table of its own: no lock the app could wait on), BENCH_BUSY_ROUNDS
# times.
busy_rounds() {
  local i
  ((${BENCH_BUSY_ROUNDS:-0} > 0)) || return 0
  sql -v rows="$rows" <<'SQL'
CREATE TABLE w (id bigint PRIMARY KEY, name text NOT NULL, shout text);
INSERT INTO w SELECT g, 'name ' || g, NULL FROM generate_series(1, :rows) g;
VACUUM ANALYZE w;
SQL
  for ((i = 1; i <= BENCH_BUSY_ROUNDS; i++)); do
    app_round "busy_${i}_alone" "round $i, the app alone"
    beside "busy_${i}_busy" "round $i, the app beside a busy backend" \
      "SELECT count(*) FROM generate_series(1, 10000000000)"
    beside "busy_${i}_write" "round $i, the app beside a backend that writes" "DO \$\$
      DECLARE lo bigint := 0;
      BEGIN LOOP
        UPDATE w SET shout = CASE WHEN shout IS NULL THEN upper(name) END
          WHERE id > lo AND id <= lo + 50000;
        COMMIT;
        lo := CASE WHEN lo + 50000 >= $rows THEN 0 ELSE lo + 50000 END;
      END LOOP; END \$\$"
  done
  sql -c "DROP TABLE w"
}
busy=""
busy_rounds
[[ -z "$busy" ]] || say "  one busy backend, and one writing backend, beside the app:"$'\n'"$busy"

migrated=""
for point in ${BENCH_CURVE:-200ms:50ms}; do
  IFS=: read -r target app_wait delay <<<"$point"
  spec_for "$target" "$app_wait"
  say "[$rows rows] pgphase alone, target_batch_time $target, max_app_wait $app_wait"
  fresh_table
  settle
  "$pgphase" apply "$tmp/0001_amount.yaml" --through backfill --db "$db" >"$tmp/alone.log"
  alone=$(backfill_rate)
  say "[$rows rows] pgphase: apply --through swap, then contract, under the app"
  fresh_table
  settle
  name="pgphase_${target}_${app_wait}${delay:+_$delay}"
  start_app "$name" "$((before + ${BENCH_MIGRATION_SECONDS:-120}))"
  sleep 1  # pgbench connects
  b0=$(now_ns) b0_cpu=$(cpu_ticks)
  sleep "$((before - 1))"
  t0=$(now_ns) t0_cpu=$(cpu_ticks) t0_log=$(stat -c %s "$server_log")
  "$pgphase" apply "$tmp/0001_amount.yaml" --through swap --db "$db" ${delay:+--batch-delay "$delay"} >"$tmp/apply.log"
  t_swap=$(now_ns) t_swap_cpu=$(cpu_ticks)
  waits=$(lock_waits "$t0_log")
  loaded=$(backfill_rate)
  windows=()
  for phase in expand sync backfill validate swap; do windows+=("$phase $(phase_window "$phase")"); done
  while read -r step p0 p1; do windows+=("$step $p0 $p1"); done < <(long_steps)
  "$pgphase" apply "$tmp/0001_amount.yaml" --through contract --db "$db" >>"$tmp/apply.log"
  t1=$(now_ns)
  wait "$app_pid" || true  # it runs on past the migration: its log is complete once it exits
  cp "$tmp/apply.log" "$bench_out_dir/bench-load-$name.log"
  line=$(app_report "$name" "pgphase target_batch_time $target max_app_wait $app_wait${delay:+ batch_delay $delay} ($(fmt_num "$(calc "($t1 - $t0) / 1e9")" 1) s through contract)" "$t0" "$t1")
  line+=", backfill $loaded rows/s under the app, $alone alone ($(fmt_num "$(calc "$loaded / $alone")" 2))"
  line+="; $(app_report "$name" "just before ($(fmt_num "$(calc "($t0 - $b0) / 1e9")" 1) s, steal $(steal "$b0_cpu" "$t0_cpu") %)" "$b0" "$t0")"
  line+="; $(app_report "$name" "through swap ($(fmt_num "$(calc "($t_swap - $t0) / 1e9")" 1) s, steal $(steal "$t0_cpu" "$t_swap_cpu") %)" "$t0" "$t_swap")"
  line+=", p99 $(fmt_num "$(calc "$(app_p99 "$name" "$t0" "$t_swap") / $(app_p99 "$name" "$b0" "$t0")")" 1)x just before's, $waits"
  for window in "${windows[@]}"; do  # each phase, to see where the tail comes from
    read -r phase p0 p1 <<<"$window"
    line+="; $(app_report "$name" "during $phase ($(fmt_num "$(calc "($p1 - $p0) / 1e9")" 2) s)" "$p0" "$p1")"
  done
  say "  $line"
  migrated+="$line"$'\n'
done

say "[$rows rows] blocking ALTER TABLE ... TYPE under the app"
fresh_table
settle
start_app blocking 30
sleep 2
t0=$(now_ns)
sql -c "ALTER TABLE t ALTER COLUMN amount TYPE numeric USING amount::numeric"
t1=$(now_ns)
wait "$app_pid" || true
blocking=$(app_report blocking "blocking ALTER ($(fmt_num "$(calc "($t1 - $t0) / 1e9")" 1) s, and 2 s on each side)" "$((t0 - 2000000000))" "$((t1 + 2000000000))")
say "  $blocking"
psql -X -q -d "$server_url" -c "DROP DATABASE bench_load"

{
  echo "pgphase under application load (issue 10), $(date -u '+%Y-%m-%d %H:%M UTC'), $rows rows," \
    "$(nproc) cores, load average at start $load_at_start, commit $revision"
  echo "pgbench -c $clients -R $rate (offered $rate tps): one point SELECT and one point UPDATE of the migrated column"
  echo "$quiet"
  printf '%s' "$busy"
  printf '%s' "$migrated"
  echo "$blocking"
} >"$results"
cat "$results"
