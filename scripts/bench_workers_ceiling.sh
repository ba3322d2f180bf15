#!/usr/bin/env bash
# What two workers can reach at best on this machine (issue 13's 2-worker target): the
# backfill's own batches, run as server-side loops with no client at all (a PL/pgSQL procedure
# that COMMITs after each 50 000-row keyset batch), against one blocking UPDATE of an identical
# copy, side by side in each round. Each variant gets a fresh database with pgphase's sync
# triggers on t (`apply --through sync` of integration/bench/add_shout.yaml):
#   loop, 1 session      the batches as pgphase runs them: an index pass for the batch's last
#                        key, then the UPDATE of the range
#   loop, 2 sessions     the same over the two halves of the key range, at once
#   stride, 2 sessions   no index pass: each batch is the next 50 000 ids (the keys are dense)
#   pgphase, 2 workers   `apply --through backfill --workers 2`
# A ratio is the UPDATE's time over the variant's (above 1: faster than the UPDATE).
# Usage: scripts/bench_workers_ceiling.sh
# Environment: BENCH_ROWS (default 1000000), BENCH_RUNS (default 3), PGPHASE_BENCH_BIN.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/bench_common.sh
source scripts/bench_common.sh
spec="$PWD/integration/bench/add_shout.yaml"
readonly kRows=${BENCH_ROWS:-1000000} kRuns=${BENCH_RUNS:-3} kBatch=50000
[[ "$kRows" =~ ^[1-9][0-9]*$ && "$kRuns" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROWS, BENCH_RUNS: positive integers"

bench_build
bench_server
db=

# The backfill's batch loop on the server: ids (lo, hi], `batch` rows a transaction; with
# `bound`, each batch's last key found first as pgphase finds it (count and max over the
# first `batch` keys), else the next `batch` ids.
readonly kProcedure="
CREATE PROCEDURE ceiling_fill(lo bigint, hi bigint, batch int, bound bool) LANGUAGE plpgsql AS \$\$
DECLARE
  a bigint := lo;
  b bigint;
  n bigint;
BEGIN
  LOOP
    IF bound THEN
      SELECT count(*), max(id) INTO n, b FROM (SELECT id FROM t WHERE id > a AND id <= hi ORDER BY id LIMIT batch) s;
      EXIT WHEN n = 0;
    ELSE
      EXIT WHEN a >= hi;
      b := least(a + batch, hi);
    END IF;
    PERFORM pg_catalog.set_config('pgphase.filling', 'on', true);
    UPDATE t SET shout = COALESCE(shout, upper(name)) WHERE id > a AND id <= b AND shout IS NULL;
    a := b;
    COMMIT;
  END LOOP;
END
\$\$"

call() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "SET synchronous_commit = off" -c "CALL ceiling_fill($1)"; }

# variant NAME: a fresh database with the sync triggers, then NAME's fill of t, timed; prints ms.
variant() {
  local t0 t1 half=$((kRows / 2))
  fresh_database bench_ceiling "$kRows" >/dev/null
  "$pgphase" apply "$spec" --through sync --db "$db" >/dev/null
  sql -c "$kProcedure"
  settle
  t0=$(now_ns)
  case $1 in
    loop1) call "0, $kRows, $kBatch, true" ;;
    loop2) call "0, $half, $kBatch, true" & call "$half, $kRows, $kBatch, true" & wait ;;
    stride2) call "0, $half, $kBatch, false" & call "$half, $kRows, $kBatch, false" & wait ;;
    pgphase2) "$pgphase" apply "$spec" --through backfill --workers 2 --db "$db" >/dev/null ;;
  esac
  t1=$(now_ns)
  local wrong
  wrong=$(sql -At -c "SELECT count(*) FROM t WHERE shout IS DISTINCT FROM upper(name)")
  ((wrong == 0)) || die "$1 left $wrong rows unfilled"
  calc "($t1 - $t0) / 1e6"
}

readonly kVariants=(loop1 loop2 stride2 pgphase2)
declare -A ratios
load_at_start=$(cut -d ' ' -f 1-3 /proc/loadavg)
for ((round = 1; round <= kRuns; round++)); do
  fresh_database bench_ceiling "$kRows" >/dev/null
  sql -c "ALTER TABLE t_base ADD COLUMN shout text"
  settle
  base=$(timed_sql "UPDATE t_base SET shout = upper(name)")
  for v in "${kVariants[@]}"; do
    ms=$(variant "$v")
    ratios[$v]+="$(fmt_num "$(calc "$base / $ms")" 2) "
    say "round $round: UPDATE $(fmt_num "$base") ms, $v $(fmt_num "$ms") ms"
  done
done
psql -X -q -d "$server_url" -c "DROP DATABASE IF EXISTS bench_ceiling"

echo "$kRows rows, $(nproc) cores, load average at start $load_at_start, commit $(bench_revision)"
echo "variant | ratio to one UPDATE (median) | each round"
for v in "${kVariants[@]}"; do
  read -ra rs <<<"${ratios[$v]}"
  echo "$v | $(median "${rs[@]}") | ${ratios[$v]}"
done
