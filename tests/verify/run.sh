#!/usr/bin/env bash
# tests/verify/run.sh: tests of infra/Cli/verify-cluster.sh. Each test runs the real script, unmodified, with the
# stand-in kubectl (tests/verify/stub/kubectl) first on PATH, which records every call and replays a recorded
# cluster from tests/verify/fixtures/<scenario>/ (merged over fixtures/healthy/, see fixture()).
# Prints "ok - NAME" / "not ok - NAME: REASON" per test, then exactly "verify-tests: N passed, N failed";
# exits non-zero if any test failed. Needs bash, jq, shellcheck and coreutils timeout; no cluster.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
script=$repo/infra/Cli/verify-cluster.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset KUBECONFIG # the tests decide what the script sees

readonly A=ip-10-0-1-23.eu-west-1.compute.internal # Ready
readonly B=ip-10-0-2-45.eu-west-1.compute.internal # Ready
readonly C=ip-10-0-3-67.eu-west-1.compute.internal # NotReady
readonly CONF=/etc/cni/net.d/10-aws.conflist

# fixture SCENARIO DEST: fixtures/healthy overlaid with the scenario's files; NAME.absent removes NAME.
fixture() {
  mkdir -p "$2"
  cp -R "$here/fixtures/healthy/." "$2/"
  [[ $1 == healthy ]] || cp -R "$here/fixtures/$1/." "$2/"
  local f
  while IFS= read -r f; do rm -f "$f" "${f%.absent}"; done < <(find "$2" -name '*.absent')
}

# run_case SCENARIO ARG...: runs the script against the scenario; sets OUT, ERR, RC and STATE (the recording).
run_case() {
  local scenario=$1 dir
  shift
  dir=$(mktemp -d "$work/case.XXXXXX")
  fixture "$scenario" "$dir/fixture"
  mkdir "$dir/state"
  STATE=$dir/state
  # The outer timeout only keeps a broken script from hanging the suite; no test asserts on wall-clock time.
  PATH="$here/stub:$PATH" VERIFY_FIXTURE="$dir/fixture" VERIFY_STATE="$STATE" \
    timeout -k 5 120 bash "$script" "$@" >"$dir/out" 2>"$dir/err"
  RC=$?
  OUT=$(cat "$dir/out")
  ERR=$(cat "$dir/err")
}

# --- Assertions: on failure print the reason and return 1 ---------------------------------------------------
expect_rc() {
  [[ $RC == "$1" ]] || { echo "exit $RC, expected $1; stderr: $(tail -n 3 <<<"$ERR" | tr '\n' '|')"; return 1; }
}
expect_out() {
  [[ $OUT == "$1" ]] || { echo "stdout differs (- expected, + got): $(diff <(echo "$1") <(echo "$OUT") | grep '^[<>]' | sed 's/^</-/; s/^>/+/' | tr '\n' '|')"; return 1; }
}
expect_err() {
  [[ $ERR == "$1" ]] || { echo "stderr: expected [$1] got [$(tr '\n' '|' <<<"$ERR")]"; return 1; }
}
expect_err_has() {
  [[ $ERR == *"$1"* ]] || { echo "stderr lacks [$1]: [$(tr '\n' '|' <<<"$ERR")]"; return 1; }
}
calls() { cat "$STATE/calls.log" 2>/dev/null; }
created() { # ROLE: the manifests of the pods the script created with that role, one JSON per line
  local f
  for f in "$STATE"/created/*.json; do
    [[ -e $f ]] && jq -c --arg r "$1" 'select(.metadata.labels["eks-verify/role"] == $r)' "$f"
  done
}

# expect_hygiene: what every run must respect, whatever it checks: no call the stand-in does not know, every
# kubectl call bounded by --request-timeout, and every pod it created deleted by its run label, last.
expect_hygiene() {
  local bad run ids
  bad=$(grep '^UNEXPECTED' "$STATE/calls.log" 2>/dev/null)
  [[ -z $bad ]] || { echo "unexpected kubectl calls: $(tr '\n' '|' <<<"$bad")"; return 1; }
  bad=$(grep -v -e '--request-timeout' "$STATE/globals.log" 2>/dev/null; grep 'BAD:' "$STATE/globals.log" 2>/dev/null)
  [[ -z $bad ]] || { echo "kubectl calls without a valid --request-timeout: $(tr '\n' '|' <<<"$bad")"; return 1; }
  if ! compgen -G "$STATE/created/*.json" >/dev/null; then
    ! calls | grep -q '^delete' || { echo "deleted pods though it created none"; return 1; }
    return 0
  fi
  ids=$(cat "$STATE"/created/*.json | jq -r '.metadata.labels["eks-verify/run"]' | sort -u)
  [[ $ids =~ ^[0-9a-f]{8}$ ]] || { echo "created pods do not share one run id: $(tr '\n' ' ' <<<"$ids")"; return 1; }
  run=$(calls | grep -c -x -e "delete pods -n default -l eks-verify/run=$ids --ignore-not-found --now --wait --timeout=30s")
  [[ $run == 1 ]] || { echo "expected one delete of the run's pods, got $run: $(calls | grep '^delete' | tr '\n' '|')"; return 1; }
  [[ $(calls | tail -n 1) == "delete pods -n default -l eks-verify/run=$ids "* ]] || { echo "the delete is not the last call"; return 1; }
  ! compgen -G "$STATE/pods/*.json" >/dev/null || { echo "pods left behind: $(ls "$STATE/pods")"; return 1; }
}

# --- Tests ------------------------------------------------------------------------------------------------------
healthy_out() { # the 8 PASS lines and the summary of the healthy ipvs rr cluster with bandwidth
  cat <<EOF
PASS $A proxy-mode: kube-proxy reports ipvs (127.0.0.1:10249/proxyMode)
PASS $A ipvs-service: TCP 172.20.0.1:443 rr, 2 real servers
PASS $A bandwidth-plugin: one bandwidth plugin in $CONF (plugins: aws-cni, egress-cni, portmap, bandwidth)
PASS $A tbf-qdisc: tbf qdisc on eni3a9f0c1d2e4, the test pod's host veth (rate 10Mbit)
PASS $B proxy-mode: kube-proxy reports ipvs (127.0.0.1:10249/proxyMode)
PASS $B ipvs-service: TCP 172.20.0.1:443 rr, 2 real servers
PASS $B bandwidth-plugin: one bandwidth plugin in $CONF (plugins: aws-cni, egress-cni, portmap, bandwidth)
PASS $B tbf-qdisc: tbf qdisc on eni7b21de5f0a9, the test pod's host veth (rate 10Mbit)
verify: 8 passed, 0 failed
EOF
}

test_healthy_ipvs_cluster_all_pass() {
  run_case healthy --mode ipvs --scheduler rr --bandwidth true
  expect_rc 0 && expect_out "$(healthy_out)" && expect_hygiene || return 1
  expect_err_has "skipping node $C: not Ready" || return 1
  # The NotReady node gets no pod at all.
  [[ -z $(cat "$STATE"/created/*.json | jq -r --arg c "$C" 'select(.spec.nodeName == $c) | .metadata.name') ]] ||
    { echo "a pod was created on the NotReady node"; return 1; }
}

test_defaults_are_rr_and_bandwidth() {
  run_case healthy --mode ipvs
  expect_rc 0 && expect_out "$(healthy_out)" && expect_hygiene
}

test_pod_specs() {
  run_case healthy --mode ipvs
  expect_rc 0 || return 1
  local probes bws
  probes=$(created probe)
  bws=$(created bandwidth)
  [[ $(wc -l <<<"$probes") == 2 && $(wc -l <<<"$bws") == 2 ]] || { echo "expected 2 helper and 2 test pods"; return 1; }
  # Helper pod: pinned, every taint tolerated, host network, privileged, host root read-only at /host, one shot.
  jq -es --arg a "$A" --arg b "$B" 'map(
      .metadata.namespace == "default" and .spec.restartPolicy == "Never" and .spec.hostNetwork == true
      and .spec.tolerations == [{operator: "Exists"}] and (.spec.activeDeadlineSeconds | type) == "number"
      and .spec.containers[0].image == "public.ecr.aws/amazonlinux/amazonlinux:2023"
      and .spec.containers[0].securityContext.privileged == true
      and .spec.containers[0].volumeMounts == [{name: "host", mountPath: "/host", readOnly: true}]
      and .spec.volumes[0].hostPath.path == "/"
      and .spec.containers[0].command[0:4] == ["chroot", "/host", "/bin/sh", "-c"]
      and ([.spec.containers[0].env[] | {(.name): .value}] | add | .WANT_IPVS == "1" and .WANT_BW == "1" and .IPVS_VS == "172.20.0.1:443"
           and .CONFLIST == "/etc/cni/net.d/10-aws.conflist"))
    | all' <<<"$probes" >/dev/null || { echo "helper pod spec: $(head -n 1 <<<"$probes" | cut -c1-600)"; return 1; }
  [[ $(jq -rs '[.[].spec.nodeName] | sort | join(" ")' <<<"$probes") == "$A $B" ]] || { echo "helper pods not on $A and $B"; return 1; }
  # The test pod's IP goes to the helper pod, which finds the pod's veth by it.
  [[ $(jq -rs --arg a "$A" '.[] | select(.spec.nodeName == $a) | .spec.containers[0].env[] | select(.name == "BW_POD_IP") | .value' <<<"$probes") == 10.0.1.77 ]] ||
    { echo "BW_POD_IP of $A is not its test pod's IP"; return 1; }
  # Test pod: 10M both ways, ordinary pod network (the bandwidth plugin only shapes CNI-networked pods).
  jq -es 'map(.metadata.annotations == {"kubernetes.io/ingress-bandwidth": "10M", "kubernetes.io/egress-bandwidth": "10M"}
      and (.spec.hostNetwork // false) == false and .spec.tolerations == [{operator: "Exists"}]
      and .spec.restartPolicy == "Never" and .spec.containers[0].command[0] == "sleep") | all' <<<"$bws" >/dev/null ||
    { echo "test pod spec: $(head -n 1 <<<"$bws" | cut -c1-600)"; return 1; }
}

test_node_snippet_is_posix_sh() {
  run_case healthy --mode ipvs
  expect_rc 0 || return 1
  local snippet=$work/snippet.sh out
  { echo '#!/bin/sh'; created probe | head -n 1 | jq -r '.spec.containers[0].command[4]'; } >"$snippet"
  out=$(shellcheck -s sh "$snippet" 2>&1) || { grep -E 'SC[0-9]+' <<<"$out" | head -n 3 | tr '\n' ' '; return 1; }
}

test_proxy_mode_iptables_on_one_node_fails() {
  run_case proxy-iptables --mode ipvs --scheduler rr
  expect_rc 1 && expect_hygiene || return 1
  expect_out "$(
    cat <<EOF
PASS $A proxy-mode: kube-proxy reports ipvs (127.0.0.1:10249/proxyMode)
PASS $A ipvs-service: TCP 172.20.0.1:443 rr, 2 real servers
PASS $A bandwidth-plugin: one bandwidth plugin in $CONF (plugins: aws-cni, egress-cni, portmap, bandwidth)
PASS $A tbf-qdisc: tbf qdisc on eni3a9f0c1d2e4, the test pod's host veth (rate 10Mbit)
FAIL $B proxy-mode: kube-proxy reports iptables, expected ipvs
FAIL $B ipvs-service: no TCP virtual server 172.20.0.1:443 in ipvsadm -Ln (0 virtual servers)
PASS $B bandwidth-plugin: one bandwidth plugin in $CONF (plugins: aws-cni, egress-cni, portmap, bandwidth)
PASS $B tbf-qdisc: tbf qdisc on eni7b21de5f0a9, the test pod's host veth (rate 10Mbit)
verify: 6 passed, 2 failed
EOF
  )"
}

test_wrong_scheduler_fails() {
  run_case wrong-scheduler --mode ipvs --scheduler rr
  expect_rc 1 && expect_hygiene || return 1
  expect_out "$(healthy_out | sed -e "s/^PASS $A ipvs-service: .*/FAIL $A ipvs-service: TCP 172.20.0.1:443 uses scheduler wrr, expected rr/" \
    -e 's/^verify: .*/verify: 7 passed, 1 failed/')"
}

test_scheduler_matches_when_configured_wrr() {
  run_case wrong-scheduler --mode ipvs --scheduler wrr
  expect_rc 1 || return 1
  [[ $OUT == *"PASS $A ipvs-service: TCP 172.20.0.1:443 wrr, 2 real servers"* &&
    $OUT == *"FAIL $B ipvs-service: TCP 172.20.0.1:443 uses scheduler rr, expected wrr"* ]] ||
    { echo "got: $(grep ipvs-service <<<"$OUT" | tr '\n' '|')"; return 1; }
}

test_bandwidth_plugin_missing_or_twice_fails() {
  run_case bandwidth-plugin-count --mode ipvs
  expect_rc 1 && expect_hygiene || return 1
  expect_out "$(healthy_out | sed \
    -e "s|^PASS $A bandwidth-plugin: .*|FAIL $A bandwidth-plugin: no bandwidth plugin in $CONF (plugins: aws-cni, egress-cni, portmap)|" \
    -e "s|^PASS $B bandwidth-plugin: .*|FAIL $B bandwidth-plugin: 2 bandwidth plugins in $CONF, expected exactly one (plugins: aws-cni, egress-cni, portmap, bandwidth, bandwidth)|" \
    -e 's/^verify: .*/verify: 6 passed, 2 failed/')"
}

test_bandwidth_plugin_without_capability_or_conflist_fails() {
  run_case conflist-odd --mode ipvs
  expect_rc 1 && expect_hygiene || return 1
  expect_out "$(healthy_out | sed \
    -e "s|^PASS $A bandwidth-plugin: .*|FAIL $A bandwidth-plugin: the bandwidth plugin in $CONF lacks capabilities.bandwidth=true, so pod annotations are ignored|" \
    -e "s|^PASS $B bandwidth-plugin: .*|FAIL $B bandwidth-plugin: $CONF does not exist|" \
    -e 's/^verify: .*/verify: 6 passed, 2 failed/')"
}

test_no_tbf_qdisc_fails() {
  run_case no-tbf --mode ipvs
  expect_rc 1 && expect_hygiene || return 1
  expect_out "$(healthy_out | sed \
    -e "s|^PASS $A tbf-qdisc: .*|FAIL $A tbf-qdisc: no tbf qdisc on eni3a9f0c1d2e4, the test pod's host veth (0 tbf qdiscs on the node)|" \
    -e "s|^PASS $B tbf-qdisc: .*|FAIL $B tbf-qdisc: no tbf qdisc on eni7b21de5f0a9, the test pod's host veth, but an htb qdisc (CNI plugins v1.5.x shape with htb)|" \
    -e 's/^verify: .*/verify: 6 passed, 2 failed/')"
}

test_tc_missing_falls_back_to_ip_link() {
  run_case tc-missing --mode ipvs
  expect_rc 1 && expect_hygiene || return 1
  local how="(from ip link; tc qdisc show failed: sh: line 1: tc: command not found)"
  expect_out "$(healthy_out | sed \
    -e "s|^PASS $A tbf-qdisc: .*|PASS $A tbf-qdisc: tbf qdisc on eni3a9f0c1d2e4, the test pod's host veth $how|" \
    -e "s|^PASS $B tbf-qdisc: .*|FAIL $B tbf-qdisc: root qdisc of eni7b21de5f0a9, the test pod's host veth, is noqueue, not tbf $how|" \
    -e 's/^verify: .*/verify: 7 passed, 1 failed/')"
}

test_iptables_mode_has_no_ipvs_check() {
  run_case iptables-mode --mode iptables
  expect_rc 0 && expect_hygiene || return 1
  expect_out "$(
    cat <<EOF
PASS $A proxy-mode: kube-proxy reports iptables (127.0.0.1:10249/proxyMode)
PASS $A bandwidth-plugin: one bandwidth plugin in $CONF (plugins: aws-cni, egress-cni, portmap, bandwidth)
PASS $A tbf-qdisc: tbf qdisc on eni3a9f0c1d2e4, the test pod's host veth (rate 10Mbit)
PASS $B proxy-mode: kube-proxy reports iptables (127.0.0.1:10249/proxyMode)
PASS $B bandwidth-plugin: one bandwidth plugin in $CONF (plugins: aws-cni, egress-cni, portmap, bandwidth)
PASS $B tbf-qdisc: tbf qdisc on eni7b21de5f0a9, the test pod's host veth (rate 10Mbit)
verify: 6 passed, 0 failed
EOF
  )" || return 1
  ! calls | grep -q '^get svc' || { echo "read the kubernetes Service in iptables mode"; return 1; }
  ! grep -q '^ipvsadm' "$STATE/node-calls.log" || { echo "ran ipvsadm on a node in iptables mode"; return 1; }
}

test_iptables_cluster_checked_as_ipvs_fails() {
  run_case iptables-mode --mode ipvs
  expect_rc 1 || return 1
  [[ $(grep -c '^FAIL' <<<"$OUT") == 4 && $OUT == *"FAIL $A proxy-mode: kube-proxy reports iptables, expected ipvs"* ]] ||
    { echo "got: $(tr '\n' '|' <<<"$OUT")"; return 1; }
}

test_nftables_mode() {
  run_case iptables-mode --mode nftables --bandwidth false
  expect_rc 1 || return 1
  expect_out "$(
    cat <<EOF
FAIL $A proxy-mode: kube-proxy reports iptables, expected nftables
FAIL $B proxy-mode: kube-proxy reports iptables, expected nftables
verify: 0 passed, 2 failed
EOF
  )"
}

test_bandwidth_false_skips_bandwidth_checks() {
  run_case healthy --mode ipvs --bandwidth false
  expect_rc 0 && expect_hygiene || return 1
  expect_out "$(healthy_out | grep -v -e bandwidth-plugin -e tbf-qdisc | sed 's/^verify: .*/verify: 4 passed, 0 failed/')" || return 1
  [[ -z $(created bandwidth) ]] || { echo "created a bandwidth test pod with --bandwidth false"; return 1; }
}

test_node_option_checks_one_node() {
  run_case healthy --mode ipvs --node "$B"
  expect_rc 0 && expect_hygiene || return 1
  expect_out "$(healthy_out | grep -v "$A" | sed 's/^verify: .*/verify: 4 passed, 0 failed/')"
}

test_node_option_unknown_node() {
  run_case healthy --mode ipvs --node "$C"
  expect_rc 1 && expect_out "" && expect_hygiene || return 1
  expect_err "verify-cluster: skipping node $C: not Ready
verify-cluster: --node $C: no Ready Linux node by that name"
}

test_kube_proxy_not_answering_fails() {
  run_case kube-proxy-down --mode ipvs
  expect_rc 1 && expect_hygiene || return 1
  expect_out "$(healthy_out | sed \
    -e "s|^PASS $A proxy-mode: .*|FAIL $A proxy-mode: kube-proxy did not answer on 127.0.0.1:10249/proxyMode: curl: (7) Failed to connect to 127.0.0.1 port 10249 after 0 ms: Couldn't connect to server|" \
    -e 's/^verify: .*/verify: 7 passed, 1 failed/')"
}

test_failed_helper_pod_fails_every_check_and_is_deleted() {
  run_case probe-failed --mode ipvs
  expect_rc 1 && expect_hygiene || return 1
  local why="node probe failed: the helper pod failed (Error): chroot: failed to run command '/bin/sh': No such file or directory"
  expect_out "$(healthy_out | sed -e "s|^PASS $B \([a-z-]*\): .*|FAIL $B \1: $why|" -e 's/^verify: .*/verify: 4 passed, 4 failed/')"
}

test_bottlerocket_node_is_not_checked_and_fails() {
  run_case bottlerocket --mode ipvs
  expect_rc 1 && expect_hygiene || return 1
  local why="not checked: Bottlerocket OS 1.42.0 (aws-k8s-1.34) has no host shell for the node probe"
  expect_out "$(healthy_out | sed -e "s|^PASS $B \([a-z-]*\): .*|FAIL $B \1: $why|" -e 's/^verify: .*/verify: 4 passed, 4 failed/')" || return 1
  [[ -z $(cat "$STATE"/created/*.json | jq -r --arg b "$B" 'select(.spec.nodeName == $b) | .metadata.name') ]] ||
    { echo "a pod was created on the Bottlerocket node"; return 1; }
}

test_helper_pod_refused_by_pod_security_fails_and_cleans_up() {
  run_case psa-baseline --mode ipvs
  expect_rc 1 && expect_hygiene || return 1
  [[ -n $(created bandwidth) && -z $(created probe) ]] || { echo "expected test pods only"; return 1; }
  local why='node probe failed: could not create the helper pod: Error from server (Forbidden): error when creating "STDIN": pods "eks-verify-RUN-N" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), hostPath volumes (volume "host"), privileged (container "probe" must not set securityContext.privileged=true)'
  OUT=$(sed -E 's/eks-verify-[0-9a-f]{8}-[0-9]+/eks-verify-RUN-N/g' <<<"$OUT")
  expect_out "$(healthy_out | sed -e "s|^PASS \([^ ]*\) \([a-z-]*\): .*|FAIL \1 \2: $why|" -e 's/^verify: .*/verify: 0 passed, 8 failed/')"
}

test_pod_listing_forbidden_ends_the_run_and_cleans_up() {
  run_case rbac-no-list --mode ipvs
  expect_rc 1 && expect_out "" && expect_hygiene || return 1
  expect_err_has "verify-cluster: kubectl failed while listing this run's bandwidth pods (3 times in a row) (exit 1)" || return 1
  [[ $(calls | grep -c '^get pods ') == 3 ]] || { echo "expected 3 polls: $(calls | tr '\n' '|')"; return 1; }
}

test_test_pod_not_running_fails_tbf() {
  run_case bw-pending --mode ipvs --timeout 16
  expect_rc 1 && expect_hygiene || return 1
  local tbf
  tbf=$(grep "^FAIL $B tbf-qdisc: " <<<"$OUT")
  [[ $tbf =~ ^"FAIL $B tbf-qdisc: the test pod did not become Running within "[0-9]+"s (test pod Pending: ContainerCreating)"$ ]] ||
    { echo "tbf line: [$tbf]"; return 1; }
  [[ $(grep -c '^PASS' <<<"$OUT") == 7 && $(tail -n 1 <<<"$OUT") == "verify: 7 passed, 1 failed" ]] ||
    { echo "got: $(tr '\n' '|' <<<"$OUT")"; return 1; }
}

test_hanging_kubectl_logs_times_out() {
  run_case hang-logs --mode ipvs --timeout 3
  expect_rc 1 && expect_hygiene || return 1
  expect_err_has "verify-cluster: timed out after 3s (--timeout) while reading the helper pod's log on $A" || return 1
  local why="node probe failed: not finished when --timeout 3s ran out"
  expect_out "$(healthy_out | sed -e "s|^PASS \([^ ]*\) \([a-z-]*\): .*|FAIL \1 \2: $why|" -e 's/^verify: .*/verify: 0 passed, 8 failed/')"
}

test_hanging_kubectl_get_nodes_times_out() {
  run_case hang-nodes --mode ipvs --timeout 2
  expect_rc 1 && expect_out "" && expect_hygiene || return 1
  expect_err "verify-cluster: timed out after 2s (--timeout) while listing nodes" || return 1
  [[ $(calls) == "get nodes -o json" ]] || { echo "calls: $(calls | tr '\n' '|')"; return 1; }
}

test_interrupted_run_deletes_pods() {
  # SIGTERM to the run's process group (a cancelled CI job, a closed terminal) while kubectl logs hangs.
  local dir pid i
  dir=$(mktemp -d "$work/case.XXXXXX")
  fixture hang-logs "$dir/fixture"
  mkdir "$dir/state"
  STATE=$dir/state
  PATH="$here/stub:$PATH" VERIFY_FIXTURE="$dir/fixture" VERIFY_STATE="$STATE" \
    setsid bash "$script" --mode ipvs --timeout 60 >"$dir/out" 2>"$dir/err" &
  pid=$!
  # Wait (bounded) until the hanging call has started; this loop asserts nothing about time.
  for ((i = 0; i < 600; i++)); do
    grep -q '^logs ' "$STATE/calls.log" 2>/dev/null && break
    sleep 0.1
  done
  kill -TERM -- "-$pid" 2>/dev/null
  wait "$pid"
  RC=$?
  ERR=$(cat "$dir/err")
  expect_rc 143 && expect_hygiene
}

test_kubeconfig_option_and_env() {
  local kc=$work/kubeconfig.json
  printf '{"apiVersion":"v1","kind":"Config","clusters":[],"contexts":[],"users":[]}\n' >"$kc"
  run_case healthy --mode ipvs --kubeconfig "$kc"
  expect_rc 0 || return 1
  [[ $(sort -u "$STATE/globals.log") == "--kubeconfig=$kc --request-timeout" ]] ||
    { echo "global flags: $(sort -u "$STATE/globals.log" | tr '\n' '|')"; return 1; }
  KUBECONFIG=$kc run_case healthy --mode ipvs
  expect_rc 0 || return 1
  [[ $(sort -u "$STATE/globals.log") == "--request-timeout KUBECONFIG=$kc" ]] ||
    { echo "KUBECONFIG not passed through: $(sort -u "$STATE/globals.log" | tr '\n' '|')"; return 1; }
}

invalid() { # EXPECTED_STDERR ARG...: exit 2, exactly that message, and not one kubectl call
  local want=$1
  shift
  run_case healthy "$@"
  expect_rc 2 && expect_out "" && expect_err "$want" || return 1
  [[ ! -e $STATE/calls.log ]] || { echo "kubectl was called: $(calls | tr '\n' '|')"; return 1; }
}

test_invalid_mode_userspace() {
  invalid "verify-cluster: --mode = userspace: not a kube-proxy mode; allowed: ipvs, nftables, iptables" --mode userspace
}

test_invalid_scheduler_without_ipvs() {
  invalid "verify-cluster: --scheduler = rr: only valid with --mode ipvs, not --mode iptables; allowed: omit --scheduler, or use --mode ipvs" \
    --scheduler rr --mode iptables
}

test_invalid_other_arguments() {
  invalid "verify-cluster: --mode: required; allowed: ipvs, nftables, iptables" --scheduler rr || return 1
  invalid "verify-cluster: --scheduler = fifo: not an IPVS scheduler; allowed: rr, wrr, lc, wlc, lblc, lblcr, sh, dh, sed, nq" \
    --mode ipvs --scheduler fifo || return 1
  invalid "verify-cluster: --bandwidth = yes: not a boolean; allowed: true, false" --mode ipvs --bandwidth yes || return 1
  invalid "verify-cluster: --timeout = 0: not a whole number of seconds in range; allowed: 1 to 86400" --mode=ipvs --timeout=0 || return 1
  invalid "verify-cluster: --kubeconfig = /nonexistent/kubeconfig: no such readable file; allowed: the path of a kubeconfig file" \
    --mode ipvs --kubeconfig /nonexistent/kubeconfig || return 1
  invalid "verify-cluster: --colour: unknown option; allowed: --mode, --scheduler, --bandwidth, --kubeconfig, --timeout, --image, --node" \
    --mode ipvs --colour always || return 1
  invalid "verify-cluster: --node: missing value" --mode ipvs --node || return 1
  # Every problem at once, one line each.
  invalid "verify-cluster: --mode = ipvs2: not a kube-proxy mode; allowed: ipvs, nftables, iptables
verify-cluster: --bandwidth = 1: not a boolean; allowed: true, false" --mode ipvs2 --bandwidth 1
}

test_help() {
  run_case healthy --help
  expect_rc 0 || return 1
  [[ $OUT == "Usage: bash infra/Cli/verify-cluster.sh --mode ipvs|nftables|iptables"* ]] || { echo "help: $(head -n 2 <<<"$OUT")"; return 1; }
}

# --- Runner -------------------------------------------------------------------------------------------------------
passed=0
failed=0
report() { # NAME REASON(empty = ok)
  if [[ -z $2 ]]; then
    passed=$((passed + 1))
    printf 'ok - %s\n' "$1"
  else
    failed=$((failed + 1))
    printf 'not ok - %s: %s\n' "$1" "$2"
  fi
}

for tool in jq shellcheck timeout; do
  command -v "$tool" >/dev/null || report "$tool installed" "$tool not found on PATH"
done

# Lint: the script and everything under tests/verify that is shell; any finding fails.
lint=("$script" "$here/run.sh" "$here/stub/kubectl" "$here"/stub/node/*)
for f in "${lint[@]}"; do
  if out=$(shellcheck -x "$f" 2>&1); then
    report "shellcheck ${f#"$repo"/}" ""
  else
    report "shellcheck ${f#"$repo"/}" "$(grep -E '^In |SC[0-9]+' <<<"$out" | head -n 4 | tr '\n' ' ')"
  fi
done

for t in $(declare -F | awk '$3 ~ /^test_/ { print $3 }'); do
  if reason=$("$t" 2>&1); then
    report "${t#test_}" ""
  else
    report "${t#test_}" "${reason:-failed without a reason}"
  fi
done

printf 'verify-tests: %d passed, %d failed\n' "$passed" "$failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
