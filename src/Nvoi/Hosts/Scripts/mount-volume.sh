#!/bin/sh
# nvoi-script: mount-volume
# Usage: mount-volume DEVICE MOUNT_PATH WAIT_SECONDS [FSTAB]
# Waits for DEVICE, formats it as XFS only when blkid finds no filesystem on it, mounts it at
# MOUNT_PATH and records it once in /etc/fstab by UUID with nofail. A device that already
# holds a filesystem is never formatted again.
# Output: "formatted: yes|no" and "mounted: DEVICE MOUNT_PATH UUID".
# Exit 3: the device did not appear in time. Exit 5: the mount could not be verified.
set -eu

device=$1
mount_path=$2
wait_seconds=$3
fstab=${4:-/etc/fstab}

waited=0
while [ ! -b "$device" ]; do
    if [ "$waited" -ge "$wait_seconds" ]; then
        echo "device $device did not appear within ${wait_seconds}s" >&2
        exit 3
    fi
    sleep 1
    waited=$((waited + 1))
done

# blkid -p probes the device itself; exit 2 means "no signature found". Any other failure
# (unreadable device, ambivalent probe) stops here rather than risking a format.
formatted=no
probe=0
sudo blkid -p "$device" >/dev/null 2>&1 || probe=$?
case "$probe" in
    0) ;;
    2)
        sudo mkfs.xfs -q "$device"
        formatted=yes
        ;;
    *)
        echo "blkid could not probe $device (exit $probe); not formatting" >&2
        exit 5
        ;;
esac
echo "formatted: $formatted"

uuid=$(sudo blkid -p -s UUID -o value "$device")
if [ -z "$uuid" ]; then
    echo "no filesystem UUID on $device" >&2
    exit 5
fi

sudo mkdir -p "$mount_path"

if ! grep -q "^UUID=${uuid}[[:space:]]" "$fstab"; then
    printf 'UUID=%s %s xfs defaults,nofail 0 2\n' "$uuid" "$mount_path" | sudo tee -a "$fstab" >/dev/null
fi

if ! findmnt --source "UUID=$uuid" --target "$mount_path" >/dev/null 2>&1; then
    sudo mount -T "$fstab" "$mount_path"
fi

if ! findmnt --source "UUID=$uuid" --target "$mount_path" >/dev/null 2>&1; then
    echo "$device is not mounted at $mount_path" >&2
    exit 5
fi
echo "mounted: $device $mount_path $uuid"
