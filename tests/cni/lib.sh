# shellcheck shell=bash
# tests/cni/lib.sh: what tests/cni/run.sh and tests/cni/bench.sh share: the conflist as the node has it, a chain
# runner that calls the real CNI plugins the way containerd (through libcni) does, and iperf3 in network
# namespaces. Sourced; needs root, ip (iproute2), tc, jq, iperf3 and containernetworking-plugins.

: "${repo:?lib.sh needs repo, the repository root}"
CNI_BIN=${CNI_BIN:-/usr/lib/cni} # Debian's containernetworking-plugins (dpkg -L containernetworking-plugins)
GUARD=$repo/infra/Core/Nodes/NodeScripts/cni-bandwidth-guard.sh
TEMPLATE=$repo/tests/node/fixtures/vpc-cni-10-aws.conflist.template
# containerd's burst for an annotated rate: math.MaxUint32 bits each way (containerd/containerd
# internal/cri/server/sandbox_run.go, toCNIBandWidth, lines 575-599). The plugin keeps burst/8 bytes
# (containernetworking/plugins v1.1.1 plugins/meta/bandwidth/main.go lines 301-306, 333-338): a bucket of
# 536870911 bytes, which tc prints as "burst 512Mb" (tc's Mb are MiB); about 4.29 Gbit pass unshaped first.
readonly BURST_BITS=4294967295 BUCKET_BYTES=536870911

# render_conflist: aws-node's plain render of its template, as tests/node renders it.
render_conflist() { sh "$repo/tests/node/fixtures/aws-node-render" "$TEMPLATE"; }

# guarded_conflist DIR: the conflist as cni-bandwidth-guard.sh (run as the repository has it) leaves it in
# DIR/10-aws.conflist; prints the file's path.
guarded_conflist() {
  render_conflist >"$1/10-aws.conflist"
  bash "$GUARD" "$1/10-aws.conflist" 2>/dev/null || return 1
  printf '%s\n' "$1/10-aws.conflist"
}

# offline_conflist GUARDED SUBNET DATADIR: GUARDED with aws-cni (the VPC CNI's own plugin, which needs EC2's
# ENIs and IMDS) replaced by ptp + host-local in SUBNET, and egress-cni (the VPC CNI's IPv6 egress plugin, same
# reason) dropped; portmap and bandwidth stay exactly as the guard left them.
offline_conflist() {
  jq -c --arg subnet "$2" --arg data "$3" '.plugins |= (map(select(.type != "egress-cni"))
    | map(if .type == "aws-cni" then {type: "ptp", mtu: 9001, ipMasq: false,
        ipam: {type: "host-local", ranges: [[{subnet: $subnet}]], dataDir: $data}} else . end))' "$1"
}

# runtime_config INGRESS EGRESS: the runtimeConfig containerd builds from the pod's kubernetes.io/ingress-bandwidth
# and egress-bandwidth annotations ("" = annotation absent): the rate in bit/s (resource.Quantity.Value(); here
# only plain M suffixes, 1M = 10^6), the burst MaxUint32 bits (containerd internal/cri/server/sandbox_run.go
# lines 575-599, internal/cri/bandwidth/utils.go lines 55-83). portMappings is always passed (an empty list: the pod
# has no hostPort). The keys are as containerd sends them: go-cni's BandWidth has no JSON tags (containerd/go-cni
# v1.1.13, pinned by containerd's go.mod line 20: types.go lines 47-52, namespace_opts.go lines 38-43), so libcni
# encodes "IngressRate" etc.; the plugin's "ingressRate" tags (plugins/meta/bandwidth/main.go lines 38-57) take them
# because Go's JSON decoder matches names case-insensitively.
runtime_config() {
  jq -nc --arg in "$1" --arg eg "$2" --argjson burst "$BURST_BITS" '
    def bits: sub("M$"; "") | tonumber * 1000000;
    {portMappings: []}
    + (if $in == "" and $eg == "" then {} else {bandwidth: (
        (if $in == "" then {} else {IngressRate: ($in | bits), IngressBurst: $burst} end)
        + (if $eg == "" then {} else {EgressRate: ($eg | bits), EgressBurst: $burst} end))} end)'
}

# cni_add CONFLIST NODE_NS POD_NS CONTAINER_ID K8S_NS K8S_POD RUNTIME_CONFIG: CNI ADD of the whole chain, plugin
# by plugin, as libcni does it: each plugin gets the list's name and cniVersion, the runtimeConfig keys it
# declares in "capabilities", and the previous plugin's result as prevResult. The plugins run in NODE_NS, which
# stands for the node's root network namespace. Prints the last result; on failure the plugin's error (stderr).
cni_add() {
  local list=$1 node=$2 pod=$3 id=$4 kns=$5 kpod=$6 rt=$7 n i conf type prev='' out
  n=$(jq '.plugins | length' <<<"$list")
  for ((i = 0; i < n; i++)); do
    conf=$(jq -c --argjson i "$i" --argjson rt "$rt" --argjson prev "${prev:-null}" '. as $l | .plugins[$i]
      | . + {cniVersion: $l.cniVersion, name: $l.name}
      | ((.capabilities // {}) as $cap | ($rt | with_entries(select($cap[.key] == true)))) as $r
      | (if ($r | length) > 0 then .runtimeConfig = $r else . end)
      | (if $prev != null then .prevResult = $prev else . end)' <<<"$list")
    type=$(jq -r .type <<<"$conf")
    if ! out=$(ip netns exec "$node" env CNI_COMMAND=ADD CNI_CONTAINERID="$id" CNI_NETNS="/run/netns/$pod" \
      CNI_IFNAME=eth0 CNI_PATH="$CNI_BIN" \
      CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAMESPACE=$kns;K8S_POD_NAME=$kpod;K8S_POD_INFRA_CONTAINER_ID=$id" \
      "$CNI_BIN/$type" <<<"$conf" 2>&1); then
      printf 'plugin %s failed: %s\n' "$type" "$out" >&2
      return 1
    fi
    prev=$out
  done
  printf '%s\n' "$prev"
}

# host_veth RESULT: the host-side interface of the pod in a CNI result (the one without a sandbox).
host_veth() { jq -r '[.interfaces[] | select((.sandbox // "") == "") | .name][0] // empty' <<<"$1"; }
pod_ip() { jq -r '.ips[0].address | sub("/.*"; "")' <<<"$1"; }

# vpc_veth_name K8S_NS K8S_POD: the host-side veth name the VPC CNI gives a pod: "eni" and the first 11 hex
# digits of sha1("<namespace>.<pod>") (aws/amazon-vpc-cni-k8s pkg/networkutils/names.go lines 10-26,
# GeneratePodHostVethName with the default prefix "eni"). ptp names its veth at random, so the tests rename it.
vpc_veth_name() {
  local h
  h=$(printf '%s.%s' "$1" "$2" | sha1sum)
  printf 'eni%s\n' "${h:0:11}"
}

# iperf_series NODE_NS POD_NS SERVER_IP DIRECTION RATE_BITS STEADY OUT: one iperf3 run through the pod's veth that
# sends the whole bucket and then STEADY+2 seconds' worth at RATE_BITS (-n bytes, so a slower machine only takes
# longer to empty the bucket; the shaped seconds are always there). DIRECTION ingress: the node sends to the pod
# (iperf3 -R); egress: the pod sends. OUT gets the receiver's JSON (the receiver's clock counts what passed the
# shaper, the sender's counts what entered its socket buffer).
iperf_series() {
  local node=$1 pod=$2 ip=$3 dir=$4 rate=$5 steady=$6 out=$7 bytes spid i rc=0
  bytes=$((BUCKET_BYTES + rate * (steady + 2) / 8))
  ip netns exec "$node" iperf3 -s -1 -B "$ip" -p 5201 -J >"$out.server" 2>&1 &
  spid=$!
  # Readiness, not speed: wait until the server listens (or has died).
  for ((i = 0; i < 600; i++)); do
    ip netns exec "$node" ss -Hltn 'sport = :5201' | grep -q . && break
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ $dir == ingress ]]; then
    ip netns exec "$pod" iperf3 -c "$ip" -p 5201 -n "$bytes" -i 1 -J -R >"$out" 2>&1 || rc=$?
    wait "$spid" || true
  else
    ip netns exec "$pod" iperf3 -c "$ip" -p 5201 -n "$bytes" -i 1 -J >"$out.client" 2>&1 || rc=$?
    wait "$spid" || rc=$?
    cp "$out.server" "$out"
  fi
  return "$rc"
}

# steady_summary JSON: from the receiver's per-second intervals, one line:
#   <first-second Mbit/s> <steady seconds> <median steady Mbit/s> <per-second Mbit/s, comma-separated>
# The burst is over once the receiver has counted a whole bucket; that second and the next one are left out,
# so are partial seconds (the last one). What is left is the shaped, steady rate.
steady_summary() {
  jq -r --argjson bucket "$BUCKET_BYTES" '
    [.intervals[].sum | {d: (.end - .start), b: .bytes, m: (.bits_per_second / 1e6)}] as $iv
    | (reduce range(0; $iv | length) as $i ({c: 0, at: null};
        .c += $iv[$i].b | if .at == null and .c >= $bucket then .at = $i else . end)).at as $drained
    | [range(($drained // ($iv | length)) + 2; $iv | length) | $iv[.] | select(.d >= 0.9) | .m] | sort as $s
    | [($iv[0].m // 0),
       ($s | length),
       (if ($s | length) == 0 then 0 elif ($s | length) % 2 == 1 then $s[($s | length - 1) / 2]
        else ($s[($s | length) / 2 - 1] + $s[($s | length) / 2]) / 2 end),
       ([$iv[].m | . * 10 | round / 10 | tostring] | join(","))]
    | "\(.[0] | round) \(.[1]) \(.[2] * 10 | round / 10) \(.[3])"' "$1"
}
