#!/bin/sh
# nvoi-script: deploy-lock
# Usage: deploy-lock acquire PATH NOW_UNIX STALE_SECONDS CONTENT [TAKEOVER]
#        deploy-lock read PATH
#        deploy-lock release PATH [OWN]
# CONTENT is the lock file's text: a first line holding the Unix timestamp (nvoi 0.2.0 reads the file
# with to_i, so it sees the lock as held), then holder=, boot=, pidns=, pid= and version= lines.
# Acquiring runs under flock on PATH.guard, so two concurrent deploys cannot both win; the content is
# written to a temporary file and linked/renamed into place, so a reader never sees half a lock.
# An existing lock is replaced only when
#   - it is the exact TAKEOVER text: the caller proved that holder dead (same machine, boot and pid
#     namespace, process gone); checked under the flock, so of several callers only one replaces it;
#   - it names no process (no pid= line: nvoi 0.2.0's bare timestamp, or our versions before 0.3) and
#     is STALE_SECONDS old at NOW_UNIX, the caller's now (0.2.0's rule), or it holds no timestamp at all.
# Releasing with OWN (the lock text the caller wrote) removes the lock only while it still is OWN: a
# deploy whose lock was taken over meanwhile leaves the new holder's lock in place. Without OWN
# (`nvoi unlock`) any lock is removed.
# Output (first line): "lock: acquired", "lock: replaced-dead", "lock: replaced-stale", "lock: held",
# "lock: present", "lock: none", "lock: released", "lock: not-ours" or "lock: absent";
# held/present/replaced-*/not-ours are followed by the lock file's lines. Exit 8: the guard could not be taken in time.
set -eu

action=$1
path=$2

lock_since() {
    first=$(head -n 1 "$path" 2>/dev/null || true)
    case "$first" in
        '' | *[!0-9]*) sed -n 's/^since=\([0-9][0-9]*\)$/\1/p' "$path" 2>/dev/null | head -n 1 ;;
        *) printf '%s\n' "$first" ;;
    esac
}

take_guard() {
    exec 9>>"$path.guard"
    if ! flock -w 30 9; then
        echo "could not take $path.guard" >&2
        exit 8
    fi
}

case "$action" in
    read)
        if [ -f "$path" ]; then
            echo "lock: present"
            cat "$path"
        else
            echo "lock: none"
        fi
        ;;
    release)
        own=${3:-}
        take_guard
        current=$(cat "$path" 2>/dev/null || true)
        if [ -f "$path" ] && [ -n "$own" ] && [ "$current" != "$own" ]; then
            echo "lock: not-ours"
            printf '%s\n' "$current"
        elif [ -f "$path" ]; then
            rm -f "$path"
            echo "lock: released"
        else
            echo "lock: absent"
        fi
        ;;
    acquire)
        now=$3
        stale_seconds=$4
        content=$5
        takeover=${6:-}
        take_guard
        tmp="$path.$$.tmp"
        printf '%s\n' "$content" >"$tmp"
        if ln "$tmp" "$path" 2>/dev/null; then
            rm -f "$tmp"
            echo "lock: acquired"
            exit 0
        fi
        current=$(cat "$path" 2>/dev/null || true)
        if [ -n "$takeover" ] && [ "$current" = "$takeover" ]; then
            echo "lock: replaced-dead"
        elif grep -q '^pid=[1-9]' "$path"; then
            rm -f "$tmp"
            echo "lock: held"
            printf '%s\n' "$current"
            exit 0
        else
            since=$(lock_since)
            if [ -n "$since" ] && [ $((now - since)) -lt "$stale_seconds" ]; then
                rm -f "$tmp"
                echo "lock: held"
                printf '%s\n' "$current"
                exit 0
            fi
            echo "lock: replaced-stale"
        fi
        printf '%s\n' "$current"
        mv -f "$tmp" "$path"
        ;;
    *)
        echo "unknown action: $action" >&2
        exit 2
        ;;
esac
