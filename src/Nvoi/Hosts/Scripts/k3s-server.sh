#!/bin/sh
# nvoi-script: k3s-server
# Usage: k3s-server PRIVATE_IP NODE_NAME K3S_VERSION READY_WAIT_SECONDS [NODE_LABEL [INSTALLER SHA256]]
# Installs a k3s server pinned to K3S_VERSION, bound to PRIVATE_IP (flannel wireguard-native on
# the interface holding it), with the registry mirror for localhost:30500, then waits until the
# node is Ready. The node registers with NODE_LABEL (key=value) when given. Does nothing when k3s
# is already active.
# INSTALLER (a file uploaded beforehand; an empty NODE_LABEL for none) replaces the download of
# https://get.k3s.io: it runs only when its SHA-256 is SHA256 (exit 8 otherwise, nothing installed).
# Output: "k3s: already active" or "k3s: installed". Exit 6: no interface holds PRIVATE_IP.
# Exit 7: the node was not Ready in time.
set -eu

private_ip=$1
node_name=$2
version=$3
wait_seconds=$4
node_label=${5:-}
installer_src=${6:-}
installer_sha256=${7:-}

if systemctl is-active --quiet k3s; then
    echo "k3s: already active"
    exit 0
fi

iface=$(ip -o -4 addr show | awk -v ip="$private_ip" '{ split($4, a, "/"); if (a[1] == ip) { print $2; exit } }')
if [ -z "$iface" ]; then
    echo "no network interface holds $private_ip" >&2
    exit 6
fi
echo "private interface: $iface"

sudo mkdir -p /etc/rancher/k3s
printf '%s\n' 'mirrors:' '  "localhost:30500":' '    endpoint:' '      - "http://localhost:30500"' \
    | sudo tee /etc/rancher/k3s/registries.yaml >/dev/null

installer=$(mktemp)
trap 'rm -f "$installer"' EXIT
if [ -n "$installer_src" ]; then
    # An installer nvoi uploaded (air-gapped servers): it runs only if it is the one pinned.
    actual=$(sha256sum "$installer_src" | cut -d ' ' -f 1)
    if [ "$actual" != "$installer_sha256" ]; then
        rm -f "$installer_src"
        echo "the k3s installer's SHA-256 is $actual, not the pinned $installer_sha256; not running it" >&2
        exit 8
    fi
    mv "$installer_src" "$installer"
else
    # Download first: a failed download must stop here, not feed an empty script to sh.
    curl -sfL https://get.k3s.io -o "$installer"
fi
set -- --node-name "$node_name" \
    --node-ip "$private_ip" \
    --advertise-address "$private_ip" \
    --tls-san "$private_ip" \
    --flannel-iface "$iface" \
    --flannel-backend wireguard-native \
    --cluster-cidr 10.42.0.0/16 \
    --service-cidr 10.43.0.0/16 \
    --write-kubeconfig-mode 0600
if [ -n "$node_label" ]; then
    set -- "$@" --node-label "$node_label"
fi
sudo env INSTALL_K3S_VERSION="$version" sh "$installer" server "$@"

waited=0
until [ "$(sudo k3s kubectl get node "$node_name" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)" = "True" ]; do
    if [ "$waited" -ge "$wait_seconds" ]; then
        echo "node $node_name was not Ready within ${wait_seconds}s" >&2
        exit 7
    fi
    sleep 2
    waited=$((waited + 2))
done
echo "k3s: installed"
