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
  python3-jsonschema python3-yaml
)
# Wanted but not required: promtool (prometheus) checks /metrics in the integration tests,
# which skip that check, saying so, when it is missing.
optional=(prometheus)

installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == "installed" ]]
}

missing=()
for pkg in "${packages[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
missing_optional=()
for pkg in "${optional[@]}"; do
  installed "$pkg" || missing_optional+=("$pkg")
done

if ((${#missing[@]} == 0 && ${#missing_optional[@]} == 0)); then
  echo "bootstrap: all ${#packages[@]} packages installed" >&2
  exit 0
fi

echo "bootstrap: installing ${missing[*]} ${missing_optional[*]}" >&2
sudo=()
if ((EUID != 0)); then
  if ! command -v sudo >/dev/null 2>&1; then
    if ((${#missing[@]} == 0)); then
      echo "bootstrap: not root and no sudo; skipping optional ${missing_optional[*]}" >&2
      exit 0
    fi
    echo "bootstrap: not root and no sudo; install as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  sudo=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
if ((${#missing[@]} > 0)); then
  "${apt[@]}" update -q
  "${apt[@]}" install -y -q --no-install-recommends "${missing[@]}"
elif ! "${apt[@]}" update -q; then
  echo "bootstrap: apt-get update failed; skipping optional ${missing_optional[*]}" >&2
  exit 0
fi
if ((${#missing_optional[@]} > 0)) &&
  ! "${apt[@]}" install -y -q --no-install-recommends "${missing_optional[@]}"; then
  echo "bootstrap: could not install optional ${missing_optional[*]}; skipping" >&2
fi
