#!/usr/bin/env bash
# Installs the Debian packages pgphase needs to build and test, and nothing else.
# Idempotent and fast: asks dpkg first and touches apt only when something is missing.
# Usage: scripts/bootstrap.sh
set -euo pipefail

packages=(
  cmake g++ make pkg-config git clang-format clang-tidy
  libpqxx-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  libboost-program-options-dev libboost-dev
  libgtest-dev libgmock-dev
  libpg-query-dev nlohmann-json3-dev
  postgresql postgresql-client
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "installed" ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "bootstrap: all ${#packages[@]} packages installed" >&2
  exit 0
fi

echo "bootstrap: installing ${missing[*]}" >&2
sudo=()
if ((EUID != 0)); then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "bootstrap: not root and no sudo; install as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  sudo=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}"
