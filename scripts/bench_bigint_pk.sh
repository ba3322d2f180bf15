#!/usr/bin/env bash
# An integer primary key that another table references becomes bigint (issue 14), under an
# application load on both tables: pgbench (pgbench -R) reads and writes the parent by key and
# inserts and reads child rows that reference it, through a whole pgphase `alter_column` of
# orders.id (its referencing order_items.order_id changes with it), and, in the same run on
# identical fresh tables, through the blocking ALTER TABLE ... TYPE bigint of both tables in
# one transaction. Reports per-table backfill rows/s and swap lock hold, and the app's TPS
# against the offered rate, p99 and maximum latency, and client errors, for a quiet baseline
# and for each of the two.
# Usage: scripts/bench_bigint_pk.sh
# Environment:
#   BENCH_ROWS     parent rows (default 1000000); the child has three times as many
#   BENCH_RATE     offered rate, transactions per second (default 200)
#   BENCH_CLIENTS  pgbench clients (default 4)
#   BENCH_MIGRATION_SECONDS  how long the app runs from the migration's start (default 180;
#                  longer than the migration, which is measured within it)
#   PGPHASE_JOBS   parallel compile jobs (default 2)
# Builds a Release binary in build-bench/, starts its own throwaway PostgreSQL (scripts/pg.sh,
# deleted on exit), prints the result and writes it to build-bench/bench-bigint-pk-results.txt.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/bench_common.sh
source scripts/bench_common.sh
results="$bench_out_dir/bench-bigint-pk-results.txt"
rows=${BENCH_ROWS:-1000000}
rate=${BENCH_RATE:-200}
clients=${BENCH_CLIENTS:-4}
for v in "$rows" "$rate" "$clients"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROWS, BENCH_RATE, BENCH_CLIENTS: not a positive integer: $v"
done
bench_pgbench

bench_build
bench_server
db="${server_url%/*}/bench_pk"
load_at_start=$(cut -d ' ' -f 1-3 /proc/loadavg)
revision=$(bench_revision)

# The app, on both tables: a point read and write of an order, a new item referencing it, a
# read of its items, and an order taken from the sequence. No statement names a type, so it
# runs unchanged before and after the swap.
cat >"$tmp/app.sql" <<EOF
\\set id random(1, $rows)
SELECT note FROM orders WHERE id = :id;
UPDATE orders SET note = 'n' || :id WHERE id = :id;
INSERT INTO order_items (order_id, qty) VALUES (:id, 1);
SELECT count(*) FROM order_items WHERE order_id = :id;
INSERT INTO orders (note) VALUES ('app');
EOF
cat >"$tmp/0001_orders_bigint.yaml" <<'EOF'
operations:
  - alter_column:
      table: orders
      column: id
      type: bigint
EOF

fresh_tables() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$server_url" -c "DROP DATABASE IF EXISTS bench_pk" \
    -c "CREATE DATABASE bench_pk"
  sql -v rows="$rows" <<'SQL'
CREATE TABLE orders (id serial PRIMARY KEY, note text);
CREATE TABLE order_items (id bigserial PRIMARY KEY,
                          order_id integer REFERENCES orders (id) ON DELETE CASCADE,
                          qty int);
INSERT INTO orders (note) SELECT 'o' || g FROM generate_series(1, :rows) g;
INSERT INTO order_items (order_id, qty) SELECT g % :rows + 1, g % 10 FROM generate_series(1, 3 * :rows) g;
CREATE INDEX order_items_order_id_idx ON order_items (order_id);
VACUUM ANALYZE;
SQL
}

# start_app NAME SECONDS: pgbench in the background, per-transaction log under $tmp/NAME.
start_app() {
  mkdir -p "$tmp/$1"
  (cd "$tmp/$1" && exec "$pgbench_bin" -n -c "$clients" -j "$clients" -R "$rate" -T "$2" -l \
    -f "$tmp/app.sql" "$db" >"$tmp/$1/out.txt" 2>&1) &
  app_pid=$!
}

# What apply printed, per table: the backfill's last rate, the swap's lock hold.
per_table() {
  local t rate_line hold
  for t in orders order_items; do
    rate_line=$(grep -E "^  backfill $t: .*\(100%\)" "$tmp/apply.log" | tail -n 1 |
      sed -n 's/.*(100%), \([0-9]*\) rows\/s.*/\1/p')
    hold=$(sed -n "s/^  swap\.$t: locks held for \([0-9.]* ms\).*/\1/p" "$tmp/apply.log")
    echo "  $t: backfill ${rate_line:-?} rows/s, swap lock held ${hold:-?}"
  done
}

say "[$rows orders, $((3 * rows)) items] baseline: the app alone"
fresh_tables
settle
start_app quiet 20
wait "$app_pid"
quiet=$(app_report quiet "quiet (no migration)")
say "  $quiet"

say "[$rows orders] pgphase: apply --through swap, then contract, under the app"
fresh_tables
settle
start_app pgphase "${BENCH_MIGRATION_SECONDS:-180}"
t0=$(now_ns)
"$pgphase" apply "$tmp/0001_orders_bigint.yaml" --through swap --db "$db" >"$tmp/apply.log"
"$pgphase" apply "$tmp/0001_orders_bigint.yaml" --through contract --db "$db" >>"$tmp/apply.log"
t1=$(now_ns)
wait "$app_pid" || true  # it runs on past the migration: its log is complete once it exits
migrated=$(app_report pgphase "pgphase ($(fmt_num "$(calc "($t1 - $t0) / 1e9")" 1) s, orders.id and order_items.order_id to bigint through contract)" "$t0" "$t1")
per_table_lines=$(per_table)
say "  $migrated"
say "$per_table_lines"

say "[$rows orders] blocking ALTER TABLE ... TYPE bigint of both tables under the app"
fresh_tables
settle
start_app blocking 60
sleep 2
t0=$(now_ns)
sql -c "BEGIN" -c "ALTER TABLE orders ALTER COLUMN id TYPE bigint" \
  -c "ALTER TABLE order_items ALTER COLUMN order_id TYPE bigint" -c "COMMIT"
t1=$(now_ns)
wait "$app_pid" || true
blocking=$(app_report blocking "blocking ALTER ($(fmt_num "$(calc "($t1 - $t0) / 1e9")" 1) s, and 2 s on each side)" "$((t0 - 2000000000))" "$((t1 + 2000000000))")
say "  $blocking"
psql -X -q -d "$server_url" -c "DROP DATABASE bench_pk"

{
  echo "int -> bigint of a referenced primary key under application load (issue 14)," \
    "$(date -u '+%Y-%m-%d %H:%M UTC'), $rows orders, $((3 * rows)) order_items," \
    "$(nproc) cores, load average at start $load_at_start, commit $revision"
  echo "pgbench -c $clients -R $rate (offered $rate tps): per transaction a point SELECT and" \
    "UPDATE of an order, an INSERT and a SELECT of its items, an INSERT of an order from the sequence"
  echo "$quiet"
  echo "$migrated"
  echo "$per_table_lines"
  echo "$blocking"
} >"$results"
cat "$results"
