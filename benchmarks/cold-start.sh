#!/usr/bin/env bash
# Cold start of `nvoi version`: a Release build run as a fresh process, N times, framework-dependent
# and as the self-contained single-file binary of this machine's architecture.
# Prints the mean and median wall time in milliseconds, and the published sizes.
set -euo pipefail
runs="${1:-20}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
dotnet publish "$root/src/Nvoi.Cli" -c Release -o "$out/fdd" --nologo -v quiet >/dev/null
case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
dotnet publish "$root/src/Nvoi.Cli" -c Release -r "$rid" --self-contained -p:PublishSingleFile=true \
  -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=none -o "$out/single" --nologo -v quiet >/dev/null
measure() {
  local label="$1"; shift
  "$@" >/dev/null # warm the file cache: "cold" means a new process, not a cold disk
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v n="$runs" '
    { t[NR] = $1; s += $1 }
    END { printf "%-40s mean %5.0f ms   median %5.0f ms   (%d runs)\n", label, s / n, t[int((n + 1) / 2)], n }'
}
measure "framework-dependent (dotnet nvoi.dll)" dotnet "$out/fdd/nvoi.dll" version
measure "framework-dependent (apphost ./nvoi)" "$out/fdd/nvoi" version
measure "single-file $rid (./nvoi)" "$out/single/nvoi" version
printf 'size: framework-dependent %.1f MB (%d files), single-file %s %.1f MB\n' \
  "$(du -sk "$out/fdd" | awk '{print $1 / 1024}')" "$(find "$out/fdd" -type f | wc -l)" \
  "$rid" "$(stat -c %s "$out/single/nvoi" | awk '{print $1 / 1048576}')"
