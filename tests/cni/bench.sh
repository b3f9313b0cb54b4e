#!/usr/bin/env bash
# tests/cni/bench.sh: a benchmark, not a test (it asserts nothing). For each annotated rate (default 50M 200M;
# arguments like 100M override), one pod shaped by the guard's conflist through the real plugins, as in
# tests/cni/run.sh; iperf3 both ways. Prints per direction the per-second series (Mbit/s, as the receiver counted
# it: the first seconds are the 512 MiB bucket at veth speed) and steady/annotated, the median of the seconds
# after the burst over the annotated rate. Needs root; .ci/run installs the tools. STEADY=N sets the steady seconds.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=tests/cni/lib.sh
source "$here/lib.sh"
[[ $(id -u) == 0 ]] || { echo "tests/cni/bench.sh: needs root (network namespaces)" >&2; exit 1; }
rates=("$@")
((${#rates[@]})) || rates=(50M 200M)
for r in "${rates[@]}"; do
  [[ $r =~ ^[1-9][0-9]*M$ ]] || { echo "tests/cni/bench.sh: rate $r: allowed: a whole number of M, e.g. 200M" >&2; exit 2; }
done
steady=${STEADY:-10}

tag=cnibench-$$ work=$(mktemp -d) namespaces=()
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
  local n
  for n in "${namespaces[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
node=$tag-node
ip netns add "$node" && namespaces+=("$node")
ip -n "$node" link set lo up
mkdir "$work/net.d"
guarded=$(guarded_conflist "$work/net.d")
list=$(offline_conflist "$guarded" 10.199.0.0/24 "$work/ipam")

printf '%-6s %-8s %-16s %s\n' rate way steady/annotated "per-second Mbit/s"
for r in "${rates[@]}"; do
  pod=$tag-${r,,}
  ip netns add "$pod" && namespaces=("$pod" "${namespaces[@]}")
  ip -n "$pod" link set lo up
  cni_add "$list" "$node" "$pod" "$pod" default "bench-${r,,}" "$(runtime_config "$r" "$r")" >/dev/null
  bits=$((${r%M} * 1000000))
  for dir in ingress egress; do
    iperf_series "$node" "$pod" 10.199.0.1 "$dir" "$bits" "$steady" "$work/$dir.json"
    read -r _ n median series < <(steady_summary "$work/$dir.json")
    ratio=$(awk -v m="$median" -v r="${r%M}" 'BEGIN { printf "%.3f", m / r }')
    printf '%-6s %-8s %-16s %s\n' "$r" "$dir" "$ratio ($n s)" "$series"
  done
done
