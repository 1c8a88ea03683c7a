#!/bin/sh
# nvoi-script: k3s-agent
# Usage: k3s-agent SERVER_PRIVATE_IP TOKEN_FILE PRIVATE_IP NODE_NAME K3S_VERSION READY_WAIT_SECONDS [NODE_LABEL [INSTALLER SHA256]]
# Joins this server to the cluster as a k3s agent pinned to K3S_VERSION; the node registers with
# NODE_LABEL (key=value) when given, so it is labelled from its first moment. The join token is read
# from TOKEN_FILE (uploaded 0600 through stdin beforehand), moved to a root-only file and handed
# to k3s as K3S_TOKEN_FILE, so it never appears on a command line. Does nothing (except removing
# TOKEN_FILE) when the agent is already active.
# INSTALLER (a file uploaded beforehand; an empty NODE_LABEL for none) replaces the download of
# https://get.k3s.io: it runs only when its SHA-256 is SHA256 (exit 8 otherwise, nothing installed).
# Output: "k3s-agent: already active" or "k3s-agent: joined". Exit 6: no interface holds
# PRIVATE_IP. Exit 7: the agent did not become active in time.
set -eu

server_ip=$1
token_src=$2
private_ip=$3
node_name=$4
version=$5
wait_seconds=$6
node_label=${7:-}
installer_src=${8:-}
installer_sha256=${9:-}

if systemctl is-active --quiet k3s-agent; then
    rm -f "$token_src"
    echo "k3s-agent: already active"
    exit 0
fi

iface=$(ip -o -4 addr show | awk -v ip="$private_ip" '{ split($4, a, "/"); if (a[1] == ip) { print $2; exit } }')
if [ -z "$iface" ]; then
    rm -f "$token_src"
    echo "no network interface holds $private_ip" >&2
    exit 6
fi
echo "private interface: $iface"

sudo mkdir -p /etc/rancher/k3s
sudo install -m 0600 -o root -g root "$token_src" /etc/rancher/k3s/agent-token
rm -f "$token_src"
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
set -- --node-name "$node_name" --node-ip "$private_ip" --flannel-iface "$iface"
if [ -n "$node_label" ]; then
    set -- "$@" --node-label "$node_label"
fi
sudo env INSTALL_K3S_VERSION="$version" \
    K3S_URL="https://$server_ip:6443" K3S_TOKEN_FILE=/etc/rancher/k3s/agent-token sh "$installer" agent "$@"

waited=0
until systemctl is-active --quiet k3s-agent; do
    if [ "$waited" -ge "$wait_seconds" ]; then
        echo "k3s-agent on $node_name was not active within ${wait_seconds}s" >&2
        exit 7
    fi
    sleep 2
    waited=$((waited + 2))
done
echo "k3s-agent: joined"
