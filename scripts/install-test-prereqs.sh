#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine with the .NET SDK.
# Idempotent: packages already present are skipped, so a second run takes a second.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

missing=()
while read -r pkg extra _; do
  case "$pkg" in ''|'#'*) continue ;; esac
  if [[ "$extra" == cmd=* ]] && command -v "${extra#cmd=}" >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done < "$here/prereqs/apt.txt"
if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages of the fidelity tests (official provider clients), if any are declared.
if [ -f "$root/tests/fidelity/package.json" ]; then
  if [ ! -d "$root/tests/fidelity/node_modules" ] || [ "$root/tests/fidelity/package.json" -nt "$root/tests/fidelity/node_modules" ]; then
    echo "installing npm packages for the fidelity tests"
    (cd "$root/tests/fidelity" && npm install --no-audit --no-fund --loglevel=error && touch node_modules)
  fi
fi

# The real-host tests: the Docker engine, and the test host image (built once; its tag is a hash of its inputs).
bash "$here/start-dockerd.sh"
bash "$root/scripts/host-image/build.sh" >/dev/null
