#!/usr/bin/env bash
# Fails, listing the files, when any C++ file git tracks (or would add) differs from what
# clang-format makes of it with the repository's .clang-format. Fix with:
#   git ls-files -co --exclude-standard '*.cc' '*.h' | xargs clang-format -i
# Usage: scripts/check_format.sh   (ctest runs it as LintTest.ClangFormat)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v clang-format >/dev/null 2>&1; then
  echo "check_format: clang-format is not installed (scripts/bootstrap.sh installs it)" >&2
  exit 1
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -co --exclude-standard -- '*.cc' '*.h')
else
  mapfile -t files < <(find src include tests integration -name '*.cc' -o -name '*.h')
fi
bad=()
for f in "${files[@]}"; do
  [[ -f "$f" ]] || continue
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then bad+=("$f"); fi
done
if ((${#bad[@]} > 0)); then
  echo "check_format: ${#bad[@]} file(s) are not clang-format clean:" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "check_format: ${#files[@]} files clean"
