#!/usr/bin/env bash
# verify-cluster.sh: prove, on a live cluster, that every Ready Linux node runs what the project configured.
#
# Usage: bash infra/Cli/verify-cluster.sh --mode ipvs|nftables|iptables [--scheduler rr] [--bandwidth true|false]
#          [--kubeconfig PATH] [--timeout SECONDS] [--image IMAGE] [--node NAME]
#   --mode        kube-proxy mode the stack sets (proxyMode); required
#   --scheduler   IPVS scheduler (ipvsScheduler); only with --mode ipvs; default rr
#   --bandwidth   whether the CNI bandwidth plugin must be active (bandwidthPlugin); default true
#   --kubeconfig  kubeconfig file; default: kubectl's own choice (KUBECONFIG, then ~/.kube/config)
#   --timeout     bound for the whole run in seconds; default 300 (deleting the helper pods afterwards gets
#                 up to 40 s more)
#   --image       image of the helper pods; default public.ecr.aws/amazonlinux/amazonlinux:2023 (ECR Public,
#                 pullable from EKS nodes); it needs only `chroot` and `sleep`
#   --node        check only this node
# Output: per node and check one line "PASS <node> <check>: <detail>" or "FAIL <node> <check>: <detail>",
# then "verify: N passed, N failed". Notes and errors go to stderr.
# Exit: 0 every check passed; 1 a check failed, the run timed out, kubectl failed or the helper pods could not
# be deleted; 2 invalid arguments (one line per problem naming the argument, the value and what is allowed).
# Needs bash 4.4+, kubectl, jq and coreutils `timeout` (on macOS: brew install bash coreutils jq).
#
# Checks per node: proxy-mode (kube-proxy's GET 127.0.0.1:10249/proxyMode), ipvs-service (--mode ipvs:
# `ipvsadm -Ln` lists the kubernetes Service's ClusterIP:443 as a TCP virtual server with the scheduler),
# bandwidth-plugin (--bandwidth true: /etc/cni/net.d/10-aws.conflist has exactly one plugin of type bandwidth,
# with the bandwidth capability) and tbf-qdisc (--bandwidth true: a test pod annotated with 10M ingress and
# egress limits runs on the node, and `tc qdisc show` has a tbf qdisc on that pod's host-side veth).
#
# Design. Node-side commands run in one short-lived helper pod per node that this script creates from an
# explicit pod spec: nodeName pinned, every taint tolerated, hostNetwork (kube-proxy's 127.0.0.1:10249, the host's
# IPVS table and qdiscs), privileged (ipvsadm needs NET_ADMIN), the host root mounted read-only at /host,
# restartPolicy Never, activeDeadlineSeconds so it ends even if this script is killed. It runs
# `chroot /host /bin/sh -c <probe>` once, so the node's own curl, ipvsadm, tc and ip are used, and prints
# key=value lines (values that can hold newlines are base64); the script collects them with `kubectl logs` and
# judges them locally (jq parses the conflist). One-shot pods + logs need no exec/attach streams and make every
# kubectl call a plain request, which a stand-in kubectl can replay in tests.
# `kubectl debug node/<node> --profile=sysadmin` builds a similar pod (privileged, host namespaces, / at /host,
# all taints tolerated), but it names the pod node-debugger-<node>-<random> and prints the name only as text,
# gives it no labels, and has no deadline; a timed-out or killed run could leave it behind. Here every pod
# carries the label eks-verify/run=<run id>, so the EXIT trap deletes all of them with one label-selected
# `kubectl delete`, including pods whose create call timed out after the API server had accepted it.
# Order: with --bandwidth true the test pods (one per node) are created first and must be Running (their CNI ADD,
# and so the bandwidth plugin, has run) before the helper pods look at the qdiscs; that wait gets at most half of
# what is left of --timeout. The pods of all nodes are created before any is waited for, and polled together with
# one label-selected `kubectl get pods`, so a run takes about as long as the slowest node, not the sum.
# Time: every kubectl call runs under `timeout` with what is left of --timeout, plus --request-timeout. When the
# time is up, the checks of nodes not probed yet FAIL, the rest are judged, and the exit code is 1.
# Limits: the probe needs a shell on the host, so Bottlerocket nodes (no host shell) get no pods and FAIL as
# "not checked"; the pods go to namespace default, which must admit privileged pods (Pod Security Admission).
set -euo pipefail

readonly PROG=verify-cluster
readonly NAMESPACE=default
readonly CONFLIST=/etc/cni/net.d/10-aws.conflist
readonly METRICS=127.0.0.1:10249
readonly LABEL=eks-verify/run
readonly SCHEDULERS=(rr wrr lc wlc lblc lblcr sh dh sed nq)
readonly MODES=(ipvs nftables iptables)
readonly RATE=10M
readonly CLEANUP_SECONDS=40

usage() { # the header's Usage paragraph
  sed -n '/^# Usage:/,/^#$/{/^#$/q;s/^# \{0,1\}//;p;}' "${BASH_SOURCE[0]}"
}

# --- Runs on the node (POSIX sh, inside `chroot /host`), shipped with `declare -f`. -------------------------
# kv KEY VALUE: one line; newlines in VALUE become spaces.
kv() {
  printf '%s=%s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ')"
}
# kv64 KEY VALUE: one line; VALUE base64-encoded.
kv64() {
  printf '%s=%s\n' "$1" "$(printf '%s' "$2" | base64 | tr -d '\n')"
}
# Environment from the pod spec: WANT_IPVS, WANT_BW (1/0), IPVS_VS (the kubernetes Service as ipvsadm writes
# it, e.g. 172.20.0.1:443), CONFLIST, BW_POD_IP (the test pod's IP, may be empty).
probe_node() {
  if ! command -v curl >/dev/null 2>&1; then
    kv proxyModeError "curl not found on the node"
  elif out=$(curl -sSf --max-time 5 "http://127.0.0.1:10249/proxyMode" 2>&1); then
    kv proxyMode "$out"
  else
    kv proxyModeError "$out"
  fi
  if [ "${WANT_IPVS:-0}" = 1 ]; then
    # Only IPVS_VS's block and a count go back: with thousands of Services the whole table is megabytes.
    if out=$(ipvsadm -Ln 2>&1); then
      kv ipvsServices "$(printf '%s\n' "$out" | awk '$1 ~ /^(TCP|UDP|SCTP|FWM)$/ { n++ } END { print n + 0 }')"
      kv64 ipvsadm "$(printf '%s\n' "$out" | awk -v vs="${IPVS_VS:?}" '$1 ~ /^(TCP|UDP|SCTP|FWM)$/ { cur = ($1 == "TCP" && $2 == vs) } cur')"
    else
      kv ipvsadmError "$out"
    fi
  fi
  if [ "${WANT_BW:-0}" = 1 ]; then
    if [ -r "${CONFLIST:?}" ]; then kv64 conflist "$(cat "$CONFLIST")"; else kv conflistError missing; fi
    # tc may be missing (iproute-tc is a package of its own); `ip link` also names each device's root qdisc.
    if out=$(tc qdisc show 2>&1); then
      kv64 tc "$out"
    else
      kv tcError "$out"
      if out=$(ip -o link show 2>&1); then kv64 iplink "$out"; fi
    fi
    # The pod's host-side veth: VPC CNI routes each pod IP to it (e.g. "10.0.1.77 dev eni9b8c7d6e5f4 ...").
    if [ -n "${BW_POD_IP:-}" ]; then
      kv podDev "$(ip route get "$BW_POD_IP" 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -n 1)"
    fi
  fi
  kv end 1
}
# ---------------------------------------------------------------------------------------------------------------

note() { printf '%s: %s\n' "$PROG" "$*" >&2; }

# oneline: stdin on one line (kubectl errors, pod logs) for a detail or a note.
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
mode='' scheduler=rr scheduler_given=0 bandwidth=true timeout_s=300 kubeconfig='' node_only=''
image=public.ecr.aws/amazonlinux/amazonlinux:2023
errors=()
while (($#)); do
  arg=$1
  shift
  case $arg in
    -h | --help) usage; exit 0 ;;
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
      errors+=("$arg: unexpected argument; allowed: --mode, --scheduler, --bandwidth, --kubeconfig, --timeout, --image, --node")
      continue
      ;;
  esac
  case $name in
    --mode) mode=$value ;;
    --scheduler) scheduler=$value scheduler_given=1 ;;
    --bandwidth) bandwidth=$value ;;
    --kubeconfig) kubeconfig=$value ;;
    --timeout) timeout_s=$value ;;
    --image) image=$value ;;
    --node) node_only=$value ;;
    *) errors+=("$name: unknown option; allowed: --mode, --scheduler, --bandwidth, --kubeconfig, --timeout, --image, --node") ;;
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

kube_args=()
[[ -z $kubeconfig ]] || kube_args+=("--kubeconfig=$kubeconfig")
checks=(proxy-mode)
[[ $mode != ipvs ]] || checks+=(ipvs-service)
[[ $bandwidth != true ]] || checks+=(bandwidth-plugin tbf-qdisc)

# --- Bounded kubectl ----------------------------------------------------------------------------------------------
deadline=$((SECONDS + timeout_s))

# kc ARG...: kubectl, cut off when --timeout is used up (exit 124); one API request may take at most 30 s.
# --foreground keeps kubectl in our process group, so Ctrl-C reaches it (timeout otherwise moves it out).
kc() {
  local left=$((deadline - SECONDS))
  ((left > 0)) || return 124
  "$timeout_cmd" --foreground -k 2 "$left" kubectl "${kube_args[@]}" --request-timeout="$((left < 30 ? left : 30))s" "$@"
}

# timed_out RC: true when RC (of kc) means the run's deadline cut the call short.
timed_out() { [[ $1 == 124 || $1 == 137 ]] || ((SECONDS >= deadline)); }

# --- State ------------------------------------------------------------------------------------------------------
nodes=()              # Ready Linux nodes, in the API's order
declare -A bw_pod=()  # node -> bandwidth test pod
declare -A bw_ip=()   # node -> its pod IP once Running
declare -A bw_err=()  # node -> why the test pod is not usable
declare -A probe_pod=() # node -> helper pod
declare -A probe_out=() # node -> helper pod log (key=value lines)
declare -A probe_err=() # node -> why there is no usable log
declare -A waiting=()   # node -> last seen state of a pod still pending, for timeout messages
declare -A not_checked=() # node -> why no pod is started there at all
run_id=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
pods_created=0
tmp=$(mktemp -d)
passed=0
failed=0
service_ip=''
service_vs=''

# Delete every pod of this run, whatever happened; bounded on its own budget since --timeout may be spent.
cleanup() {
  local rc=$? out
  rm -rf "$tmp"
  if ((pods_created)); then
    if ! out=$("$timeout_cmd" --foreground -k 2 "$CLEANUP_SECONDS" kubectl "${kube_args[@]}" --request-timeout=20s \
      delete pods -n "$NAMESPACE" -l "$LABEL=$run_id" --ignore-not-found --now --wait --timeout=30s 2>&1); then
      note "could not delete the helper pods ($(oneline <<<"$out")); delete them with: kubectl delete pods -n $NAMESPACE -l $LABEL=$run_id"
      ((rc != 0)) || rc=1
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
b64d() { jq -rn --arg s "$1" '$s | @base64d'; }

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
  local vs=$service_vs text line sched servers
  if [[ -z ${P[ipvsadm]+x} ]]; then
    result FAIL "$1" ipvs-service "ipvsadm -Ln failed on the node: ${P[ipvsadmError]:-no output}"
    return
  fi
  text=$(b64d "${P[ipvsadm]}") # the virtual server's line and its real servers ("  -> addr:port ...")
  line=$(awk -v vs="$vs" '$1 == "TCP" && $2 == vs { print; exit }' <<<"$text")
  if [[ -z $line ]]; then
    result FAIL "$1" ipvs-service "no TCP virtual server $vs in ipvsadm -Ln (${P[ipvsServices]:-0} virtual servers)"
    return
  fi
  sched=$(awk '{ print $3 }' <<<"$line")
  servers=$(awk '$1 == "->" { n++ } END { print n + 0 }' <<<"$text")
  if [[ $sched == "$scheduler" ]]; then
    result PASS "$1" ipvs-service "TCP $vs $sched, $servers real servers"
  else
    result FAIL "$1" ipvs-service "TCP $vs uses scheduler ${sched:-none}, expected $scheduler"
  fi
}

check_bandwidth_plugin() { # NODE
  local summary count caps plugins
  if [[ -z ${P[conflist]+x} ]]; then
    # aws-node writes the file when it starts; missing means it has not (yet) on this node.
    result FAIL "$1" bandwidth-plugin "$CONFLIST does not exist"
    return
  fi
  # Parsed as JSON (aws-node re-encodes the file, so text matching is unreliable); one TSV line out.
  summary=$(jq -rn --arg s "${P[conflist]}" '
    ($s | @base64d | try fromjson catch null) as $c
    | if ($c | type) != "object" or ($c.plugins | type) != "array" then "invalid"
      else [$c.plugins[] | select(type == "object" and .type == "bandwidth")] as $bw
        | [($bw | length), ([$bw[] | .capabilities.bandwidth == true] | all),
           ([$c.plugins[] | (.type? // "?") | tostring] | join(", "))] | @tsv
      end')
  if [[ $summary == invalid ]]; then
    result FAIL "$1" bandwidth-plugin "$CONFLIST is not valid JSON with a plugins list"
    return
  fi
  IFS=$'\t' read -r count caps plugins <<<"$summary"
  if ((count == 0)); then
    result FAIL "$1" bandwidth-plugin "no bandwidth plugin in $CONFLIST (plugins: $plugins)"
  elif ((count > 1)); then
    result FAIL "$1" bandwidth-plugin "$count bandwidth plugins in $CONFLIST, expected exactly one (plugins: $plugins)"
  elif [[ $caps != true ]]; then
    result FAIL "$1" bandwidth-plugin "the bandwidth plugin in $CONFLIST lacks capabilities.bandwidth=true, so pod annotations are ignored"
  else
    result PASS "$1" bandwidth-plugin "one bandwidth plugin in $CONFLIST (plugins: $plugins)"
  fi
}

check_tbf() { # NODE
  local text dev line rate other kind
  if [[ -n ${bw_err[$1]:-} ]]; then
    result FAIL "$1" tbf-qdisc "${bw_err[$1]}"
    return
  fi
  dev=${P[podDev]:-}
  if [[ -z ${P[tc]+x} ]]; then
    if [[ -n ${P[iplink]+x} && -n $dev ]]; then
      # "7: eni3a9f0c1d2e4@if3: <...> mtu 9001 qdisc tbf state UP ...": the root qdisc's kind follows "qdisc".
      kind=$(b64d "${P[iplink]}" | awk -v d="$dev" '{ n = $2; sub(/@.*/, "", n); sub(/:$/, "", n) }
        n == d { for (i = 3; i < NF; i++) if ($i == "qdisc") { print $(i + 1); exit } }')
      if [[ $kind == tbf ]]; then
        result PASS "$1" tbf-qdisc "tbf qdisc on $dev, the test pod's host veth (from ip link; tc qdisc show failed: ${P[tcError]})"
      else
        result FAIL "$1" tbf-qdisc "root qdisc of $dev, the test pod's host veth, is ${kind:-unknown}, not tbf (from ip link; tc qdisc show failed: ${P[tcError]})"
      fi
    else
      result FAIL "$1" tbf-qdisc "tc qdisc show failed on the node: ${P[tcError]:-no output}"
    fi
    return
  fi
  text=$(b64d "${P[tc]}")
  other=$(awk '$1 == "qdisc" && $2 == "tbf" { n++ } END { print n + 0 }' <<<"$text")
  if [[ -z $dev ]]; then
    # The route to the test pod was not found: any tbf qdisc is the best evidence left.
    line=$(awk '$1 == "qdisc" && $2 == "tbf" { print; exit }' <<<"$text")
    if [[ -n $line ]]; then
      result PASS "$1" tbf-qdisc "tbf qdisc on $(awk '{ print $5 }' <<<"$line") (the test pod's host veth was not found)"
    else
      result FAIL "$1" tbf-qdisc "no tbf qdisc in tc qdisc show (the test pod's host veth was not found)"
    fi
    return
  fi
  line=$(awk -v d="$dev" '$1 == "qdisc" && $2 == "tbf" && $4 == "dev" && $5 == d { print; exit }' <<<"$text")
  if [[ -n $line ]]; then
    rate=$(awk '{ for (i = 1; i < NF; i++) if ($i == "rate") { print $(i + 1); exit } }' <<<"$line")
    result PASS "$1" tbf-qdisc "tbf qdisc on $dev, the test pod's host veth (rate ${rate:-unknown})"
  elif awk -v d="$dev" '$1 == "qdisc" && $2 == "htb" && $5 == d { f = 1 } END { exit !f }' <<<"$text"; then
    result FAIL "$1" tbf-qdisc "no tbf qdisc on $dev, the test pod's host veth, but an htb qdisc (CNI plugins v1.5.x shape with htb)"
  else
    result FAIL "$1" tbf-qdisc "no tbf qdisc on $dev, the test pod's host veth ($other tbf qdiscs on the node)"
  fi
}

judge_node() { # NODE
  local n=$1 line check reason
  P=()
  if [[ -n ${probe_out[$n]+x} ]]; then
    while IFS= read -r line; do
      if [[ $line == *=* ]]; then P[${line%%=*}]=${line#*=}; fi
    done <<<"${probe_out[$n]}"
  fi
  if [[ -n ${not_checked[$n]:-} ]]; then
    for check in "${checks[@]}"; do result FAIL "$n" "$check" "not checked: ${not_checked[$n]}"; done
    return
  fi
  # The probe prints end=1 last: without it the output is cut short and nothing in it can be trusted.
  if [[ ${P[end]:-} != 1 ]]; then
    reason=${probe_err[$n]:-"the helper pod's output is incomplete"}
    for check in "${checks[@]}"; do result FAIL "$n" "$check" "node probe failed: $reason"; done
    return
  fi
  check_proxy_mode "$n"
  [[ $mode != ipvs ]] || check_ipvs_service "$n"
  if [[ $bandwidth == true ]]; then
    check_bandwidth_plugin "$n"
    check_tbf "$n"
  fi
}

report() {
  local n
  for n in "${nodes[@]}"; do judge_node "$n"; done
  printf 'verify: %d passed, %d failed\n' "$passed" "$failed"
  ((failed == 0))
}

# abort_timeout WHAT: --timeout is used up; every node not yet probed fails, the rest is judged.
abort_timeout() {
  local n
  note "timed out after ${timeout_s}s (--timeout) while $1"
  for n in "${nodes[@]}"; do
    if [[ -z ${probe_out[$n]+x} && -z ${probe_err[$n]:-} && -z ${not_checked[$n]:-} ]]; then
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
# One TSV line per node: name, verdict (ok or why it is skipped), OS image.
node_lines=$(jq -r '.items[] | [.metadata.name,
    (if (.status.nodeInfo.operatingSystem // .metadata.labels["kubernetes.io/os"]) != "linux" then "not Linux"
     elif .metadata.labels["eks.amazonaws.com/compute-type"] == "fargate" then "Fargate (no host access)"
     elif any(.status.conditions[]?; .type == "Ready" and .status == "True") then "ok"
     else "not Ready" end), (.status.nodeInfo.osImage // "")] | @tsv' <<<"$nodes_json")
while IFS=$'\t' read -r name verdict os; do
  [[ -n $name ]] || continue
  [[ -z $node_only || $name == "$node_only" ]] || continue
  if [[ $verdict != ok ]]; then
    note "skipping node $name: $verdict"
    continue
  fi
  nodes+=("$name")
  # Bottlerocket has no shell on the host for the probe: counted as failed, not silently passed.
  [[ $os != Bottlerocket* ]] || not_checked[$name]="$os has no host shell for the node probe"
done <<<"$node_lines"
if ((${#nodes[@]} == 0)); then
  if [[ -n $node_only ]]; then note "--node $node_only: no Ready Linux node by that name"; else note "no Ready Linux node to verify"; fi
  exit 1
fi

if [[ $mode == ipvs ]]; then
  service_ip=$(kc get svc kubernetes -n default -o 'jsonpath={.spec.clusterIP}') ||
    api_failed $? "reading the kubernetes Service's ClusterIP"
  [[ -n $service_ip ]] || { note "the kubernetes Service in namespace default has no ClusterIP"; exit 1; }
  # ipvsadm writes IPv6 virtual servers as [addr]:port.
  if [[ $service_ip == *:* ]]; then service_vs="[$service_ip]:443"; else service_vs="$service_ip:443"; fi
fi

# --- Pods -------------------------------------------------------------------------------------------------------
# create_pod NODE MANIFEST: true when created; otherwise false with kubectl's error in create_error.
create_pod() {
  local rc=0 out
  pods_created=1
  out=$(kc create -f - <<<"$2" 2>&1) || rc=$?
  ((rc == 0)) && return 0
  timed_out "$rc" && abort_timeout "creating pods on $1"
  create_error=$(oneline <<<"$out")
  return 1
}
create_error=''

declare -A st_phase=() st_ip=() st_reason=()
poll_failures=0
# poll_pods ROLE: phase, pod IP and waiting/terminated reason of this run's ROLE pods into st_*, by pod name.
# Runs in this shell (not in $(...)) so that a timeout can end the run.
poll_pods() {
  local json rc=0 name phase ip reason
  st_phase=() st_ip=() st_reason=()
  json=$(kc get pods -n "$NAMESPACE" -l "$LABEL=$run_id,eks-verify/role=$1" -o json) || rc=$?
  if ((rc)); then
    timed_out "$rc" && abort_timeout "waiting for the $1 pods"
    # A failed poll is retried (the API may blip), but not forever: RBAC or a dead endpoint will not heal.
    poll_failures=$((poll_failures + 1))
    ((poll_failures < 3)) || api_failed "$rc" "listing this run's $1 pods (3 times in a row)"
    return 0
  fi
  poll_failures=0
  # Fields joined by US (0x1f), not tabs: read would merge empty tab-separated fields.
  while IFS=$'\x1f' read -r name phase ip reason; do
    st_phase[$name]=$phase st_ip[$name]=$ip st_reason[$name]=$reason
  done < <(jq -r '.items[] | [.metadata.name, (.status.phase // "Pending"), (.status.podIP // ""),
      ((([.status.containerStatuses[]?.state | (.waiting.reason // .terminated.reason // empty)] | first)
        // .status.reason // "") | tostring)] | join("\u001f")' <<<"$json")
}

pause() { # sleep 2 s, or less if the deadline is nearer
  local left=$((deadline - SECONDS))
  ((left <= 0)) || sleep $((left < 2 ? left : 2))
}

pod_meta() { # NAME ROLE NODE: the metadata and the placement every pod of this run shares
  jq -n --arg name "$1" --arg role "$2" --arg node "$3" --arg ns "$NAMESPACE" --arg runlabel "$LABEL" \
    --arg run "$run_id" --argjson deadline "$((timeout_s + 120))" '{
      apiVersion: "v1", kind: "Pod",
      metadata: {name: $name, namespace: $ns,
        labels: {($runlabel): $run, "eks-verify/role": $role, "app.kubernetes.io/name": "eks-verify"}},
      spec: {nodeName: $node, restartPolicy: "Never", activeDeadlineSeconds: $deadline,
        terminationGracePeriodSeconds: 1, automountServiceAccountToken: false,
        tolerations: [{operator: "Exists"}]}}'
}

if [[ $bandwidth == true ]]; then
  note "starting a bandwidth test pod on $((${#nodes[@]} - ${#not_checked[@]})) node(s)"
  i=0
  for n in "${nodes[@]}"; do
    i=$((i + 1))
    [[ -z ${not_checked[$n]:-} ]] || continue
    bw_pod[$n]="eks-verify-bw-$run_id-$((i - 1))"
    manifest=$(pod_meta "${bw_pod[$n]}" bandwidth "$n" | jq --arg image "$image" --arg rate "$RATE" \
      --argjson sleep "$((timeout_s + 60))" '
        .metadata.annotations = {"kubernetes.io/ingress-bandwidth": $rate, "kubernetes.io/egress-bandwidth": $rate}
        | .spec.containers = [{name: "sleep", image: $image, command: ["sleep", ($sleep | tostring)]}]')
    create_pod "$n" "$manifest" || bw_err[$n]="could not create the test pod: $create_error"
  done
  # Wait until each test pod runs (its CNI ADD is done) or ended; keep half the remaining time for the probes.
  bw_wait=$(((deadline - SECONDS) / 2))
  bw_until=$((SECONDS + bw_wait))
  while :; do
    poll_pods bandwidth
    pending=0
    for n in "${nodes[@]}"; do
      [[ -n ${bw_pod[$n]:-} && -z ${bw_err[$n]:-} && -z ${bw_ip[$n]+x} ]] || continue
      p=${bw_pod[$n]}
      phase=${st_phase[$p]:-Pending} reason=${st_reason[$p]:-}
      case $phase in
        Running) bw_ip[$n]=${st_ip[$p]:-} ;;
        Succeeded | Failed) bw_err[$n]="the test pod ended ($phase${reason:+: $reason}) instead of running" ;;
        *) pending=$((pending + 1)) waiting[$n]="test pod $phase${reason:+: $reason}" ;;
      esac
    done
    ((pending)) || break
    if ((SECONDS >= bw_until)); then
      for n in "${nodes[@]}"; do
        [[ -z ${bw_pod[$n]:-} || -n ${bw_err[$n]:-} || -n ${bw_ip[$n]+x} ]] ||
          bw_err[$n]="the test pod did not become Running within ${bw_wait}s (${waiting[$n]})"
      done
      break
    fi
    pause
  done
fi

note "starting a helper pod on $((${#nodes[@]} - ${#not_checked[@]})) node(s)"
snippet="$(declare -f kv kv64 probe_node)"$'\nprobe_node\n'
i=0
for n in "${nodes[@]}"; do
  i=$((i + 1))
  [[ -z ${not_checked[$n]:-} ]] || continue
  probe_pod[$n]="eks-verify-$run_id-$((i - 1))"
  manifest=$(pod_meta "${probe_pod[$n]}" probe "$n" | jq --arg image "$image" --arg snippet "$snippet" \
    --arg ipvs "$([[ $mode == ipvs ]] && echo 1 || echo 0)" --arg bw "$([[ $bandwidth == true ]] && echo 1 || echo 0)" \
    --arg ip "${bw_ip[$n]:-}" --arg conflist "$CONFLIST" --arg vs "$service_vs" '
      .spec.hostNetwork = true
      | .spec.containers = [{name: "probe", image: $image,
          command: ["chroot", "/host", "/bin/sh", "-c", $snippet],
          env: [{name: "WANT_IPVS", value: $ipvs}, {name: "WANT_BW", value: $bw}, {name: "IPVS_VS", value: $vs},
                {name: "BW_POD_IP", value: $ip}, {name: "CONFLIST", value: $conflist}],
          securityContext: {privileged: true},
          volumeMounts: [{name: "host", mountPath: "/host", readOnly: true}]}]
      | .spec.volumes = [{name: "host", hostPath: {path: "/", type: "Directory"}}]')
  create_pod "$n" "$manifest" || probe_err[$n]="could not create the helper pod: $create_error"
done

# Wait for each helper pod to finish, and read its log as soon as it has.
while :; do
  poll_pods probe
  pending=0
  for n in "${nodes[@]}"; do
    [[ -n ${probe_pod[$n]:-} && -z ${probe_err[$n]:-} && -z ${probe_out[$n]+x} ]] || continue
    p=${probe_pod[$n]}
    phase=${st_phase[$p]:-Pending} reason=${st_reason[$p]:-}
    case $phase in
      Succeeded | Failed)
        rc=0
        # stderr apart: only the probe's own lines are parsed.
        out=$(kc logs -n "$NAMESPACE" "$p" 2>"$tmp/logs.err") || rc=$?
        if ((rc)); then
          timed_out "$rc" && abort_timeout "reading the helper pod's log on $n"
          probe_err[$n]="could not read the helper pod's log: $(oneline <"$tmp/logs.err")"
        elif [[ $phase == Failed ]]; then
          probe_err[$n]="the helper pod failed${reason:+ ($reason)}: $(tail -n 2 <<<"$out" | oneline)"
        else
          probe_out[$n]=$out
        fi
        ;;
      *) pending=$((pending + 1)) waiting[$n]="helper pod $phase${reason:+: $reason}" ;;
    esac
  done
  ((pending)) || break
  ((SECONDS < deadline)) || abort_timeout "waiting for the helper pods"
  pause
done

report
