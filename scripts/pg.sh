#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and the demo. Never use it for data you keep:
# it runs with fsync off and trusts every local connection.
#
# Usage:
#   scripts/pg.sh start DIR [PORT]   start a server kept in DIR (initdb on first use) and
#                                    print its URL; if it is already running, just print it
#   scripts/pg.sh stop DIR           stop it; nothing to do if it is not running
#   scripts/pg.sh url DIR            print its URL: postgresql://postgres@127.0.0.1:PORT/postgres
#   scripts/pg.sh log DIR            print the path of its server log
#   scripts/pg.sh destroy DIR        stop it and delete everything start created
#   scripts/pg.sh standby PRIMARY DIR  start a streaming standby of the server in PRIMARY
#                                    (pg_basebackup -R) kept in DIR, and print its URL
#
# Only the URL (or log path) goes to stdout, so `url=$(scripts/pg.sh start DIR)` works;
# everything else goes to stderr. Without PORT, the first free port from 55432 upward.
# The server listens on 127.0.0.1 and on a unix socket in its directory, with trust auth.
#
# Files: BASE/data (the cluster), BASE/port, BASE/postgres.log (server log),
# BASE/initdb.log. BASE is DIR, except when the server's user cannot reach DIR (as root,
# the server runs as `postgres`, which cannot enter /root or a 0700 directory) or DIR is
# too long for a unix socket path: then BASE is a fresh /tmp/pgphase-pg.XXXXXX and
# DIR/location holds its path.
set -euo pipefail

readonly kFirstPort=55432
readonly kPortTries=200

say() { echo "pg.sh: $*" >&2; }
die() {
  say "$*"
  exit 1
}

usage() {
  sed -n '5,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# The directory holding initdb, pg_ctl and postgres: pg_config's if it has initdb
# (Debian's pg_config often points at the client-only /usr/bin), else the highest
# installed version under /usr/lib/postgresql.
find_bindir() {
  local dir
  if command -v pg_config >/dev/null 2>&1; then
    dir=$(pg_config --bindir 2>/dev/null || true)
    if [[ -n "$dir" && -x "$dir/initdb" ]]; then
      echo "$dir"
      return
    fi
  fi
  local candidates=()
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/initdb" ]] && candidates+=("$dir")
  done
  if ((${#candidates[@]} == 0)); then
    die "no PostgreSQL server binaries (initdb) found; run scripts/bootstrap.sh"
  fi
  printf '%s\n' "${candidates[@]}" | sort -V | tail -n 1
}

# Runs a command as the user the server runs as: `postgres` when we are root (initdb
# refuses root), else ourselves. From / so that a cwd postgres cannot enter is harmless.
as_pg() {
  if ((EUID == 0)); then
    if command -v runuser >/dev/null 2>&1; then
      (cd / && runuser -u postgres -- "$@")
    else
      (cd / && su postgres -s /bin/bash -c "$(printf '%q ' "$@")")
    fi
  else
    "$@"
  fi
}

# Absolute form of a path that may not exist yet.
abspath() {
  if [[ "$1" == /* ]]; then
    echo "$1"
  else
    echo "$PWD/$1"
  fi
}

# Where the server's files for DIR live (see the header). Prints nothing if DIR was
# never used.
base_of() {
  local dir=$1
  if [[ -f "$dir/location" ]]; then
    cat "$dir/location"
  elif [[ -d "$dir" ]]; then
    echo "$dir"
  fi
}

port_in_use() {
  # A successful TCP connect means something listens there.
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

free_port_from() {
  local port=$1 last=$(($1 + kPortTries))
  while ((port < last)); do
    if ! port_in_use "$port"; then
      echo "$port"
      return
    fi
    port=$((port + 1))
  done
  die "no free port in $1..$((last - 1))"
}

is_running() {
  local base=$1
  [[ -f "$base/data/PG_VERSION" ]] || return 1
  as_pg "$bindir/pg_ctl" -D "$base/data" status >/dev/null 2>&1
}

print_url() {
  local base=$1
  [[ -f "$base/port" ]] || die "no server recorded in ${base}; run: scripts/pg.sh start DIR"
  echo "postgresql://postgres@127.0.0.1:$(cat "$base/port")/postgres"
}

# Writes stdin to FILE as the server's user.
write_as_pg() {
  as_pg tee "$1" >/dev/null
}

# Chooses BASE for a new server in DIR (which exists) and prints it.
prepare_base() {
  local dir=$1
  if ((EUID == 0)) && [[ -z "$(ls -A "$dir")" ]]; then
    chown postgres:postgres "$dir"
  fi
  # 107 bytes is the usual limit of a unix socket path; ".s.PGSQL.NNNNN" needs 15.
  if ((${#dir} <= 90)) && as_pg test -w "$dir" -a -x "$dir"; then
    echo "$dir"
    return
  fi
  local tmp=/tmp
  if ((EUID != 0)); then
    tmp=${TMPDIR:-/tmp}
  fi
  local base
  base=$(mktemp -d "$tmp/pgphase-pg.XXXXXX")
  if ((EUID == 0)); then
    chown postgres:postgres "$base"
  fi
  echo "$base" >"$dir/location"
  say "the server cannot use $dir; keeping its files in $base (recorded in $dir/location)"
  echo "$base"
}

init_cluster() {
  local base=$1
  local locale=C
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
    locale=C.UTF-8
  fi
  say "initdb in $base/data"
  if ! as_pg "$bindir/initdb" -D "$base/data" -U postgres --auth=trust -E UTF8 \
    --locale="$locale" --no-sync >"$base/initdb.log" 2>&1; then
    cat "$base/initdb.log" >&2
    die "initdb failed (log: $base/initdb.log)"
  fi
  # Our settings live in pgphase.conf, rewritten at every start with the chosen port.
  echo "include_if_exists = 'pgphase.conf'" | as_pg tee -a "$base/data/postgresql.conf" >/dev/null
}

write_settings() {
  local base=$1 port=$2
  write_as_pg "$base/data/pgphase.conf" <<EOF
# Written by scripts/pg.sh at every start. A throwaway server for tests: not durable.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$base'
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = replica
max_wal_senders = 5
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
log_lock_waits = on
EOF
}

# Starts the server on PORT; returns 2 if the port was taken (a race with another
# server starting at the same moment), 1 on any other failure.
try_start() {
  local base=$1 port=$2 log="$1/postgres.log"
  write_settings "$base" "$port"
  echo "$port" >"$base/port.tmp" && mv "$base/port.tmp" "$base/port"
  local offset=0
  [[ -f "$log" ]] && offset=$(stat -c %s "$log")
  if as_pg "$bindir/pg_ctl" -D "$base/data" -l "$log" -w -t 60 start >&2; then
    return 0
  fi
  if tail -c +"$((offset + 1))" "$log" 2>/dev/null |
    grep -qE 'could not bind|could not create any TCP/IP sockets|Address already in use'; then
    return 2
  fi
  tail -n 20 "$log" >&2 || true
  return 1
}

cmd_start() {
  local dir port
  dir=$(abspath "$1")
  port=${2:-}
  if [[ -n "$port" && ! "$port" =~ ^[0-9]+$ ]]; then
    die "port must be a number: $port"
  fi
  mkdir -p "$dir"

  local base
  base=$(base_of "$dir")
  if [[ -f "$dir/location" && ! -d "$base" ]]; then
    say "$base (from $dir/location) is gone; starting afresh"
    rm -f "$dir/location"
    base=$dir
  fi
  if is_running "$base"; then
    if [[ -n "$port" && "$port" != "$(cat "$base/port")" ]]; then
      say "already running on port $(cat "$base/port") (not $port)"
    fi
    print_url "$base"
    return
  fi
  if [[ ! -f "$base/data/PG_VERSION" ]]; then
    if [[ ! -f "$dir/location" ]]; then
      base=$(prepare_base "$dir")
    fi
    rm -rf "$base/data"  # what a failed initdb left behind
    init_cluster "$base"
  fi

  local chosen=$port
  if [[ -z "$chosen" ]]; then
    # Keep the previous port when it is free, so the URL stays the same across restarts.
    if [[ -f "$base/port" ]] && ! port_in_use "$(cat "$base/port")"; then
      chosen=$(cat "$base/port")
    else
      chosen=$(free_port_from "$kFirstPort")
    fi
  fi
  start_on "$base" "$chosen" "$port" "the server"
  say "started PostgreSQL $(cat "$base/data/PG_VERSION") on 127.0.0.1:$(cat "$base/port") (log: $base/postgres.log)"
  print_url "$base"
}

# start_on BASE PORT FIXED WHAT: starts the server in BASE on PORT; when another server takes
# that port meanwhile (servers started side by side, e.g. by parallel tests), on the next free
# one, up to 10 times, unless FIXED (a port the caller asked for) is set. Dies naming WHAT.
start_on() {
  local base=$1 chosen=$2 fixed=$3 what=$4 tries=0 rc
  while true; do
    rc=0
    try_start "$base" "$chosen" || rc=$?
    ((rc == 0)) && return 0
    tries=$((tries + 1))
    if ((rc == 2)) && [[ -n "$fixed" ]]; then
      die "port $fixed is in use"
    fi
    if ((rc != 2)) || ((tries >= 10)); then
      die "could not start $what (log: $base/postgres.log)"
    fi
    say "port $chosen was taken meanwhile; trying another"
    chosen=$(free_port_from "$((chosen + 1))")
  done
}

cmd_stop() {
  local dir base
  dir=$(abspath "$1")
  base=$(base_of "$dir")
  if [[ -z "$base" ]] || ! is_running "$base"; then
    say "not running: $dir"
    return 0
  fi
  if ! as_pg "$bindir/pg_ctl" -D "$base/data" -m fast -w -t 60 stop >&2; then
    say "fast shutdown failed; shutting down immediately"
    as_pg "$bindir/pg_ctl" -D "$base/data" -m immediate -w -t 60 stop >&2
  fi
}

cmd_url() {
  local dir base
  dir=$(abspath "$1")
  base=$(base_of "$dir")
  [[ -n "$base" ]] || die "no server in $dir; run: scripts/pg.sh start $1"
  print_url "$base"
}

cmd_log() {
  local dir base
  dir=$(abspath "$1")
  base=$(base_of "$dir")
  [[ -n "$base" ]] || die "no server in $dir"
  echo "$base/postgres.log"
}

cmd_standby() {
  local primary_base dir base
  primary_base=$(base_of "$(abspath "$1")")
  [[ -n "$primary_base" ]] && is_running "$primary_base" || die "no running server in $1"
  dir=$(abspath "$2")
  mkdir -p "$dir"
  base=$(base_of "$dir")
  if [[ -n "$base" ]] && is_running "$base"; then
    print_url "$base"
    return
  fi
  [[ -f "$dir/location" ]] || base=$(prepare_base "$dir")
  rm -rf "$base/data"
  say "pg_basebackup of 127.0.0.1:$(cat "$primary_base/port") into $base/data"
  # A replication slot makes the primary keep WAL until this standby has it: without one,
  # a standby that falls behind under load loses its stream for good ("requested WAL
  # segment ... has already been removed"). The slot lives on the primary and goes with it.
  local slot="pgphase_standby_$$"
  if ! as_pg "$bindir/pg_basebackup" -h 127.0.0.1 -p "$(cat "$primary_base/port")" -U postgres \
    -D "$base/data" -R -X stream -c fast -C -S "$slot" >"$base/basebackup.log" 2>&1; then
    cat "$base/basebackup.log" >&2
    die "pg_basebackup failed"
  fi
  start_on "$base" "$(free_port_from "$(($(cat "$primary_base/port") + 1))")" "" "the standby"
  say "started a standby of $1 on 127.0.0.1:$(cat "$base/port")"
  print_url "$base"
}

cmd_destroy() {
  local dir base
  dir=$(abspath "$1")
  [[ -d "$dir" ]] || return 0
  cmd_stop "$1"
  base=$(base_of "$dir")
  if [[ "$base" != "$dir" && "$base" == */pgphase-pg.* ]]; then
    rm -rf "$base"
  fi
  rm -rf "$dir/data" "$dir/port" "$dir/port.tmp" "$dir/postgres.log" "$dir/initdb.log" \
    "$dir/basebackup.log" "$dir/location"
  rmdir "$dir" 2>/dev/null || true
}

(($# >= 2)) || usage
bindir=$(find_bindir)
case "$1" in
  start)
    (($# <= 3)) || usage
    cmd_start "$2" "${3:-}"
    ;;
  stop) cmd_stop "$2" ;;
  url) cmd_url "$2" ;;
  log) cmd_log "$2" ;;
  destroy) cmd_destroy "$2" ;;
  standby)
    (($# == 3)) || usage
    cmd_standby "$2" "$3"
    ;;
  *) usage ;;
esac
