#!/bin/sh
# nvoi-script: cloud-init-wait
# Waits until cloud-init has finished. "done" and "degraded done" both count as finished
# (a degraded run still created the user and installed the packages).
# Output: "cloud-init: done" or "cloud-init: absent". Exit 4 when cloud-init failed.
set -eu

if ! command -v cloud-init >/dev/null 2>&1; then
    echo "cloud-init: absent"
    exit 0
fi

# --wait returns 0 (done), 2 (degraded/recoverable error) or 1 (error); read the status afterwards.
rc=0
cloud-init status --wait >/dev/null 2>&1 || rc=$?
status=$(cloud-init status 2>/dev/null || true)
case "$status" in
    *done*)
        echo "cloud-init: done"
        ;;
    *)
        echo "cloud-init: failed (exit $rc): $status" >&2
        exit 4
        ;;
esac
