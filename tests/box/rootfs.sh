#!/usr/bin/env bash
# tests/box/rootfs.sh DIR: make sure a Debian bookworm rootfs for the box is in DIR/<key>, print that path.
# Built with mmdebstrap from this host's Debian mirror (its debian.sources), cached under DIR keyed by
# the package list and this script, so a re-run reuses it (a fresh CI clone builds it once, ~70 s).
# The packages: systemd as PID 1, cloud-init (reads the NoCloud seed), and what the node parts call:
# jq (guard), iproute2/ipvsadm/kmod (IPVS tools; modprobe itself is replaced by a recorder in the box),
# util-linux (flock, setsid), procps.
set -euo pipefail

readonly PACKAGES=(systemd systemd-sysv dbus cloud-init jq iproute2 ipvsadm kmod util-linux procps)
readonly SUITE=bookworm

cache=${1:?usage: rootfs.sh CACHE_DIR}
sources=/etc/apt/sources.list.d/debian.sources
[[ -f $sources ]] || sources=http://deb.debian.org/debian
key=$( { printf '%s\n' "$SUITE" "${PACKAGES[@]}"; cat -- "${BASH_SOURCE[0]}"; } | sha256sum | cut -c1-16)
dir=$cache/rootfs-$key
if [[ -f $dir/.complete ]]; then
  printf '%s\n' "$dir"
  exit 0
fi
command -v mmdebstrap >/dev/null || { echo "rootfs.sh: mmdebstrap not installed (apt-get install mmdebstrap; .ci/run does)" >&2; exit 1; }
mkdir -p -- "$cache"
# Old keys are stale: drop them so the cache does not grow.
rm -rf -- "$cache"/rootfs-* "$cache"/.build-*
tmp=$(mktemp -d -- "$cache/.build-XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
include=$(IFS=,; printf '%s' "${PACKAGES[*]}")
echo "rootfs.sh: building $SUITE rootfs ($include) with mmdebstrap from $sources" >&2
# shellcheck disable=SC2016 # $1 is the hook's argument, the rootfs
mmdebstrap --variant=apt --mode=root --include="$include" \
  --customize-hook='rm -f "$1/etc/machine-id"; : >"$1/etc/machine-id"' \
  "$SUITE" "$tmp/root" "$sources" >&2
mv -- "$tmp/root" "$dir"
: >"$dir/.complete"
printf '%s\n' "$dir"
