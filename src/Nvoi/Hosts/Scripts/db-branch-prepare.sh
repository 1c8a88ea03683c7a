#!/bin/sh
# nvoi-script: db-branch-prepare
# Usage (with sudo): db-branch-prepare DIR
# Creates the branches directory DIR (mode 700) and gives it, with its files, to the user who ran
# sudo, so branch files and branches.json are read and written over the normal session.
set -eu

dir=$1
owner=${SUDO_USER:-$(id -un)}

mkdir -p "$dir"
chown -R "$owner" "$dir"
chmod 700 "$dir"
echo "dir: $dir"
