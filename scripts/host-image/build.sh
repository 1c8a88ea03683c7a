#!/usr/bin/env bash
# Builds the test host image: a Debian bookworm root file system (debootstrap) with systemd, sshd,
# cloud-init reading a NoCloud seed, xfsprogs, postgres, mariadb, sqlite3 and docker-registry,
# imported into the local Docker engine. The tag is a hash of this directory, so the image is built
# once and reused until its inputs change. Prints the tag as its last line.
# Environment: NVOI_DEBIAN_MIRROR (default http://deb.debian.org/debian), NVOI_HOST_IMAGE_CACHE
# (downloaded .debs, default /var/cache/nvoi-host-image).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mirror="${NVOI_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="${NVOI_HOST_IMAGE_CACHE:-/var/cache/nvoi-host-image}"

hash=$(cd "$here" && cat build.sh packages.txt nocloud.cfg registry.yml | sha256sum | cut -c1-12)
tag="nvoi-test-host:$hash"
if docker image inspect "$tag" >/dev/null 2>&1; then
    echo "$tag"
    exit 0
fi

packages=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/packages.txt" | awk '{print $1}' | paste -sd, -)
root=$(mktemp -d /var/tmp/nvoi-host-root.XXXXXX)
trap 'rm -rf "$root"' EXIT
chmod 755 "$root" # the new system's /: services running as their own users (postgres, mysql) must enter it
mkdir -p "$cache/debs"
started=$SECONDS
echo "building $tag (debootstrap bookworm from $mirror)" >&2
if ! debootstrap --variant=minbase --cache-dir="$cache/debs" --include="$packages" bookworm "$root" "$mirror" \
    >"$cache/debootstrap.log" 2>&1; then
    tail -n 30 "$cache/debootstrap.log" >&2
    [ -f "$root/debootstrap/debootstrap.log" ] && tail -n 30 "$root/debootstrap/debootstrap.log" >&2
    echo "debootstrap failed" >&2
    exit 1
fi

# No package source: cloud-init's package_update/packages then run offline against what is installed.
rm -f "$root/etc/apt/sources.list" "$root"/etc/apt/sources.list.d/*
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
# Host keys come from the user data (nvoi pins them), never from the image.
rm -f "$root"/etc/ssh/ssh_host_*
cp "$here/nocloud.cfg" "$root/etc/cloud/cloud.cfg.d/90-nvoi-nocloud.cfg"
printf 'policy: enabled\n' >"$root/etc/cloud/ds-identify.cfg"
echo 'en_US.UTF-8 UTF-8' >"$root/etc/locale.gen"
chroot "$root" locale-gen >/dev/null
: >"$root/etc/machine-id"
# The databases the packages' scripts create; made here when a package script could not.
[ -d "$root/etc/postgresql/15/main" ] || chroot "$root" pg_createcluster 15 main >/dev/null
if [ ! -d "$root/var/lib/mysql/mysql" ]; then
    rm -rf "$root"/var/lib/mysql/*
    chroot "$root" mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db >/dev/null
fi
cp "$here/registry.yml" "$root/etc/docker/registry/config.yml"
# Units a container has no use for (consoles, udev's device manager, time sync).
for unit in getty@tty1.service console-getty.service systemd-udevd.service systemd-udevd-control.socket \
    systemd-udevd-kernel.socket systemd-timesyncd.service systemd-networkd.service; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
done

tar -C "$root" -c . | docker import -c 'CMD ["/sbin/init"]' - "$tag" >/dev/null
echo "built $tag in $((SECONDS - started))s" >&2
echo "$tag"
