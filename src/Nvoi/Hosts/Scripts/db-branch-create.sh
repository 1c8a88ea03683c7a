#!/bin/sh
# nvoi-script: db-branch-create
# Usage (with sudo, on the database server): db-branch-create ADAPTER DIR ID SOURCE DATABASE
#   ADAPTER   postgres | mysql | sqlite
#   SOURCE    the database pod (postgres, mysql) or the sqlite file on this host (sqlite)
#   DATABASE  the database to dump (postgres, mysql; unused for sqlite)
# Writes DIR/ID.sql (pg_dump / mysqldump through k3s kubectl exec; the credentials are read from
# the pod's own environment, never passed on a command line; sqlite: sqlite3 .dump, one read
# transaction, safe on a live database): plain SQL for every adapter, as nvoi 0.2.0 wrote it.
# The dump streams into a partial file, renamed when complete.
# Output: "sha256: HEX" and "size: BYTES". Exit 3: the branch exists; 4: nothing to copy.
set -eu

adapter=$1
dir=$2
id=$3
source=$4
database=$5
owner=${SUDO_USER:-$(id -un)}
umask 077

case "$adapter" in
    postgres | mysql | sqlite) ;;
    *)
        echo "unknown adapter: $adapter" >&2
        exit 2
        ;;
esac
target="$dir/$id.sql"
partial="$dir/.$id.sql.partial"
if [ -e "$target" ]; then
    echo "branch $id exists already: $target" >&2
    exit 3
fi
mkdir -p "$dir"
rm -f "$partial"
trap 'rm -f "$partial"' EXIT

# shellcheck disable=SC2016 # expanded by the pod's shell, not this one
mysql_login='if [ -n "${MYSQL_ROOT_PASSWORD:-}" ]; then u=root; export MYSQL_PWD="$MYSQL_ROOT_PASSWORD"; else u=$MYSQL_USER; export MYSQL_PWD="$MYSQL_PASSWORD"; fi; '

case "$adapter" in
    postgres)
        # shellcheck disable=SC2016 # expanded by the pod's shell
        k3s kubectl exec -i "$source" -- sh -c 'export PGDATABASE="$1"; exec pg_dump -U "$POSTGRES_USER" --no-owner --no-acl' \
            sh "$database" >"$partial"
        ;;
    mysql)
        # shellcheck disable=SC2016 # expanded by the pod's shell
        k3s kubectl exec -i "$source" -- sh -c "$mysql_login"'exec mysqldump -u "$u" --single-transaction --routines --triggers "$1"' \
            sh "$database" >"$partial"
        ;;
    sqlite)
        if ! command -v sqlite3 >/dev/null 2>&1; then
            echo "sqlite3 is not installed on this server (apt-get install sqlite3)" >&2
            exit 4
        fi
        if [ ! -f "$source" ]; then
            echo "no sqlite database at $source" >&2
            exit 4
        fi
        sqlite3 "$source" .dump >"$partial"
        ;;
esac

sum=$(sha256sum "$partial" | cut -d ' ' -f 1)
size=$(wc -c <"$partial" | tr -d ' ')
chown "$owner" "$partial"
mv "$partial" "$target"
trap - EXIT
echo "sha256: $sum"
echo "size: $size"
