#!/usr/bin/env bash
# Configures and builds pgphase in build/ (RelWithDebInfo). Warnings are errors unless
# PGPHASE_WERROR=OFF. Uses ccache when it is installed. Extra arguments go to
# `cmake --build` (for example `--target pgphase`).
# Usage: scripts/build.sh [cmake --build args...]
# Environment: PGPHASE_JOBS (default 2) parallel compile jobs; PGPHASE_WERROR (default ON).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

werror=${PGPHASE_WERROR:-ON}
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi

# Pass PGPHASE_WERROR every time: the CMake cache would otherwise keep the value of
# whichever build configured build/ first.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPGPHASE_WERROR="$werror" "${launcher[@]}"
cmake --build build -j "${PGPHASE_JOBS:-2}" "$@"
