#!/usr/bin/env bash
# THE test command (CI runs exactly this): installs what is missing, builds, starts a
# throwaway PostgreSQL on a free port, runs every test (unit and integration) with
# PGPHASE_TEST_DB pointing at it, stops the server, and exits with ctest's status.
# Usage: scripts/test.sh [ctest args...]   e.g. scripts/test.sh -R PlannerTest
# Environment: PGPHASE_JOBS (default 2) for both the build and ctest.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs=${PGPHASE_JOBS:-2}

bash scripts/bootstrap.sh
bash scripts/build.sh

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgphase-test.XXXXXX")
chmod 755 "$tmp"  # the server runs as `postgres` when we are root and must enter it
pgdir="$tmp/pg"
standbydir="$tmp/standby"
ctest_pid=

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if [[ -n "$ctest_pid" ]]; then
    kill -TERM -- "-$ctest_pid" 2>/dev/null || true  # ctest and the tests it runs
    wait "$ctest_pid" 2>/dev/null || true
  fi
  bash scripts/pg.sh destroy "$standbydir" || echo "test.sh: could not stop the standby" >&2
  bash scripts/pg.sh destroy "$pgdir" || echo "test.sh: could not stop the server in $pgdir" >&2
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PGPHASE_TEST_DB=$(bash scripts/pg.sh start "$pgdir")
export PGPHASE_TEST_DB
echo "test.sh: PGPHASE_TEST_DB=$PGPHASE_TEST_DB (server log: $(bash scripts/pg.sh log "$pgdir"))"
# A streaming standby of it, for the replica-lag throttle's tests.
PGPHASE_TEST_STANDBY_DB=$(bash scripts/pg.sh standby "$pgdir" "$standbydir")
export PGPHASE_TEST_STANDBY_DB
echo "test.sh: PGPHASE_TEST_STANDBY_DB=$PGPHASE_TEST_STANDBY_DB"

# --no-tests=error: a run that finds no tests is a failure, never a silent pass.
# --timeout applies to tests that set none themselves.
# In the background so that a signal reaches the traps at once, not after the tests;
# in its own process group (setsid) so that cleanup can end the tests it started too.
rc=0
setsid ctest --test-dir build --output-on-failure --no-tests=error --timeout 900 -j "$jobs" \
  --output-log "$tmp/ctest.log" "$@" &
ctest_pid=$!
wait "$ctest_pid" || rc=$?
ctest_pid=

# The server and its log are deleted on exit; keep a copy of the log in build/.
cp "$(bash scripts/pg.sh log "$pgdir")" build/test-server.log 2>/dev/null || true
if ((rc != 0)); then
  echo "test.sh: last lines of the server log (all of it: build/test-server.log):"
  tail -n 40 build/test-server.log 2>/dev/null | sed 's/^/  /' || true
fi
echo
summary=$(grep -E '^[0-9]+% tests passed|No tests were found' "$tmp/ctest.log" | tail -n 1 || true)
echo "test.sh: ${summary:-ctest printed no summary} (exit $rc)"
exit "$rc"
