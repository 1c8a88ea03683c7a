#!/usr/bin/env bash
# Runs every test: installs prerequisites, builds the solution once, runs all test projects.
# Prints "N passed, N failed" as its last line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install-test-prereqs.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Nvoi.slnx -c Release -nologo -clp:ErrorsOnly
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
# A test that runs 5 minutes is taken for a hang: its test host is dumped (TestResults/) and killed, so a
# hang fails the run in minutes instead of eating CI's time limit. No single test comes near that.
dotnet test Nvoi.slnx -c Release --no-build -nologo --blame-hang-timeout 5m --blame-hang-dump-type mini "$@" 2>&1 | tee "$log" || status=$?
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
if [ "$passed" -eq 0 ]; then echo "no test ran" >&2; exit 1; fi
