#!/bin/sh
# nvoi-script: k3s-traefik
# Usage: k3s-traefik check|enable UNIT NODE_NAME READY_WAIT_SECONDS
# The Traefik that k3s ships, which nvoi routes tunnels to. nvoi 0.2.0 installed k3s with
# --disable=traefik, an argument the k3s installer writes into the service unit UNIT
# (/etc/systemd/system/k3s.service), one argument a line.
# check:  prints "traefik: disabled" when UNIT holds that argument or was changed after k3s last
#         started (a run stopped before the restart), "traefik: no unit" without UNIT, else
#         "traefik: enabled". Changes nothing.
# enable: removes the argument from UNIT (and turns 0.2.0's world-readable kubeconfig mode 644
#         into 0600), reloads systemd, restarts k3s, which then deploys its bundled Traefik, and waits
#         until the node NODE_NAME is Ready again. Running pods keep running across the restart.
#         Prints "traefik: enabled now", or "traefik: enabled" when there was nothing to do.
# Exit 3: enable without UNIT. Exit 7: the node was not Ready in time.
set -eu

mode=$1
unit=$2
node_name=$3
wait_seconds=$4

if ! sudo test -f "$unit"; then
    # Not a unit the k3s installer wrote: nothing to check, nothing nvoi knows how to change.
    if [ "$mode" = check ]; then
        echo "traefik: no unit"
        exit 0
    fi
    echo "no k3s service unit at $unit" >&2
    exit 3
fi

# A line that is only the argument (quoted by the installer or not), with its continuation.
flag_line="^[[:space:]]*'\{0,1\}--disable=traefik'\{0,1\}[[:space:]]*\\\\\{0,1\}[[:space:]]*\$"

disabled=no
if sudo grep -q -e "$flag_line" "$unit"; then
    disabled=yes
else
    # The unit was edited after k3s started: the running k3s still has Traefik disabled.
    changed=$(sudo stat -c %Y "$unit")
    since=$(systemctl show -p ActiveEnterTimestamp --value k3s)
    started=0
    if [ -n "$since" ]; then
        started=$(date -d "$since" +%s 2>/dev/null || echo 0)
    fi
    if [ "$changed" -gt "$started" ]; then
        disabled=yes
    fi
fi

case "$mode" in
    check)
        echo "traefik: $( [ "$disabled" = yes ] && echo disabled || echo enabled )"
        exit 0
        ;;
    enable) ;;
    *)
        echo "unknown mode: $mode" >&2
        exit 2
        ;;
esac

if [ "$disabled" = no ]; then
    echo "traefik: enabled"
    exit 0
fi

sudo sed -i -e "/$flag_line/d" -e 's/--write-kubeconfig-mode=644/--write-kubeconfig-mode=0600/' "$unit"
sudo systemctl daemon-reload
sudo systemctl restart k3s

waited=0
until [ "$(sudo k3s kubectl get node "$node_name" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)" = "True" ]; do
    if [ "$waited" -ge "$wait_seconds" ]; then
        echo "node $node_name was not Ready within ${wait_seconds}s after restarting k3s" >&2
        exit 7
    fi
    sleep 2
    waited=$((waited + 2))
done
echo "traefik: enabled now"
