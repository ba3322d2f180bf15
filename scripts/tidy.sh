#!/usr/bin/env bash
# Runs clang-tidy with the repository's .clang-tidy (its checks are errors) over every C++
# source git tracks, two at a time, against build/compile_commands.json (scripts/build.sh
# writes it). Exits non-zero on any finding. Usage: scripts/tidy.sh [files...]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v clang-tidy >/dev/null 2>&1; then
  echo "tidy: clang-tidy is not installed (scripts/bootstrap.sh installs it)" >&2
  exit 1
fi
if [[ ! -f build/compile_commands.json ]]; then
  echo "tidy: build/compile_commands.json is missing; run scripts/build.sh first" >&2
  exit 1
fi
if (($# > 0)); then
  files=("$@")
else
  mapfile -t files < <(git ls-files -co --exclude-standard -- 'src/*.cc' 'tests/*.cc' \
    'integration/*.cc' | grep -v '^tests/boundaries/')
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
printf '%s\n' "${files[@]}" | xargs -P "${PGPHASE_JOBS:-2}" -n 4 clang-tidy -p build --quiet \
  >"$log" 2>/dev/null || rc=$?
if ((rc != 0)) || grep -q ': error: ' "$log"; then
  grep -E ': (error|warning): ' -A3 "$log" >&2 || cat "$log" >&2
  echo "tidy: findings above (checks in .clang-tidy are errors)" >&2
  exit 1
fi
echo "tidy: ${#files[@]} files clean"
