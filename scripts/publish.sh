#!/usr/bin/env bash
# Builds the release artifacts into artifacts/ (or the directory given as $1):
#   nvoi.VERSION.nupkg   the .NET tool package (dotnet tool install -g nvoi --add-source artifacts)
#   nvoi-linux-x64       self-contained single-file binary
#   nvoi-linux-arm64     self-contained single-file binary
# Prints each artifact with its size.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mkdir -p "${1:-$root/artifacts}" && cd "${1:-$root/artifacts}" && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet pack "$root/src/Nvoi.Cli" -c Release -o "$out" -nologo -clp:ErrorsOnly

for rid in linux-x64 linux-arm64; do
  dotnet publish "$root/src/Nvoi.Cli" -c Release -r "$rid" --self-contained \
    -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=none \
    -o "$work/$rid" -nologo -clp:ErrorsOnly
  cp "$work/$rid/nvoi" "$out/nvoi-$rid"
  chmod +x "$out/nvoi-$rid"
done

cd "$out"
ls -l nvoi.*.nupkg nvoi-linux-x64 nvoi-linux-arm64 | awk '{ printf "%-28s %6.1f MB\n", $NF, $5 / 1048576 }'
