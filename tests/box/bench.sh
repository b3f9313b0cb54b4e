#!/usr/bin/env bash
# shellcheck disable=SC2016 # the single-quoted scripts expand inside the box
# tests/box/bench.sh: numbers, not a test (nothing here passes or fails on speed). For each AL2023
# golden group: its user data bytes, boot-to-cloud-final time in the box (systemd-nspawn start until
# systemd reports the boot over), and the guard's restore time after each of BENCH_REWRITES aws-node
# starts (rename until the bandwidth plugin is back in the conflist). Needs what tests/box/run.sh needs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/../.."
[[ $(id -u) -eq 0 ]] || { echo "bench: needs root (systemd-nspawn, overlayfs)"; exit 1; }
# shellcheck source=tests/box/box.sh
source "$here/box.sh"
trap box_cleanup EXIT
trap "exit 130" INT TERM

readonly GOLDEN=tests/Core.Tests/golden
readonly CONF=/etc/cni/net.d/10-aws.conflist
rewrites=${BENCH_REWRITES:-5}
rootfs=$(box_rootfs)

for file in "$GOLDEN"/userdata/*.userdata "$GOLDEN"/dev/nodegroups/*.userdata; do
  [[ -f $file ]] || continue
  rel=${file#"$GOLDEN"/}
  rel=${rel%.userdata}
  name=bench-$(tr '/' '-' <<<"$rel" | tail -c 50)
  d=$(box_new "$name" "$rootfs" "$file")
  box_install_aws_node "$d"
  printf '%s: user data %d bytes\n' "$rel" "$(wc -c <"$file")"
  box_boot "$name"
  printf '%s: boot to cloud-final done %s s (%s)\n' "$rel" "$(box_seconds "$d")" "$(cat "$d/state")"
  if box_x "$name" systemctl is-active -q cni-bandwidth-guard.path; then
    times=()
    for ((i = 1; i <= rewrites; i++)); do
      # The clock runs inside the box, from just before aws-node's rename to the first read that
      # finds the plugin; then wait for the guard to go idle so starts do not overlap.
      ms=$(box_x "$name" sh -c '
        start=$(date +%s%N); box-aws-node >/dev/null
        until jq -e "any(.plugins[]; .type == \"bandwidth\")" '"$CONF"' >/dev/null 2>&1; do sleep 0.005; done
        echo $((($(date +%s%N) - start) / 1000000))')
      box_x "$name" sh -c 'while [ "$(systemctl show -P ActiveState cni-bandwidth-guard.service)" != inactive ]; do sleep 0.01; done'
      times+=("${ms}ms")
    done
    printf '%s: guard restore time per aws-node start: %s\n' "$rel" "${times[*]}"
  else
    printf '%s: no bandwidth guard in this group\n' "$rel"
  fi
  box_stop "$name"
done
