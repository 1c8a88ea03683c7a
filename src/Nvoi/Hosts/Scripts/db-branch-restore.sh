#!/bin/sh
# nvoi-script: db-branch-restore
# Usage (with sudo, on the database server):
#   db-branch-restore postgres|mysql FILE SHA256 POD NAME IDENT
#   db-branch-restore sqlite FILE SHA256 NEWFILE LIKEFILE
# Checks FILE against SHA256 ("-" when none was recorded) before anything else, then creates the
# new database NAME (IDENT: NAME as a quoted SQL identifier) and loads FILE into it through
# k3s kubectl exec (credentials from the pod's environment), or makes the sqlite file NEWFILE (owner
# and mode of LIKEFILE when it exists): an ID.sql branch (SQL text, ours and 0.2.0's) is loaded with
# sqlite3, an ID.sqlite3 branch (a backup file of our versions before 0.3) is copied.
# Exit 5: checksum mismatch (nothing restored); 6: the new database exists or could not be made;
# 7: loading failed (the new database is dropped again).
set -eu

adapter=$1
file=$2
expected=$3
umask 077

if [ ! -f "$file" ]; then
    echo "no branch file $file" >&2
    exit 4
fi
if [ "$expected" != "-" ]; then
    actual=$(sha256sum "$file" | cut -d ' ' -f 1)
    if [ "$actual" != "$expected" ]; then
        echo "checksum mismatch for $file: recorded $expected, found $actual; nothing restored" >&2
        exit 5
    fi
fi

# shellcheck disable=SC2016 # expanded by the pod's shell, not this one
mysql_login='if [ -n "${MYSQL_ROOT_PASSWORD:-}" ]; then u=root; export MYSQL_PWD="$MYSQL_ROOT_PASSWORD"; else u=$MYSQL_USER; export MYSQL_PWD="$MYSQL_PASSWORD"; fi; '
# shellcheck disable=SC2016 # expanded by the pod's shell
psql_admin='exec psql -U "$POSTGRES_USER" -d postgres -v ON_ERROR_STOP=1 -q -c "$1"'

case "$adapter" in
    postgres)
        pod=$4
        name=$5
        ident=$6
        if ! k3s kubectl exec -i "$pod" -- sh -c "$psql_admin" sh "CREATE DATABASE $ident" >/dev/null; then
            echo "could not create database $name (does it exist already?)" >&2
            exit 6
        fi
        # shellcheck disable=SC2016 # expanded by the pod's shell
        if ! k3s kubectl exec -i "$pod" -- sh -c 'export PGDATABASE="$1"; exec psql -U "$POSTGRES_USER" -v ON_ERROR_STOP=1 -q' \
            sh "$name" <"$file" >/dev/null; then
            k3s kubectl exec -i "$pod" -- sh -c "$psql_admin" sh "DROP DATABASE IF EXISTS $ident" >/dev/null || true
            echo "loading the branch into $name failed; $name was dropped" >&2
            exit 7
        fi
        echo "restored: $name"
        ;;
    mysql)
        pod=$4
        name=$5
        ident=$6
        # shellcheck disable=SC2016 # expanded by the pod's shell
        if ! k3s kubectl exec -i "$pod" -- sh -c "$mysql_login"'exec mysql -u "$u" -e "$1"' sh "CREATE DATABASE $ident" >/dev/null; then
            echo "could not create database $name (does it exist already? without MYSQL_ROOT_PASSWORD in database.secrets, MYSQL_USER may not create databases)" >&2
            exit 6
        fi
        # shellcheck disable=SC2016 # expanded by the pod's shell
        if ! k3s kubectl exec -i "$pod" -- sh -c "$mysql_login"'exec mysql -u "$u" --database="$1"' sh "$name" <"$file" >/dev/null; then
            # shellcheck disable=SC2016 # expanded by the pod's shell
            k3s kubectl exec -i "$pod" -- sh -c "$mysql_login"'exec mysql -u "$u" -e "$1"' sh "DROP DATABASE IF EXISTS $ident" >/dev/null || true
            echo "loading the branch into $name failed; $name was dropped" >&2
            exit 7
        fi
        echo "restored: $name"
        ;;
    sqlite)
        new=$4
        like=$5
        if [ -e "$new" ]; then
            echo "$new exists already" >&2
            exit 6
        fi
        partial="$new.partial"
        rm -f "$partial"
        trap 'rm -f "$partial"' EXIT
        case "$file" in
            *.sqlite3) cp "$file" "$partial" ;;
            *)
                if ! sqlite3 "$partial" <"$file" >/dev/null; then
                    echo "loading the branch into $new failed" >&2
                    exit 7
                fi
                ;;
        esac
        if [ -f "$like" ]; then
            chown --reference="$like" "$partial"
            chmod --reference="$like" "$partial"
        fi
        mv "$partial" "$new"
        trap - EXIT
        echo "restored: $new"
        ;;
    *)
        echo "unknown adapter: $adapter" >&2
        exit 2
        ;;
esac
