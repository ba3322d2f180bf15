# shellcheck shell=bash
# What the benchmarks (scripts/bench.sh, scripts/bench_verify.sh) share. Sourced, not run:
# `source scripts/bench_common.sh` from the repository root, after `set -euo pipefail`.
#   bench_build         builds a Release binary in build-bench/ and sets `pgphase` to it
#   bench_server        starts a throwaway PostgreSQL (scripts/pg.sh) in a fresh temp dir and
#                       sets `tmp`, `pgdir` and `server_url`; both are deleted on exit
#   bench_revision      the commit the binary is built from, and whether src/ differs from it
#   say, die            messages on stderr, prefixed with the script's name
#   now_ns, calc, median, minimum, fmt_num, fmt_list   numbers (awk for floating point)

bench_out_dir="$PWD/build-bench"

say() { echo "$(basename "$0"): $*" >&2; }
die() {
  say "$*"
  exit 1
}

bench_build() {
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
