#!/usr/bin/env bash
# tests/cni/run.sh: pods shaped by the real CNI bandwidth plugin, from the conflist the node really has.
#   - aws-node's template (tests/node/fixtures/vpc-cni-10-aws.conflist.template), rendered as aws-node renders it,
#     then run through infra/Core/Nodes/NodeScripts/cni-bandwidth-guard.sh exactly as the repository has it;
#   - in it, aws-cni is replaced by ptp + host-local and egress-cni is dropped: both are the VPC CNI's own plugins
#     and need EC2 (ENIs, IMDS). portmap and bandwidth are the real plugins (Debian's containernetworking-plugins);
#   - each pod is a fresh network namespace; the "node" is another one, so nothing touches this host's network.
#     The chain gets CNI_COMMAND=ADD with the runtimeConfig containerd builds from the pod's annotations
#     (tests/cni/lib.sh, runtime_config, with the sources). kubelet and containerd are not run: they only pass
#     the annotations down, and that conversion is what runtime_config reproduces;
#   - asserted: the qdiscs, and iperf3's steady rate after the burst within 10% of the annotation, both ways, at
#     50M and 200M; then verify-cluster.sh judges the real interfaces (PASS shaped, FAIL unshaped).
# Speed: the shaped rate is an upper bound; a busy machine can only be slower. So a rate is judged only when the
# unshaped first second (the bucket, at veth speed, many Gbit/s here) reached at least twice the rate; otherwise
# that check fails as "cannot judge", naming the figure. The median of the steady seconds is judged, so a few
# slow seconds do not decide.
# Needs root, network namespaces, iproute2, jq, iperf3, containernetworking-plugins (.ci/run installs them).
# Without root or namespaces it prints one line and counts nothing, except with CI=true, where it fails.
# Prints "ok - NAME" / "not ok - NAME: REASON", then "cni: N passed, N failed".
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=tests/cni/lib.sh
source "$here/lib.sh"

passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1: $2"; failed=$((failed + 1)); }
finish() { echo "cni: $passed passed, $failed failed"; ((failed == 0)); exit $?; }

# --- Can these tests run here? ------------------------------------------------------------------------------------
tag=cni16-$$
why=''
if [[ $(id -u) != 0 ]]; then
  why="not root"
elif ! ip netns add "$tag-try" 2>/dev/null; then
  why="cannot create a network namespace"
else
  ip netns del "$tag-try"
fi
if [[ -n $why ]]; then
  if [[ ${CI:-} == true ]]; then
    not_ok environment "$why; with CI=true the CNI tests must run (CI runs as root)"
    finish
  fi
  echo "cni: not run: $why (the CNI shaping tests need root and network namespaces; CI runs them)"
  exit 0
fi
missing=()
for tool in jq iperf3 tc ip ss sha1sum shellcheck; do command -v "$tool" >/dev/null || missing+=("$tool"); done
for plugin in ptp host-local portmap bandwidth; do [[ -x $CNI_BIN/$plugin ]] || missing+=("$CNI_BIN/$plugin"); done
if ((${#missing[@]})); then
  not_ok tools "missing: ${missing[*]} (apt-get install iproute2 jq iperf3 shellcheck containernetworking-plugins)"
  finish
fi

# The files this stage adds or runs on a node, shellcheck-clean (the probe is POSIX sh: it runs in any image).
if out=$(shellcheck -x "$here/run.sh" "$here/lib.sh" "$here/bench.sh" "$here/kubectl" 2>&1 &&
  shellcheck -s sh "$repo/infra/Cli/verify-cluster-probe.sh" 2>&1); then
  ok "shellcheck: tests/cni and infra/Cli/verify-cluster-probe.sh"
else
  not_ok "shellcheck: tests/cni and infra/Cli/verify-cluster-probe.sh" "$(head -n 5 <<<"$out" | tr '\n' '|')"
fi

work=$(mktemp -d)
node=$tag-node
namespaces=()
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
  local n
  for n in "${namespaces[@]}"; do ip netns del "$n" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$node" && namespaces+=("$node")
ip -n "$node" link set lo up
readonly GW=10.199.0.1 STEADY=6

# --- The conflist ---------------------------------------------------------------------------------------------------
mkdir "$work/net.d"
guarded=$(guarded_conflist "$work/net.d") || guarded=''
if [[ -n $guarded ]] && jq -e '[.plugins[].type] == ["aws-cni", "egress-cni", "portmap", "bandwidth"]
    and .plugins[-1] == {type: "bandwidth", capabilities: {bandwidth: true}}' "$guarded" >/dev/null; then
  ok "conflist: the guard leaves aws-node's chain with the bandwidth plugin last"
else
  not_ok "conflist: the guard leaves aws-node's chain with the bandwidth plugin last" "got $(jq -c '[.plugins[]?.type]' "$work/net.d/10-aws.conflist" 2>&1)"
fi
list=$(offline_conflist "$work/net.d/10-aws.conflist" 10.199.0.0/24 "$work/ipam")
if jq -e --slurpfile g "$work/net.d/10-aws.conflist" '[.plugins[].type] == ["ptp", "portmap", "bandwidth"]
    and .plugins[1:] == $g[0].plugins[2:]' <<<"$list" >/dev/null; then
  ok "conflist: offline chain is ptp + host-local, then the guard's portmap and bandwidth unchanged"
else
  not_ok "conflist: offline chain is ptp + host-local, then the guard's portmap and bandwidth unchanged" "got $list"
fi

# add_pod NAME INGRESS EGRESS: a pod netns, CNI ADD with those annotations ("" = none), the host veth renamed the
# VPC CNI way. Sets VETH, IFB (the bwp… device in the result, or empty), POD_IP; false with ADD_ERR on failure.
add_pod() {
  local pod=$tag-$1 result host
  ip netns add "$pod" && namespaces=("$pod" "${namespaces[@]}")
  ip -n "$pod" link set lo up
  if ! result=$(cni_add "$list" "$node" "$pod" "$tag-$1" default "$1" "$(runtime_config "$2" "$3")" 2>&1); then
    ADD_ERR=$result
    return 1
  fi
  host=$(host_veth "$result")
  VETH=$(vpc_veth_name default "$1")
  # A rename keeps the device and its qdiscs; only the name changes, to what aws-cni would have chosen.
  ip -n "$node" link set dev "$host" name "$VETH" || { ADD_ERR="could not rename $host to $VETH"; return 1; }
  IFB=$(jq -r '[.interfaces[] | select(.name | startswith("bwp")) | .name][0] // empty' <<<"$result")
  POD_IP=$(pod_ip "$result")
}

qdiscs() { ip netns exec "$node" tc qdisc show dev "$1" 2>&1; }

for rate in 50M 200M; do
  name=shaped-${rate,,}
  bits=$((${rate%M} * 1000000))
  if ! add_pod "$name" "$rate" "$rate"; then
    not_ok "$rate: CNI ADD of ptp, portmap, bandwidth" "$ADD_ERR"
    continue
  fi
  ok "$rate: CNI ADD of ptp, portmap, bandwidth (pod $POD_IP, host veth $VETH)"
  out=$(qdiscs "$VETH")
  tbf="^qdisc tbf [0-9a-f]+: (dev [^ ]+ )?root refcnt [0-9]+ rate ${rate}bit burst 512Mb lat 25ms"
  if grep -Eq "$tbf" <<<"$out"; then
    ok "$rate: ingress: tbf on the host veth at ${rate}bit, burst 512Mb (MaxUint32 bits)"
  else
    not_ok "$rate: ingress: tbf on the host veth at ${rate}bit, burst 512Mb (MaxUint32 bits)" "$(tr '\n' '|' <<<"$out")"
  fi
  filter=$(ip netns exec "$node" tc filter show dev "$VETH" parent ffff: 2>&1)
  if grep -Eq '^qdisc ingress ffff: (dev [^ ]+ )?parent ffff:fff1' <<<"$out" && [[ -n $IFB ]] &&
    grep -q "Redirect to device $IFB)" <<<"$filter"; then
    ok "$rate: egress: ingress qdisc ffff: on the host veth redirects to $IFB"
  else
    not_ok "$rate: egress: ingress qdisc ffff: on the host veth redirects to the bwp device" "qdiscs $(tr '\n' '|' <<<"$out") filter $(tr '\n' '|' <<<"$filter") ifb '$IFB'"
  fi
  out=$(qdiscs "${IFB:-none}")
  if grep -Eq "$tbf" <<<"$out"; then
    ok "$rate: egress: tbf on $IFB at ${rate}bit, burst 512Mb"
  else
    not_ok "$rate: egress: tbf on the bwp device at ${rate}bit, burst 512Mb" "$(tr '\n' '|' <<<"$out")"
  fi
  for dir in ingress egress; do
    check="$rate: $dir: iperf3 steady rate after the burst within 10% of the annotation"
    if ! iperf_series "$node" "$tag-$name" "$GW" "$dir" "$bits" "$STEADY" "$work/$name-$dir.json"; then
      not_ok "$check" "iperf3 failed: $(jq -r '.error // empty' "$work/$name-$dir.json"* 2>/dev/null | head -n 1)"
      continue
    fi
    read -r first n median series < <(steady_summary "$work/$name-$dir.json")
    limit=$((bits / 1000000))
    if ((first < 2 * limit)); then
      not_ok "$check" "cannot judge: the unshaped first second reached only $first Mbit/s, less than twice the rate (per second: $series Mbit/s)"
    elif ((n < 3)); then
      not_ok "$check" "only $n steady seconds after the burst (per second: $series Mbit/s)"
    elif awk -v m="$median" -v r="$limit" 'BEGIN { d = m - r; if (d < 0) d = -d; exit !(d * 10 <= r) }'; then
      ok "$check: median $median Mbit/s over $n s (per second: $series)"
    else
      not_ok "$check" "median $median Mbit/s over $n steady seconds, ${rate}bit annotated (per second: $series Mbit/s)"
    fi
  done
done

if add_pod plain "" ""; then
  out=$(qdiscs "$VETH")
  if [[ -z $IFB ]] && ! grep -Eq '^qdisc (tbf|htb|ingress)' <<<"$out"; then
    ok "no annotations: no shaping qdisc and no bwp device"
  else
    not_ok "no annotations: no shaping qdisc and no bwp device" "ifb '$IFB', qdiscs $(tr '\n' '|' <<<"$out")"
  fi
else
  not_ok "no annotations: CNI ADD" "$ADD_ERR"
fi


# --- verify-cluster.sh on these interfaces --------------------------------------------------------------------------
# The real script, unmodified, with tests/cni/kubectl standing in for the API server, containerd and kubelet (there
# is no cluster here): its test pod gets a real CNI ADD on this "node", its probe pod runs verify-cluster-probe.sh
# in the node's network namespace. proxy-mode is not judged here (no kube-proxy runs); the bandwidth checks are.
mkdir -p "$work/root/etc/cni/net.d"
cp "$work/net.d/10-aws.conflist" "$work/root/etc/cni/net.d/"
printf '%s\n' "$list" >"$work/list.json"
# verify_case NAME keep|drop: runs verify-cluster.sh; sets OUT (stdout) and ERR.
verify_case() {
  local state=$work/verify-$1 n
  mkdir -p "$state"
  OUT=$(PATH="$here:$PATH" CNI_FAKE_STATE="$state" CNI_FAKE_NODE="$node" CNI_FAKE_LIST="$work/list.json" \
    CNI_FAKE_ROOT="$work/root" CNI_FAKE_ANNOTATIONS=$2 \
    timeout -k 5 300 bash "$repo/infra/Cli/verify-cluster.sh" --mode iptables --bandwidth true 2>"$state/err") || true
  ERR=$(cat "$state/err")
  if [[ -f $state/netns ]]; then
    while IFS= read -r n; do namespaces=("$n" "${namespaces[@]}"); done <"$state/netns"
  fi
  return 0
}
verify_case annotated keep
want='^PASS cni-node (bandwidth-plugin|ingress-limit|egress-limit): '
if [[ $(grep -Ec "$want" <<<"$OUT") == 3 ]] && grep -Eq 'ingress-limit: tbf at 10Mbit on eni[0-9a-f]{11}, ' <<<"$OUT" &&
  grep -Eq 'egress-limit: tbf at 10Mbit on bwp[0-9a-f]+, the IFB device that eni[0-9a-f]{11}.s ingress qdisc redirects to' <<<"$OUT"; then
  ok "verify-cluster.sh on real interfaces: PASS bandwidth-plugin, ingress-limit, egress-limit for the annotated pod"
else
  not_ok "verify-cluster.sh on real interfaces: PASS bandwidth-plugin, ingress-limit, egress-limit for the annotated pod" "stdout $(tr '\n' '|' <<<"$OUT") stderr $(tail -n 3 <<<"$ERR" | tr '\n' '|')"
fi
verify_case plain drop
if grep -q '^PASS cni-node bandwidth-plugin: ' <<<"$OUT" && grep -Eq '^FAIL cni-node ingress-limit: root qdisc of eni[0-9a-f]{11} is noqueue' <<<"$OUT" &&
  grep -q '^FAIL cni-node egress-limit: no ingress qdisc ffff: on eni' <<<"$OUT"; then
  ok "verify-cluster.sh on real interfaces: FAIL ingress-limit and egress-limit for a pod without annotations"
else
  not_ok "verify-cluster.sh on real interfaces: FAIL ingress-limit and egress-limit for a pod without annotations" "stdout $(tr '\n' '|' <<<"$OUT") stderr $(tail -n 3 <<<"$ERR" | tr '\n' '|')"
fi

finish
