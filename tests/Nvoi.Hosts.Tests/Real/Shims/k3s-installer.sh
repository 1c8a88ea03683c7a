#!/bin/sh
# A k3s installer for the test host, given to nvoi by path as an air-gapped install would be: it records
# the arguments and environment it was run with (/var/lib/nvoi-test/installer-*) and installs a k3s
# (or k3s-agent) service, as the real installer does, whose process stands in for k3s.
set -eu
mkdir -p /var/lib/nvoi-test
printf '%s\n' "$@" >/var/lib/nvoi-test/installer-args
printf 'INSTALL_K3S_VERSION=%s\nK3S_URL=%s\nK3S_TOKEN_FILE=%s\nuser=%s\n' "${INSTALL_K3S_VERSION:-}" "${K3S_URL:-}" \
    "${K3S_TOKEN_FILE:-}" "$(id -un)" >/var/lib/nvoi-test/installer-env
unit=k3s
if [ "$1" = agent ]; then unit=k3s-agent; fi
printf '[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n' >"/etc/systemd/system/$unit.service"
systemctl daemon-reload
systemctl enable --now "$unit"
