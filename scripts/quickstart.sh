#!/usr/bin/env bash
# The demo for a fresh machine: installs what is missing, builds pgphase, starts a
# throwaway PostgreSQL under .pgphase-demo/, loads a 300000-row `users` table into a
# fresh database `pgphase_demo`, and runs plans/0001_users_shout.yaml phase by phase,
# printing each command before it runs. Safe to re-run: the demo database is dropped
# and recreated each time.
# Usage: scripts/quickstart.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly demo_dir=.pgphase-demo
readonly spec=plans/0001_users_shout.yaml
readonly migration=0001_users_shout
readonly pgphase=build/pgphase

# Prints an argument so that it can be pasted back into a shell.
shell_word() {
  if [[ "$1" =~ ^[A-Za-z0-9_./:@=+%,-]+$ ]]; then
    printf '%s' "$1"
  else
    printf "'%s'" "${1//\'/\'\\\'\'}"
  fi
}

show() {
  local line="+" arg
  for arg in "$@"; do
    line+=" $(shell_word "$arg")"
  done
  printf '%s\n' "$line"
}

run() {
  show "$@"
  "$@"
}

section() {
  printf '\n== %s\n' "$*"
}

# shellcheck disable=SC2317  # called by the EXIT trap
on_exit() {
  local rc=$?
  if ((rc != 0)); then
    echo >&2
    echo "quickstart: failed (exit $rc)." >&2
    if [[ -d "$demo_dir" ]]; then
      echo "quickstart: server log: $(bash scripts/pg.sh log "$demo_dir" 2>/dev/null || echo '?')" >&2
    fi
  fi
}
trap on_exit EXIT

section "Install missing packages and build"
bash scripts/bootstrap.sh
bash scripts/build.sh --target pgphase

section "Start a throwaway PostgreSQL in $demo_dir/"
admin_url=$(bash scripts/pg.sh start "$demo_dir")
db_url="${admin_url%/postgres}/pgphase_demo"

section "Create database pgphase_demo with 300000 users"
run psql -X -q -v ON_ERROR_STOP=1 "$admin_url" \
  -c 'SET client_min_messages = warning' -c 'DROP DATABASE IF EXISTS pgphase_demo WITH (FORCE)' -c 'CREATE DATABASE pgphase_demo'
run psql -X -q -v ON_ERROR_STOP=1 "$db_url" -f plans/demo/schema.sql
run psql -X -v ON_ERROR_STOP=1 "$db_url" -c '\d users'

section "Review the plan: every statement, by phase, with its lock"
run "$pgphase" plan "$spec" --db "$db_url"

section "Apply phase by phase"
run "$pgphase" apply "$spec" --through expand --db "$db_url"
run "$pgphase" apply "$spec" --through sync --db "$db_url"
run "$pgphase" apply "$spec" --through backfill --db "$db_url"
run "$pgphase" wait "$migration" --phase backfill --timeout 1m --db "$db_url"
run "$pgphase" apply "$spec" --through validate --db "$db_url"
run "$pgphase" apply "$spec" --through swap --db "$db_url"
run "$pgphase" apply "$spec" --through contract --db "$db_url"

section "Status (connection from PGPHASE_DB this time)"
export PGPHASE_DB="$db_url"
show PGPHASE_DB="$db_url" "$pgphase" status
"$pgphase" status

section "The result"
run psql -X -v ON_ERROR_STOP=1 "$db_url" -c '\d users' \
  -c 'SELECT id, name, name_upper FROM users ORDER BY id LIMIT 3'

cat <<EOF

Done. The demo server keeps running:
  connect:  psql '$db_url'
  stop:     scripts/pg.sh stop $demo_dir
  delete:   scripts/pg.sh destroy $demo_dir
EOF
