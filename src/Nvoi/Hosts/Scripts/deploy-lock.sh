#!/bin/sh
# nvoi-script: deploy-lock
# Usage: deploy-lock acquire PATH HOLDER SINCE_UNIX VERSION STALE_SECONDS
#        deploy-lock read PATH
#        deploy-lock release PATH
# The lock file holds "holder=", "since=" (Unix seconds) and "version=" lines; a file holding a
# bare Unix timestamp (nvoi 0.2.0) is read as a lock with that age. Acquiring runs under flock on
# PATH.guard, so two concurrent deploys cannot both win; the content is written to a temporary
# file and linked/renamed into place, so a reader never sees half a lock. A lock older than
# STALE_SECONDS (measured against SINCE_UNIX, the caller's now) is replaced.
# Output (first line): "lock: acquired", "lock: replaced-stale", "lock: held", "lock: present",
# "lock: none", "lock: released" or "lock: absent"; held/present/replaced-stale are followed by
# the lock file's lines. Exit 8: the guard could not be taken in time.
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
        exec 9>>"$path.guard"
        if ! flock -w 30 9; then
            echo "could not take $path.guard" >&2
            exit 8
        fi
        if [ -f "$path" ]; then
            rm -f "$path"
            echo "lock: released"
        else
            echo "lock: absent"
        fi
        ;;
    acquire)
        holder=$3
        now=$4
        version=$5
        stale_seconds=$6
        exec 9>>"$path.guard"
        if ! flock -w 30 9; then
            echo "could not take $path.guard" >&2
            exit 8
        fi
        tmp="$path.$$.tmp"
        printf 'holder=%s\nsince=%s\nversion=%s\n' "$holder" "$now" "$version" >"$tmp"
        if ln "$tmp" "$path" 2>/dev/null; then
            rm -f "$tmp"
            echo "lock: acquired"
            exit 0
        fi
        since=$(lock_since)
        if [ -n "$since" ] && [ $((now - since)) -lt "$stale_seconds" ]; then
            rm -f "$tmp"
            echo "lock: held"
            cat "$path"
            exit 0
        fi
        echo "lock: replaced-stale"
        cat "$path"
        mv -f "$tmp" "$path"
        ;;
    *)
        echo "unknown action: $action" >&2
        exit 2
        ;;
esac
