#!/bin/sh
# nvoi-script: prune-images
# Usage: prune-images REPOSITORY KEEP [IMAGE...]
# Removes the containerd images (k3s, namespace k8s.io) of REPOSITORY (e.g. localhost:30500/app)
# beyond the KEEP newest tags (tags are timestamps, newest sorts last), never "latest", never
# an image a pod on this node or in the cluster still uses, and never one of the IMAGEs given
# (full references: the running image and the one a rollback would go back to).
# Output: one "removed: REF" line per image removed. Exit 9: the images in use could not be listed.
set -eu

repository=$1
keep=$2
shift 2

in_use=$(mktemp)
trap 'rm -f "$in_use"' EXIT
if ! pod_images=$(sudo k3s kubectl get pods --all-namespaces -o 'jsonpath={range .items[*]}{range .spec.containers[*]}{.image}{"\n"}{end}{range .spec.initContainers[*]}{.image}{"\n"}{end}{end}' 2>/dev/null); then
    echo "could not list the images pods use; not pruning" >&2
    exit 9
fi
printf '%s\n' "$pod_images" >"$in_use"
for image in "$@"; do
    printf '%s\n' "$image" >>"$in_use"
done

kept=0
sudo k3s ctr -n k8s.io images ls -q \
    | awk -v prefix="$repository:" 'index($0, prefix) == 1 && substr($0, length(prefix) + 1) != "latest"' \
    | sort -r \
    | while IFS= read -r ref; do
        kept=$((kept + 1))
        if [ "$kept" -le "$keep" ]; then
            continue
        fi
        if grep -qxF "$ref" "$in_use"; then
            continue
        fi
        sudo k3s ctr -n k8s.io images rm "$ref" >/dev/null
        echo "removed: $ref"
    done
