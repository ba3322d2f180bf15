#!/usr/bin/env bash
# What validate's verification costs: for an alter_column type change text -> numeric(12,2),
# the time pgphase spends verifying the shadow column (validate) against the time it spent
# backfilling it (backfill), on the same table in the same run, as a ratio: right after the
# backfill, and again (reverse --to backfill, VACUUM, validate) once VACUUM has run.
# Usage: scripts/bench_verify.sh
# Environment:
#   BENCH_ROWS    table size (default 1000000)
#   BENCH_RUNS    rounds, each on a fresh database, medians taken (default 3)
#   PGPHASE_JOBS  parallel compile jobs (default 2)
# Builds a Release binary in build-bench/, starts its own throwaway PostgreSQL (scripts/pg.sh,
# deleted on exit), prints the result and writes it to build-bench/bench-verify-results.txt.
# docs/benchmarks.md explains the numbers.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/bench_common.sh
source scripts/bench_common.sh
results="$bench_out_dir/bench-verify-results.txt"
rows=${BENCH_ROWS:-1000000}
runs=${BENCH_RUNS:-3}

[[ "$rows" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROWS: not a positive integer: $rows"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS: not a positive integer: $runs"
command -v psql >/dev/null 2>&1 || die "psql not found; run scripts/bootstrap.sh"

bench_build
bench_server
db="${server_url%/*}/bench_verify"

spec="$tmp/0001_amount.yaml"
cat >"$spec" <<'EOF'
operations:
  - alter_column:
      table: tv
      column: amount
      type: numeric(12,2)
      up: CAST(amount AS numeric(12,2))
      down: CAST(amount AS text)
EOF

# apply_ms PHASE: runs `pgphase apply --through PHASE`, prints its wall clock in ms.
apply_ms() {
  local t0 t1
  t0=$(now_ns)
  "$pgphase" apply "$spec" --through "$1" --db "$db" >"$tmp/$1.log"
  t1=$(now_ns)
  calc "($t1 - $t0) / 1e6"
}

# walk_ms STEP: the walk's own time, first batch to last checkpoint (pgphase.backfill).
walk_ms() {
  sql -At -c "SELECT extract(epoch FROM updated_at - started_at) * 1000 FROM pgphase.backfill
              WHERE step_id = '$1'"
}

load_at_start=$(cut -d ' ' -f 1-3 /proc/loadavg)
revision=$(bench_revision)
backfill_walls=() verify_walls=() backfill_walks=() verify_walks=() ratios=()
vacuumed_walks=() vacuumed_ratios=()
for ((round = 1; round <= runs; round++)); do
  say "[$rows rows, round $round/$runs] creating tv"
  psql -X -q -v ON_ERROR_STOP=1 -d "$server_url" -c "DROP DATABASE IF EXISTS bench_verify" \
    -c "CREATE DATABASE bench_verify" -c "ALTER DATABASE bench_verify SET synchronous_commit = on"
  sql -v rows="$rows" <<'EOF'
CREATE TABLE tv (id bigint NOT NULL, amount text NOT NULL, note text NOT NULL)
  WITH (autovacuum_enabled = off);
INSERT INTO tv SELECT g, ((g % 100000) * 1.37)::text, 'note ' || g
  FROM generate_series(1, :rows) g;
ALTER TABLE tv ADD PRIMARY KEY (id);
VACUUM ANALYZE tv;
EOF
  "$pgphase" apply "$spec" --through sync --db "$db" >"$tmp/sync.log"  # not timed
  sql -c "CHECKPOINT"
  backfill_walls+=("$(apply_ms backfill)")
  # validate holds only the verification here (nullable, no constraint, no index), run as an
  # operator would: right after the backfill, with its dead row versions not vacuumed yet.
  sql -c "CHECKPOINT"
  verify_walls+=("$(apply_ms validate)")
  grep -q "verify tv: $rows rows checked, 0 mismatched" "$tmp/validate.log" ||
    die "verification did not report $rows clean rows: $(cat "$tmp/validate.log")"
  backfill_walks+=("$(walk_ms backfill.tv)")
  verify_walks+=("$(walk_ms validate.tv.verify)")
  ratios+=("$(calc "${verify_walks[-1]} / ${backfill_walks[-1]}")")
  # Again once VACUUM has removed the backfill's dead row versions and set the visibility map,
  # as autovacuum would between a backfill tonight and validate tomorrow.
  "$pgphase" reverse 0001_amount --to backfill --db "$db" >"$tmp/reverse.log"
  sql -c "VACUUM tv" -c "CHECKPOINT"
  apply_ms validate >/dev/null
  vacuumed_walks+=("$(walk_ms validate.tv.verify)")
  vacuumed_ratios+=("$(calc "${vacuumed_walks[-1]} / ${backfill_walks[-1]}")")
  say "  backfill $(fmt_num "${backfill_walks[-1]}") ms, verify $(fmt_num "${verify_walks[-1]}") ms" \
    "(ratio $(fmt_num "${ratios[-1]}" 3)), after VACUUM $(fmt_num "${vacuumed_walks[-1]}") ms" \
    "(ratio $(fmt_num "${vacuumed_ratios[-1]}" 3))"
done
psql -X -q -d "$server_url" -c "DROP DATABASE bench_verify"

{
  echo "pgphase verification cost, $(date -u '+%Y-%m-%d %H:%M UTC'), $rows rows, $(nproc) cores," \
    "load average at start $load_at_start, commit $revision"
  echo "verify / backfill (walk times, median of $runs): $(fmt_num "$(median "${ratios[@]}")" 3)" \
    "right after the backfill; $(fmt_num "$(median "${vacuumed_ratios[@]}")" 3) after VACUUM"
  echo "backfill walk ms: $(fmt_list "${backfill_walks[@]}"); apply --through backfill ms: $(fmt_list "${backfill_walls[@]}")"
  echo "verify walk ms: $(fmt_list "${verify_walks[@]}"); apply --through validate ms: $(fmt_list "${verify_walls[@]}")"
  echo "verify walk after VACUUM ms: $(fmt_list "${vacuumed_walks[@]}")"
} >"$results"
cat "$results"
