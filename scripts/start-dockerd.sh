#!/usr/bin/env bash
# Starts the Docker engine for the real-host tests when it is not running (CI machines have no init
# system running it): dockerd in the background, its pid in /run/nvoi-dockerd.pid and its log in
# /var/log/nvoi-dockerd.log, then waits for it to answer. Fails with the log's tail if it does not.
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
log=/var/log/nvoi-dockerd.log
pidfile=/run/nvoi-dockerd.pid
echo "starting dockerd (log: $log)"
# shellcheck disable=SC2016 # expanded by the inner sh
"${sudo_cmd[@]}" sh -c 'setsid dockerd >"$1" 2>&1 </dev/null & echo $! >"$2"' sh "$log" "$pidfile"
for _ in $(seq 1 120); do
    if docker info >/dev/null 2>&1; then exit 0; fi
    if ! "${sudo_cmd[@]}" kill -0 "$(cat "$pidfile")" 2>/dev/null; then break; fi
    sleep 0.5
done
echo "dockerd did not come up; the end of $log:" >&2
"${sudo_cmd[@]}" tail -n 40 "$log" >&2 || true
exit 1
