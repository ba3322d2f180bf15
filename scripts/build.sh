#!/usr/bin/env bash
# Configures and builds pgphase in build/ (RelWithDebInfo). Warnings are errors when
# CI=true. Extra arguments go to `cmake --build` (for example `--target pgphase`).
# Usage: scripts/build.sh [cmake --build args...]
# Environment: PGPHASE_JOBS (default 2) parallel compile jobs.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

werror=OFF
if [[ "${CI:-}" == "true" ]]; then
  werror=ON
fi

# Pass PGPHASE_WERROR every time: the CMake cache would otherwise keep the value of
# whichever build configured build/ first.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPGPHASE_WERROR="$werror"
cmake --build build -j "${PGPHASE_JOBS:-2}" "$@"
