#!/usr/bin/env bash
# verify-cluster.sh: prove, on a live cluster, that every Linux node runs what the project configured.
#
# Usage: bash infra/Cli/verify-cluster.sh --mode ipvs|nftables|iptables [--scheduler rr] [--bandwidth true|false]
#          [--kubeconfig PATH] [--namespace NS] [--timeout SECONDS] [--parallel N] [--image IMAGE] [--node NAME]
#          [--skip-not-ready]
#   --mode            kube-proxy mode the stack sets (proxyMode); required
#   --scheduler       IPVS scheduler (ipvsScheduler); only with --mode ipvs; default rr
#   --bandwidth       whether the CNI bandwidth plugin must be active (bandwidthPlugin); default true
#   --kubeconfig      kubeconfig file; default: kubectl's own choice (KUBECONFIG, then ~/.kube/config)
#   --namespace       namespace of the short-lived pods; it must admit privileged pods; default default
#   --timeout         bound for the whole run in seconds; default 300 (deleting the pods afterwards gets up to
#                     70 s more)
#   --parallel        at most this many nodes are probed at once (pods of one role per batch); default 250
#   --image           image of the pods; it must carry sh, curl, ipvsadm and tc (iproute-tc); default
#                     docker.io/nicolaka/netshoot:v0.15; mirror it into a private registry for clusters
#                     without internet egress (README, "Proof on a live cluster")
#   --node            check only this node
#   --skip-not-ready  skip NotReady nodes with a note instead of failing them
# Output: per node and check "PASS <node> <check>: <detail>" or "FAIL <node> <check>: <detail>", then
# "verify: N passed, N failed". Notes and errors go to stderr.
# Exit: 0 every check passed; 1 a check failed, the run timed out, kubectl failed or the pods could not be
# deleted; 2 invalid arguments (one line per problem naming the argument, the value and what is allowed).
# Needs bash 4.4+, kubectl, jq, coreutils (timeout, sha1sum or shasum) and a Kubernetes 1.30+ API server
# (recursiveReadOnly). RBAC the caller needs: get, list on nodes; get on services in namespace default (the
# kubernetes Service); create, get, list, watch, delete on pods in --namespace (the server-side dry run is a
# create; `kubectl delete --wait` gets and watches). Nothing else: no exec, attach, logs or node proxy.
#
# Checks per node: node-ready (only as a FAIL: a NotReady node, with its Ready condition's message),
# proxy-mode (kube-proxy's GET 127.0.0.1:10249/proxyMode), ipvs-service (--mode ipvs: the kubernetes Service's
# ClusterIP:443 is a TCP virtual server with the scheduler and at least one real server of weight > 0),
# bandwidth-plugin (--bandwidth true: no other CNI config sorts before /etc/cni/net.d/10-aws.conflist, which has
# exactly one plugin of type bandwidth with the bandwidth capability), ingress-limit and egress-limit
# (--bandwidth true: a test pod annotated with 10M each way runs on the node; its host veth, named the VPC CNI way
# and cross-checked with `ip route get`, has a tbf at 10M (ingress) and an ingress qdisc ffff: whose mirred
# redirect leads to an IFB device with a tbf at 10M (egress); htb with a class at 10M is accepted with a note).
#
# Design. Each node gets one short-lived hostNetwork pod ("probe") running verify-cluster-probe.sh (beside this
# file) with the image's own tools, no chroot: every check reads network-namespace or kernel state (kube-proxy's port, the
# IPVS table, qdiscs) or /etc/cni/net.d, which the pod mounts read-only, so nodes without a host shell (Bottlerocket)
# are checked like any other. The probe writes key=value lines to its termination message, so one
# label-selected `kubectl get pods` reads the results of all nodes: no `kubectl logs` per node. The pods of one
# role are created with one `kubectl create` of a List, after one server-side dry run of one pod per role that
# shows admission (Pod Security, policy engines) and quota rejections once (a webhook that cannot take dry runs
# only skips it, with a note). Every pod carries
# eks-verify/run=<run id>; the EXIT trap deletes them by that label, and force-deletes them when a node died and
# the pods cannot terminate. With --bandwidth true the test pods of a batch must be Running (their CNI ADD, and
# so the bandwidth plugin, has run) before the probes of that batch start.
# Time: every kubectl call runs under `timeout` with what is left of --timeout, plus --request-timeout. When the
# time is up, the checks of nodes not probed yet FAIL, the rest are judged, and the exit code is 1.
# VERIFY_CLUSTER_CLOCK (tests only) names a file holding the run's clock in seconds: pauses add to it instead of
# sleeping and the test's kubectl advances it, so a deadline falls in the phase a test means however busy the
# machine is; `timeout` then only guards against a real hang.
# Limits: a termination message holds 4096 bytes, so the probe sends only what is judged (the conflist without
# indentation, the tc output of two devices); a bigger result fails that node's checks with its size. An API server
# older than 1.30 rejects recursiveReadOnly, which the dry run reports once.
set -euo pipefail

readonly PROG=verify-cluster
readonly CNI_DIR=/etc/cni/net.d
readonly CONFLIST=10-aws.conflist
readonly HOST_MOUNT=/host
readonly METRICS=127.0.0.1:10249
readonly LABEL=eks-verify/run
readonly SCHEDULERS=(rr wrr lc wlc lblc lblcr sh dh sed nq)
readonly MODES=(ipvs nftables iptables)
readonly RATE=10M RATE_BITS=10000000
readonly RESULT_PATH=/dev/termination-log
readonly CLEANUP_SECONDS=40 FORCE_SECONDS=30
# Bandwidth plugin v1.5.x shapes with htb, default class 1:30 (containernetworking/plugins v1.5.1 ifb_creator.go);
# VPC CNI v1.18.6 to v1.19.6 fetch that release (their Makefile, FETCH_VERSION=1.5.1). v1.6.0 returned to tbf.
readonly HTB_NOTE="htb: bandwidth plugin v1.5.x, shipped by VPC CNI v1.18.6-v1.19.6"

usage() { # the header's Usage paragraph
  sed -n '/^# Usage:/,/^#$/{/^#$/q;s/^# \{0,1\}//;p;}' "${BASH_SOURCE[0]}"
}

# --- The node probe (POSIX sh) is infra/Cli/verify-cluster-probe.sh, beside this file; it is shipped as it is. ---

note() { printf '%s: %s\n' "$PROG" "$*" >&2; }

# oneline: stdin on one line (kubectl errors) for a detail or a note.
oneline() { tr '\n' ' ' | sed 's/ *$//'; }

# in_list VALUE ITEM...: true when VALUE is one of the items.
in_list() {
  local v=$1 i
  shift
  for i in "$@"; do [[ $v == "$i" ]] && return 0; done
  return 1
}

join() { # SEP ITEM...
  local sep=$1 out=''
  shift
  while (($#)); do out+=${out:+$sep}$1; shift; done
  printf '%s' "$out"
}

if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] < 404)); then
  note "needs bash 4.4 or newer (this is $BASH_VERSION)"
  exit 1
fi

# --- Arguments ---------------------------------------------------------------------------------------------------
readonly OPTIONS="--mode, --scheduler, --bandwidth, --kubeconfig, --namespace, --timeout, --parallel, --image, --node, --skip-not-ready"
mode='' scheduler=rr scheduler_given=0 bandwidth=true timeout_s=300 kubeconfig='' node_only='' namespace=default
parallel=250 skip_not_ready=0
image=docker.io/nicolaka/netshoot:v0.15
errors=()
while (($#)); do
  arg=$1
  shift
  case $arg in
    -h | --help) usage; exit 0 ;;
    --skip-not-ready) skip_not_ready=1; continue ;;
    --*=*) name=${arg%%=*} value=${arg#*=} ;;
    --*)
      name=$arg
      if ! (($#)); then
        errors+=("$name: missing value")
        continue
      fi
      value=$1
      shift
      ;;
    *)
      errors+=("$arg: unexpected argument; allowed: $OPTIONS")
      continue
      ;;
  esac
  case $name in
    --mode) mode=$value ;;
    --scheduler) scheduler=$value scheduler_given=1 ;;
    --bandwidth) bandwidth=$value ;;
    --kubeconfig) kubeconfig=$value ;;
    --namespace) namespace=$value ;;
    --timeout) timeout_s=$value ;;
    --parallel) parallel=$value ;;
    --image) image=$value ;;
    --node) node_only=$value ;;
    *) errors+=("$name: unknown option; allowed: $OPTIONS") ;;
  esac
done

if [[ -z $mode ]]; then
  errors+=("--mode: required; allowed: $(join ', ' "${MODES[@]}")")
elif ! in_list "$mode" "${MODES[@]}"; then
  errors+=("--mode = $mode: not a kube-proxy mode; allowed: $(join ', ' "${MODES[@]}")")
elif ((scheduler_given)) && [[ $mode != ipvs ]]; then
  errors+=("--scheduler = $scheduler: only valid with --mode ipvs, not --mode $mode; allowed: omit --scheduler, or use --mode ipvs")
fi
if ! in_list "$scheduler" "${SCHEDULERS[@]}"; then
  errors+=("--scheduler = $scheduler: not an IPVS scheduler; allowed: $(join ', ' "${SCHEDULERS[@]}")")
fi
if [[ $bandwidth != true && $bandwidth != false ]]; then
  errors+=("--bandwidth = $bandwidth: not a boolean; allowed: true, false")
fi
if [[ ! $timeout_s =~ ^[1-9][0-9]{0,4}$ ]] || ((timeout_s > 86400)); then
  errors+=("--timeout = $timeout_s: not a whole number of seconds in range; allowed: 1 to 86400")
fi
if [[ ! $parallel =~ ^[1-9][0-9]{0,4}$ ]] || ((parallel > 5000)); then
  errors+=("--parallel = $parallel: not a whole number of nodes in range; allowed: 1 to 5000")
fi
if [[ ! $namespace =~ ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$ ]]; then
  errors+=("--namespace = $namespace: not a namespace name; allowed: lower-case letters, digits and '-', 1 to 63 characters, starting and ending with a letter or digit")
fi
if [[ -z $image || $image =~ [[:space:]] ]]; then
  errors+=("--image = $image: not an image reference; allowed: a non-empty image name without spaces")
fi
if [[ -n $kubeconfig && ! -r $kubeconfig ]]; then
  errors+=("--kubeconfig = $kubeconfig: no such readable file; allowed: the path of a kubeconfig file")
fi
if ((${#errors[@]})); then
  for e in "${errors[@]}"; do note "$e"; done
  exit 2
fi

# --- Tools ------------------------------------------------------------------------------------------------------
timeout_cmd=$(command -v timeout || command -v gtimeout || true)
for tool in kubectl jq; do
  command -v "$tool" >/dev/null || { note "$tool not found on PATH"; exit 1; }
done
[[ -n $timeout_cmd ]] || { note "coreutils timeout not found on PATH (macOS: brew install coreutils)"; exit 1; }
if command -v sha1sum >/dev/null; then
  sha1=(sha1sum)
elif command -v shasum >/dev/null; then
  sha1=(shasum -a 1)
else
  note "sha1sum (coreutils) or shasum not found on PATH"
  exit 1
fi

probe_file=$(dirname -- "${BASH_SOURCE[0]}")/verify-cluster-probe.sh
[[ -r $probe_file ]] || { note "the node probe $probe_file is missing; it ships with this script"; exit 1; }

kube_args=()
[[ -z $kubeconfig ]] || kube_args+=("--kubeconfig=$kubeconfig")
checks=(proxy-mode)
[[ $mode != ipvs ]] || checks+=(ipvs-service)
[[ $bandwidth != true ]] || checks+=(bandwidth-plugin ingress-limit egress-limit)

# --- Bounded kubectl ----------------------------------------------------------------------------------------------
# now: seconds since the start, from the shell or, in tests, from VERIFY_CLUSTER_CLOCK.
readonly CLOCK=${VERIFY_CLUSTER_CLOCK:-} HANG_GUARD_SECONDS=600
now() {
  local t
  if [[ -n $CLOCK ]]; then read -r t <"$CLOCK" && echo "$t"; else echo "$SECONDS"; fi
}
deadline=$(($(now) + timeout_s))

# kc ARG...: kubectl, cut off when --timeout is used up (exit 124); one API request may take at most 30 s.
# --foreground keeps kubectl in our process group, so Ctrl-C reaches it (timeout otherwise moves it out).
kc() {
  local left=$((deadline - $(now)))
  ((left > 0)) || return 124
  "$timeout_cmd" --foreground -k 2 "$([[ -n $CLOCK ]] && echo "$HANG_GUARD_SECONDS" || echo "$left")" kubectl "${kube_args[@]}" --request-timeout="$((left < 30 ? left : 30))s" "$@"
}

# kc_budget SECONDS ARG...: kubectl on its own budget (cleanup runs after --timeout may be spent).
kc_budget() {
  local s=$1
  shift
  "$timeout_cmd" --foreground -k 2 "$s" kubectl "${kube_args[@]}" --request-timeout=20s "$@"
}

# timed_out RC: true when RC (of kc) means the run's deadline cut the call short.
timed_out() { [[ $1 == 124 || $1 == 137 ]] || (($(now) >= deadline)); }

# --- State ------------------------------------------------------------------------------------------------------
nodes=()                  # Linux, non-Fargate nodes to judge, in the API's order
declare -A not_ready=()   # node -> its Ready condition, for the node-ready FAIL
declare -A bw_pod=()      # node -> bandwidth test pod
declare -A bw_ip=()       # node -> its pod IP once Running
declare -A bw_err=()      # node -> why the test pod is not usable
declare -A veth=()        # node -> the test pod's host veth as the VPC CNI names it (prefix eni)
declare -A probe_pod=()   # node -> probe pod
declare -A probe_out=()   # node -> probe result (key=value lines)
declare -A probe_err=()   # node -> why there is no usable result
declare -A waiting=()     # node -> last seen state of a pod still pending, for timeout messages
declare -A refused=()     # node -> why no pod is started there at all
run_id=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
pods_created=0
passed=0
failed=0
service_vs=''

# Delete every pod of this run, whatever happened; bounded on its own budget since --timeout may be spent. When
# the normal delete cannot finish (a node died, its pods stay Terminating), the pods are force-deleted.
cleanup() {
  local rc=$? out
  if ((pods_created)); then
    if ! out=$(kc_budget "$CLEANUP_SECONDS" delete pods -n "$namespace" -l "$LABEL=$run_id" --ignore-not-found --now \
      --wait --timeout=30s 2>&1); then
      note "the pods did not go away ($(oneline <<<"$out")); force-deleting them (a node may have died mid-run)"
      if ! out=$(kc_budget "$FORCE_SECONDS" delete pods -n "$namespace" -l "$LABEL=$run_id" --ignore-not-found \
        --force --grace-period=0 --wait=false 2>&1); then
        note "could not delete the pods ($(oneline <<<"$out")); delete them with: kubectl delete pods -n $namespace -l $LABEL=$run_id --force --grace-period=0"
        ((rc != 0)) || rc=1
      fi
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

result() { # PASS|FAIL NODE CHECK DETAIL
  printf '%s %s %s: %s\n' "$1" "$2" "$3" "$4"
  if [[ $1 == PASS ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

# --- Judging one node's probe output --------------------------------------------------------------------------
declare -A P=()
b64d() { [[ -z $1 ]] || base64 -d <<<"$1" 2>/dev/null || true; }

# node_facts: the JSON and tc parsing of every node's result in one jq (a few processes per run, not per node: a
# run judges hundreds of nodes). Sets, per node, conf_sum (for the conflist: "invalid", or TSV of the number of
# bandwidth plugins, whether all have the bandwidth capability, the plugin types, the aws-cni vethPrefix) and
# tc_sum (13 fields joined by US: per device kind, rate, rate in bit/s, htb default class, that class's rate and
# its bit/s, the veth first, then the IFB device; then whether the veth has the ingress qdisc ffff:). tc leaves
# out "dev X" when asked for one device, so tokens are matched, not columns.
declare -A conf_sum=() tc_sum=()
node_facts() {
  local node conf tc
  while IFS=$'\x1e' read -r node conf tc; do
    conf_sum[$node]=$conf tc_sum[$node]=$tc
  done < <(node_results | jq -Rsr '
    def dec: if . == "" then "" else (try @base64d catch "") end;
    def lines: split("\n") | map([splits("[ \t]+")] | map(select(. != ""))) | map(select(length > 0));
    def after($w): . as $t | (index($w)) as $i | if $i == null then "" else ($t[$i + 1] // "") end;
    # tc prints rates with SI (or IEC) prefixes in bit/s, or in bytes/s with "bps".
    def bits: ((capture("^(?<n>[0-9]+([.][0-9]+)?)(?<u>[A-Za-z]+)$"))? // null) as $m
      | if $m == null then "" else
          ({"bit": 1, "Kbit": 1e3, "Mbit": 1e6, "Gbit": 1e9, "Tbit": 1e12, "Kibit": 1024, "Mibit": 1048576,
            "Gibit": 1073741824, "bps": 8, "Kbps": 8e3, "Mbps": 8e6, "Gbps": 8e9}[$m.u]) as $f
          | if $f == null then "" else ($m.n | tonumber) * $f | floor | tostring end end;
    def shaping($q; $c): ($q | dec | lines) as $ql
      | ([$ql[] | select(.[0] == "qdisc" and (.[2:] | index("root")) != null)] | first // []) as $root
      | ($root[1] // "") as $kind
      | (if $kind == "tbf" then ($root | after("rate")) else "" end) as $rate
      # htb sends unclassified traffic to its default class ("default 0x30" is class 1:30); its rate is the limit.
      | (if $kind == "htb" then ($root | after("default") | sub("^0x"; "")) else "" end) as $dflt
      | (if $dflt != "" then ([$c | dec | lines | .[] | select(.[0] == "class" and .[2] == "1:" + $dflt)] | first // []
          | after("rate")) else "" end) as $crate
      | [$kind, $rate, ($rate | bits), $dflt, $crate, ($crate | bits)];
    # aws-node re-encodes the conflist, so it is parsed as JSON, never matched as text.
    def conflist: (try fromjson catch null) as $c
      | if ($c | type) != "object" or ($c.plugins | type) != "array" then "invalid"
        else [$c.plugins[] | select(type == "object" and .type == "bandwidth")] as $bw
          | [($bw | length), ([$bw[] | .capabilities.bandwidth == true] | all),
             ([$c.plugins[] | (.type? // "?") | tostring] | join(", ")),
             ([$c.plugins[] | select(type == "object" and .type == "aws-cni") | .vethPrefix // empty | tostring]
              | first // "eni")] | @tsv
        end;
    split("\u001d")[] | select(length > 0) | split("\n") | .[0] as $node
    | ([.[1:][] | select(contains("=")) | index("=") as $i | {key: .[:$i], value: .[$i + 1:]}] | from_entries) as $p
    | [$node, ($p.conflist // "" | conflist),
       (shaping($p.vethQdisc // ""; $p.vethClass // "") + shaping($p.ifbQdisc // ""; $p.ifbClass // "")
        + [[$p.vethQdisc // "" | dec | lines | .[] | select(.[0] == "qdisc" and .[1] == "ingress" and .[2] == "ffff:")]
           | length > 0 | tostring] | join("\u001f"))]
    | join("\u001e")')
}

# node_results: every probe result, each after its node's name, separated by GS (0x1d).
node_results() {
  local n
  for n in "${nodes[@]}"; do
    [[ -z ${probe_out[$n]+x} ]] || printf '%s\n%s\x1d' "$n" "${probe_out[$n]}"
  done
}

# rate_ok BITS: true when BITS (bit/s) is the annotated rate (tc rounds what it prints, so within 1 %).
rate_ok() { [[ $1 =~ ^[0-9]+$ ]] && ((($1 - RATE_BITS) * 100 <= RATE_BITS && (RATE_BITS - $1) * 100 <= RATE_BITS)); }

# shaping KIND RATE BITS DEF CLASS_RATE CLASS_BITS DEV: whether DEV shapes at the annotated rate; sets shaped (1/0)
# and shaped_detail.
shaping() {
  local kind=$1 rate=$2 bits=$3 dflt=$4 crate=$5 cbits=$6 dev=$7
  shaped=0
  case $kind in
    tbf)
      if rate_ok "$bits"; then
        shaped=1 shaped_detail="tbf at $rate on $dev"
      else
        shaped_detail="tbf on $dev shapes at ${rate:-no rate}, expected $RATE"
      fi
      ;;
    htb)
      if [[ -n $dflt ]] && rate_ok "$cbits"; then
        shaped=1 shaped_detail="htb class 1:$dflt at $crate on $dev ($HTB_NOTE; upstream returned to tbf in v1.6.0)"
      else
        shaped_detail="htb on $dev has no default class at $RATE (default class 1:${dflt:-none}, rate ${crate:-none})"
      fi
      ;;
    *) shaped_detail="root qdisc of $dev is ${kind:-none}, expected tbf at $RATE" ;;
  esac
}

check_proxy_mode() { # NODE
  local got
  if [[ -n ${P[proxyMode]+x} ]]; then
    got=${P[proxyMode]%"${P[proxyMode]##*[![:space:]]}"} # without trailing blanks
    if [[ $got == "$mode" ]]; then
      result PASS "$1" proxy-mode "kube-proxy reports $mode ($METRICS/proxyMode)"
    else
      result FAIL "$1" proxy-mode "kube-proxy reports ${got:-nothing}, expected $mode"
    fi
  else
    result FAIL "$1" proxy-mode "kube-proxy did not answer on $METRICS/proxyMode: ${P[proxyModeError]:-no answer}"
  fi
}

check_ipvs_service() { # NODE
  local vs=$service_vs sched servers weighted
  if [[ -z ${P[ipvs]+x} ]]; then
    result FAIL "$1" ipvs-service "ipvsadm -Ln failed on the node: ${P[ipvsadmError]:-no output}"
    return
  fi
  read -r sched servers weighted <<<"${P[ipvs]}"
  if [[ -z $sched ]]; then
    result FAIL "$1" ipvs-service "no TCP virtual server $vs in ipvsadm -Ln (${P[ipvsServices]:-0} virtual servers)"
  elif [[ $sched != "$scheduler" ]]; then
    result FAIL "$1" ipvs-service "TCP $vs uses scheduler $sched, expected $scheduler"
  elif ((weighted == 0)); then
    # A virtual server without a usable real server is what a broken endpoint sync looks like.
    result FAIL "$1" ipvs-service "TCP $vs $sched has $servers real servers, $weighted of weight > 0; expected at least one (the API servers)"
  else
    result PASS "$1" ipvs-service "TCP $vs $sched, $servers real servers"
  fi
}

veth_prefix='eni' # from the conflist's aws-cni plugin (vethPrefix), read by check_bandwidth_plugin
iface_why='' shaped=0 shaped_detail='' tc_fact=()

# first_cni_config NAMES: sets first to the CNI config containerd loads: of the .conf, .conflist and .json files,
# the first by byte order of the name (containerd/go-cni sorts the names with Go's sort.Strings).
first_cni_config() {
  local LC_ALL=C f names
  read -r -a names <<<"$1"
  first=''
  for f in "${names[@]}"; do
    [[ $f =~ \.(conf|conflist|json)$ ]] || continue
    if [[ -z $first || $f < $first ]]; then first=$f; fi
  done
}

check_bandwidth_plugin() { # NODE
  local summary count caps plugins first
  first_cni_config "${P[cniFiles]:-}"
  veth_prefix=eni
  if [[ -z ${P[conflist]+x} ]]; then
    # aws-node writes the file when it starts; missing means it has not (yet) on this node.
    result FAIL "$1" bandwidth-plugin "$CNI_DIR/$CONFLIST does not exist${first:+ (containerd loads $first)}"
    return
  fi
  summary=${conf_sum[$1]:-invalid}
  if [[ $summary == invalid ]]; then
    result FAIL "$1" bandwidth-plugin "$CNI_DIR/$CONFLIST is not valid JSON with a plugins list"
    return
  fi
  IFS=$'\t' read -r count caps plugins veth_prefix <<<"$summary"
  if [[ $first != "$CONFLIST" ]]; then
    result FAIL "$1" bandwidth-plugin "$first sorts before $CONFLIST in $CNI_DIR, so containerd loads it and not the VPC CNI's chain"
  elif ((count == 0)); then
    result FAIL "$1" bandwidth-plugin "no bandwidth plugin in $CNI_DIR/$CONFLIST (plugins: $plugins)"
  elif ((count > 1)); then
    result FAIL "$1" bandwidth-plugin "$count bandwidth plugins in $CNI_DIR/$CONFLIST, expected exactly one (plugins: $plugins)"
  elif [[ $caps != true ]]; then
    result FAIL "$1" bandwidth-plugin "the bandwidth plugin in $CNI_DIR/$CONFLIST lacks capabilities.bandwidth=true, so pod annotations are ignored"
  else
    result PASS "$1" bandwidth-plugin "one bandwidth plugin in $CNI_DIR/$CONFLIST, the first CNI config (plugins: $plugins)"
  fi
}

# interface_problem NODE: sets iface_why to why the test pod's host veth cannot be judged, or to nothing. It never
# falls back to another device.
interface_problem() {
  local n=$1 want found route
  iface_why=''
  if [[ -n ${bw_err[$n]:-} ]]; then
    iface_why=${bw_err[$n]}
    return
  fi
  want=${veth_prefix}${veth[$n]#eni}
  found=${P[veth]:-} route=${P[routeDev]:-}
  if [[ -n ${P[linkError]+x} ]]; then
    iface_why="ip -o link show failed on the node: ${P[linkError]}"
  elif [[ -z $found ]]; then
    iface_why="the test pod ${bw_pod[$n]} (${bw_ip[$n]:-no IP}) has no host interface $want on the node (ip route get: ${route:-${P[routeError]:-not asked, no pod IP}})"
  elif [[ $found != "$want" ]]; then
    iface_why="the interface ending in ${want: -11} is $found, expected $want (VPC CNI prefix $veth_prefix)"
  elif [[ $route != "$want" ]]; then
    iface_why="ip route get ${bw_ip[$n]:-?} leads to ${route:-nothing (${P[routeError]:-no route})}, not to the test pod's interface $want"
  elif [[ -n ${P[tcError]+x} ]]; then
    iface_why="tc qdisc show dev $want failed on the node: ${P[tcError]}"
  fi
}

check_limits() { # NODE
  local n=$1 dev ifb filter
  interface_problem "$n"
  if [[ -n $iface_why ]]; then
    result FAIL "$n" ingress-limit "$iface_why"
    result FAIL "$n" egress-limit "$iface_why"
    return
  fi
  dev=${P[veth]}
  IFS=$'\x1f' read -r -a tc_fact <<<"${tc_sum[$n]:-}"
  # Ingress (traffic to the pod) leaves the host through the veth: the plugin shapes its root.
  shaping "${tc_fact[@]:0:6}" "$dev"
  if ((shaped)); then
    result PASS "$n" ingress-limit "$shaped_detail, the test pod's host veth"
  else
    result FAIL "$n" ingress-limit "$shaped_detail (the test pod's host veth)"
  fi
  # Egress (traffic from the pod) enters the host on the veth: an ingress qdisc redirects it to an IFB device,
  # which shapes it on its root.
  ifb=${P[ifb]:-}
  if [[ ${tc_fact[12]:-} != true ]]; then
    result FAIL "$n" egress-limit "no ingress qdisc ffff: on $dev, so nothing redirects the pod's egress"
  elif [[ -z $ifb ]]; then
    filter=$(b64d "${P[vethFilter]:-}")
    result FAIL "$n" egress-limit "no mirred redirect in the ingress filters of $dev ($(oneline <<<"${filter:-no filters}" | cut -c1-200))"
  else
    shaping "${tc_fact[@]:6:6}" "$ifb"
    if ((shaped)); then
      result PASS "$n" egress-limit "$shaped_detail, the IFB device that $dev's ingress qdisc redirects to"
    else
      result FAIL "$n" egress-limit "$shaped_detail (the IFB device that $dev's ingress qdisc redirects to)"
    fi
  fi
}

judge_node() { # NODE
  local n=$1 line check reason
  P=()
  if [[ -n ${not_ready[$n]:-} ]]; then
    result FAIL "$n" node-ready "the node is not Ready (${not_ready[$n]}); nothing else was checked"
    return
  fi
  if [[ -n ${refused[$n]:-} ]]; then
    for check in "${checks[@]}"; do result FAIL "$n" "$check" "not checked: ${refused[$n]}"; done
    return
  fi
  if [[ -n ${probe_out[$n]+x} ]]; then
    while IFS= read -r line; do
      if [[ $line == *=* ]]; then P[${line%%=*}]=${line#*=}; fi
    done <<<"${probe_out[$n]}"
  fi
  # The probe prints end=1 last: without it the output is cut short and nothing in it can be trusted.
  if [[ ${P[end]:-} != 1 ]]; then
    reason=${probe_err[$n]:-${P[probeError]:-"the probe's result is incomplete"}}
    for check in "${checks[@]}"; do result FAIL "$n" "$check" "node probe failed: $reason"; done
    return
  fi
  check_proxy_mode "$n"
  [[ $mode != ipvs ]] || check_ipvs_service "$n"
  if [[ $bandwidth == true ]]; then
    check_bandwidth_plugin "$n"
    check_limits "$n"
  fi
}

report() {
  local n
  [[ $bandwidth != true ]] || node_facts
  for n in "${nodes[@]}"; do judge_node "$n"; done
  printf 'verify: %d passed, %d failed\n' "$passed" "$failed"
  ((failed == 0))
}

# abort_timeout WHAT: --timeout is used up; every node not yet probed fails, the rest is judged.
abort_timeout() {
  local n
  note "timed out after ${timeout_s}s (--timeout) while $1"
  for n in "${nodes[@]}"; do
    if [[ -z ${probe_out[$n]+x} && -z ${probe_err[$n]:-} ]]; then
      probe_err[$n]="not finished when --timeout ${timeout_s}s ran out${waiting[$n]:+ (${waiting[$n]})}"
    fi
  done
  ((${#nodes[@]} == 0)) || report || true
  exit 1
}

# api_failed RC WHAT: a cluster-wide call failed; nothing can be checked without it.
api_failed() {
  timed_out "$1" && abort_timeout "$2"
  note "kubectl failed while $2 (exit $1)"
  exit 1
}

# --- Nodes ----------------------------------------------------------------------------------------------------
nodes_json=$(kc get nodes -o json) || api_failed $? "listing nodes"
# One line per node (fields joined by US): name, verdict (ok, not-ready or why it is skipped), Ready condition.
node_lines=$(jq -r '.items[] | [.metadata.name,
    ((.status.conditions // []) | map(select(.type == "Ready")) | first) as $r
    | (if (.status.nodeInfo.operatingSystem // .metadata.labels["kubernetes.io/os"]) != "linux" then "not Linux"
       elif .metadata.labels["eks.amazonaws.com/compute-type"] == "fargate" then "Fargate (no host access)"
       elif $r.status == "True" then "ok" else "not-ready" end),
      (if $r == null then "no Ready condition"
       else "Ready=\($r.status)" + (if ($r.reason // "") != "" then ", \($r.reason)" else "" end)
         + (if ($r.message // "") != "" then ": \($r.message)" else "" end) end)] | join("\u001f")' <<<"$nodes_json")
while IFS=$'\x1f' read -r name verdict ready; do
  [[ -n $name ]] || continue
  [[ -z $node_only || $name == "$node_only" ]] || continue
  case $verdict in
    ok) nodes+=("$name") ;;
    not-ready)
      if ((skip_not_ready)); then
        note "skipping node $name: not Ready ($ready) (--skip-not-ready)"
      else
        nodes+=("$name")
        not_ready[$name]=$ready
      fi
      ;;
    *) note "skipping node $name: $verdict" ;;
  esac
done <<<"$node_lines"
if ((${#nodes[@]} == 0)); then
  if [[ -n $node_only ]]; then note "--node $node_only: no Linux node to check by that name"; else note "no Linux node to verify"; fi
  exit 1
fi
ready_nodes=()
for n in "${nodes[@]}"; do [[ -n ${not_ready[$n]:-} ]] || ready_nodes+=("$n"); done

if [[ $mode == ipvs ]]; then
  service_ip=$(kc get svc kubernetes -n default -o 'jsonpath={.spec.clusterIP}') ||
    api_failed $? "reading the kubernetes Service's ClusterIP"
  [[ -n $service_ip ]] || { note "the kubernetes Service in namespace default has no ClusterIP"; exit 1; }
  # ipvsadm writes IPv6 virtual servers as [addr]:port.
  if [[ $service_ip == *:* ]]; then service_vs="[$service_ip]:443"; else service_vs="$service_ip:443"; fi
fi

# --- Pod manifests ----------------------------------------------------------------------------------------------
readonly RESOURCES='{"requests": {"cpu": "5m", "memory": "16Mi"}, "limits": {"memory": "64Mi"}}'
snippet=$(cat "$probe_file")

# manifests ROLE BATCH NODE...: a List of this run's ROLE (bandwidth or probe) pods on the NODEs, from one jq.
manifests() {
  local role=$1 batch=$2 n pod
  shift 2
  for n in "$@"; do
    if [[ $role == bandwidth ]]; then pod=${bw_pod[$n]}; else pod=${probe_pod[$n]}; fi
    printf '%s\x1f%s\x1f%s\x1f%s\n' "$n" "$pod" "${bw_ip[$n]:-}" "${veth[$n]#eni}"
  done | jq -R -s --arg role "$role" --arg batch "$batch" --arg ns "$namespace" --arg runlabel "$LABEL" \
    --arg run "$run_id" --argjson deadline "$((timeout_s + 120))" --arg image "$image" --arg rate "$RATE" \
    --arg sleep "$((timeout_s + 60))" --argjson res "$RESOURCES" --arg snippet "$snippet" \
    --arg ipvs "$([[ $mode == ipvs ]] && echo 1 || echo 0)" --arg bw "$([[ $bandwidth == true ]] && echo 1 || echo 0)" \
    --arg cnidir "$HOST_MOUNT$CNI_DIR" --arg conflist "$CONFLIST" --arg vs "$service_vs" --arg mount "$HOST_MOUNT" \
    --arg result "$RESULT_PATH" '
    # What every pod of this run shares: pinned to its node, every taint tolerated, one shot, bounded in time.
    def meta($node; $name): {apiVersion: "v1", kind: "Pod",
      metadata: {name: $name, namespace: $ns,
        labels: {($runlabel): $run, "eks-verify/role": $role, "eks-verify/batch": $batch,
          "app.kubernetes.io/name": "eks-verify"}},
      spec: {nodeName: $node, restartPolicy: "Never", activeDeadlineSeconds: $deadline,
        terminationGracePeriodSeconds: 1, automountServiceAccountToken: false, enableServiceLinks: false,
        tolerations: [{operator: "Exists"}]}};
    def test_pod($node; $name): meta($node; $name)
      | .metadata.annotations = {"kubernetes.io/ingress-bandwidth": $rate, "kubernetes.io/egress-bandwidth": $rate}
      | .spec.containers = [{name: "sleep", image: $image, command: ["sleep", $sleep], resources: $res}];
    def probe_pod($node; $name; $ip; $suffix): meta($node; $name)
      | .spec.hostNetwork = true
      | .spec.containers = [{name: "probe", image: $image, command: ["sh", "-c", $snippet],
          env: [{name: "WANT_IPVS", value: $ipvs}, {name: "WANT_BW", value: $bw}, {name: "IPVS_VS", value: $vs},
                {name: "BW_POD_IP", value: $ip}, {name: "VETH_SUFFIX", value: $suffix},
                {name: "CNI_DIR", value: $cnidir}, {name: "CONFLIST", value: $conflist},
                {name: "RESULT", value: $result}, {name: "LC_ALL", value: "C"}],
          resources: $res,
          terminationMessagePath: $result, terminationMessagePolicy: "FallbackToLogsOnError",
          securityContext: {privileged: true},
          volumeMounts: [{name: "host", mountPath: $mount, readOnly: true, recursiveReadOnly: "IfPossible"}]}]
      | .spec.volumes = [{name: "host", hostPath: {path: "/", type: "Directory"}}];
    {apiVersion: "v1", kind: "List", items: [split("\n")[] | select(length > 0) | split("\u001f")
      | if $role == "bandwidth" then test_pod(.[0]; .[1]) else probe_pod(.[0]; .[1]; .[2]; .[3]) end]}'
}

# --- Creating and polling ----------------------------------------------------------------------------------------
declare -A create_err=()
# create_list LIST_JSON NAME...: one `kubectl create` for all NAMEs; create_err[NAME] says why one was not created.
create_list() {
  local list=$1 rc=0 out name line generic
  shift
  pods_created=1
  out=$(kc create -f - <<<"$list" 2>&1) || rc=$?
  ((rc == 0)) && return 0
  timed_out "$rc" && abort_timeout "creating pods"
  # kubectl creates the items one by one and names each failure: 'pods "NAME" is forbidden: ...'.
  generic=''
  while IFS= read -r line; do
    [[ -n $line && $line != pod/*' created' ]] || continue
    for name in "$@"; do
      [[ $line == *"\"$name\""* ]] && { create_err[$name]=$line; continue 2; }
    done
    generic+=${generic:+ }$line
  done <<<"$out"
  for name in "$@"; do
    grep -qx "pod/$name created" <<<"$out" || create_err[$name]=${create_err[$name]:-${generic:-kubectl create failed (exit $rc)}}
  done
}

declare -A st_phase=() st_ip=() st_why=() st_msg=()
poll_failures=0
# poll_pods ROLE BATCH: phase, pod IP, why (pod reason and message first, e.g. OutOfpods, then the container's)
# and the termination message of this run's pods into st_*, by pod name. One call for all of them. Runs in this
# shell (not in $(...)) so that a timeout can end the run.
poll_pods() {
  local json rc=0 name phase ip why msg
  st_phase=() st_ip=() st_why=() st_msg=()
  json=$(kc get pods -n "$namespace" -l "$LABEL=$run_id,eks-verify/role=$1,eks-verify/batch=$2" -o json) || rc=$?
  if ((rc)); then
    timed_out "$rc" && abort_timeout "waiting for the $1 pods"
    # A failed poll is retried (the API may blip), but not forever: RBAC or a dead endpoint will not heal.
    poll_failures=$((poll_failures + 1))
    ((poll_failures < 3)) || api_failed "$rc" "listing this run's $1 pods (3 times in a row)"
    return 0
  fi
  poll_failures=0
  # Fields joined by US (0x1f), the message's newlines as RS (0x1e): one line per pod.
  while IFS=$'\x1f' read -r name phase ip why msg; do
    st_phase[$name]=$phase st_ip[$name]=$ip st_why[$name]=$why st_msg[$name]=${msg//$'\x1e'/$'\n'}
  done < <(jq -r '.items[] | .status as $s
      | ([$s.containerStatuses[]?.state | (.waiting // .terminated // empty)] | first // {}) as $c
      | [.metadata.name, ($s.phase // "Pending"), ($s.podIP // ""),
         (if ($s.reason // "") != "" then $s.reason + (if ($s.message // "") != "" then ": " + $s.message else "" end)
          else ($c.reason // "") + (if ($c.message // "") != "" and ($c.exitCode // 1) != 0 then ": " + ($c.message | gsub("\n"; " ")) else "" end) end),
         (($c.message // "") | gsub("\n"; "\u001e"))]
      | map(tostring | gsub("\u001f"; " ")) | join("\u001f")' <<<"$json")
}

# stuck WHY: true when a pending pod's container will not start without outside help, so waiting is pointless.
# ImagePullBackOff comes after a failed pull (ErrImagePull alone may be a blip and is waited for).
stuck() { [[ $1 == ImagePullBackOff* || $1 == InvalidImageName* || $1 == ErrImageNeverPull* ]]; }

pause() { # sleep 2 s, or less if the deadline is nearer
  local left=$((deadline - $(now))) s
  ((left > 0)) || return 0
  s=$((left < 2 ? left : 2))
  if [[ -n $CLOCK ]]; then echo $(($(now) + s)) >"$CLOCK"; else sleep "$s"; fi
}

# veth_name NAMESPACE POD: the host-side veth the VPC CNI gives the pod: "eni" and the first 11 hex digits of
# sha1("<namespace>.<pod>") (aws/amazon-vpc-cni-k8s pkg/networkutils/names.go).
veth_name() {
  local h
  h=$(printf '%s.%s' "$1" "$2" | "${sha1[@]}")
  printf 'eni%s' "${h:0:11}"
}

# --- Preflight: one server-side dry run of one pod per role ---------------------------------------------------
if ((${#ready_nodes[@]})); then
  n=${ready_nodes[0]}
  bw_pod[$n]="eks-verify-bw-$run_id-0" probe_pod[$n]="eks-verify-$run_id-0" veth[$n]=$(veth_name "$namespace" "eks-verify-bw-$run_id-0")
  list=$({ [[ $bandwidth != true ]] || manifests bandwidth 0 "$n"; manifests probe 0 "$n"; } |
    jq -s '{apiVersion: "v1", kind: "List", items: map(.items[])}')
  rc=0
  out=$(kc create --dry-run=server -f - <<<"$list" 2>&1) || rc=$?
  if ((rc)) && [[ $out == *"does not support dry run"* ]]; then
    # A webhook that does not declare sideEffects None fails every dry run; the real create may still pass it.
    note "the server-side dry run could not run ($(grep -v '^pod/' <<<"$out" | oneline)); going on without it"
  elif ((rc)); then
    timed_out "$rc" && abort_timeout "the server-side dry run"
    why=$(grep -v '^pod/' <<<"$out" | oneline | sed -E "s/eks-verify-(bw-)?$run_id-0/<pod>/g")
    note "namespace $namespace refuses this run's pods (server-side dry run, nothing was created): ${why:-kubectl exit $rc}"
    for n in "${ready_nodes[@]}"; do refused[$n]="namespace $namespace refuses this run's pods (server-side dry run; the API server's answer is above)"; done
    report
    exit 1
  fi
fi

# --- Batches of at most --parallel nodes ----------------------------------------------------------------------------
note "checking ${#ready_nodes[@]} node(s) in batches of at most $parallel"
total=${#ready_nodes[@]}
for ((start = 0; start < total; start += parallel)); do
  batch=$((start / parallel))
  batch_nodes=("${ready_nodes[@]:start:parallel}")

  if [[ $bandwidth == true ]]; then
    names=()
    for ((i = 0; i < ${#batch_nodes[@]}; i++)); do
      n=${batch_nodes[i]}
      bw_pod[$n]="eks-verify-bw-$run_id-$((start + i))"
      veth[$n]=$(veth_name "$namespace" "${bw_pod[$n]}")
      names+=("${bw_pod[$n]}")
    done
    create_list "$(manifests bandwidth "$batch" "${batch_nodes[@]}")" "${names[@]}"
    for n in "${batch_nodes[@]}"; do
      [[ -z ${create_err[${bw_pod[$n]}]:-} ]] || bw_err[$n]="could not create the test pod: ${create_err[${bw_pod[$n]}]}"
    done
    # Wait until each test pod runs (its CNI ADD is done) or ended; keep half the time left for the probes.
    batches_left=$(((total - start + parallel - 1) / parallel))
    bw_wait=$(((deadline - $(now)) / (2 * batches_left)))
    bw_until=$(($(now) + bw_wait))
    while :; do
      poll_pods bandwidth "$batch"
      pending=0
      for n in "${batch_nodes[@]}"; do
        [[ -z ${bw_err[$n]:-} && -z ${bw_ip[$n]+x} ]] || continue
        p=${bw_pod[$n]}
        phase=${st_phase[$p]:-Pending} why=${st_why[$p]:-}
        case $phase in
          Running)
            if [[ -n ${st_ip[$p]:-} ]]; then bw_ip[$n]=${st_ip[$p]}; else bw_err[$n]="the test pod runs but has no IP"; fi
            ;;
          Succeeded | Failed) bw_err[$n]="the test pod ended ($phase${why:+: $why}) instead of running" ;;
          *)
            if stuck "$why"; then
              bw_err[$n]="the test pod cannot start ($why); can the nodes pull --image $image?"
            else
              pending=$((pending + 1)) waiting[$n]="test pod $phase${why:+: $why}"
            fi
            ;;
        esac
      done
      ((pending)) || break
      if (($(now) >= bw_until)); then
        for n in "${batch_nodes[@]}"; do
          [[ -n ${bw_err[$n]:-} || -n ${bw_ip[$n]+x} ]] ||
            bw_err[$n]="the test pod did not become Running within ${bw_wait}s (${waiting[$n]})"
        done
        break
      fi
      pause
    done
  else
    for n in "${batch_nodes[@]}"; do veth[$n]=eni; done
  fi

  names=()
  for ((i = 0; i < ${#batch_nodes[@]}; i++)); do
    n=${batch_nodes[i]}
    probe_pod[$n]="eks-verify-$run_id-$((start + i))"
    names+=("${probe_pod[$n]}")
  done
  create_list "$(manifests probe "$batch" "${batch_nodes[@]}")" "${names[@]}"
  for n in "${batch_nodes[@]}"; do
    [[ -z ${create_err[${probe_pod[$n]}]:-} ]] || probe_err[$n]="could not create the probe pod: ${create_err[${probe_pod[$n]}]}"
  done

  # Wait for each probe pod to end; its result is in the same answer (the termination message).
  while :; do
    poll_pods probe "$batch"
    pending=0
    for n in "${batch_nodes[@]}"; do
      [[ -z ${probe_err[$n]:-} && -z ${probe_out[$n]+x} ]] || continue
      p=${probe_pod[$n]}
      phase=${st_phase[$p]:-Pending} why=${st_why[$p]:-}
      case $phase in
        Succeeded) probe_out[$n]=${st_msg[$p]:-} ;;
        Failed) probe_err[$n]="the probe pod failed${why:+ ($why)}" ;;
        *)
          if stuck "$why"; then
            probe_err[$n]="the probe pod cannot start ($why); can the nodes pull --image $image?"
          else
            pending=$((pending + 1)) waiting[$n]="probe pod $phase${why:+: $why}"
          fi
          ;;
      esac
    done
    ((pending)) || break
    (($(now) < deadline)) || abort_timeout "waiting for the probe pods"
    pause
  done

  # Done with this batch: its pods go before the next batch starts, so at most --parallel nodes carry them.
  if ((start + parallel < total)); then
    kc delete pods -n "$namespace" -l "$LABEL=$run_id,eks-verify/batch=$batch" --ignore-not-found --now --wait=false >/dev/null ||
      note "could not delete the pods of batch $batch now; they go at the end"
  fi
done

report
