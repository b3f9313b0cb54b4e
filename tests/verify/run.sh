#!/usr/bin/env bash
# tests/verify/run.sh: tests of infra/Cli/verify-cluster.sh. Each test runs the real script, unmodified, with the
# stand-in kubectl (tests/verify/stub/kubectl) first on PATH, which records every call and replays a recorded
# cluster from tests/verify/fixtures/<scenario>/ (merged over fixtures/healthy/, see fixture()).
# Prints "ok - NAME" / "not ok - NAME: REASON" per test, then exactly "verify-tests: N passed, N failed";
# exits non-zero if any test failed. Needs bash, jq, shellcheck, setsid and coreutils; no cluster.
# Tests run up to 4 at a time (at most one per core) and are reported in name order. VERIFY_SCRIPT=PATH runs them
# against another version of the script (e.g. `git show HEAD~1:infra/Cli/verify-cluster.sh`).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
script=$repo/infra/Cli/verify-cluster.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset KUBECONFIG # the tests decide what the script sees
export VERIFY_CACHE=$work/probe-cache # the stand-in runs each distinct probe once (stub/kubectl)

readonly A=ip-10-0-1-23.eu-west-1.compute.internal # Ready
readonly B=ip-10-0-2-45.eu-west-1.compute.internal # Ready
readonly C=ip-10-0-3-67.eu-west-1.compute.internal # NotReady
readonly CONF=/etc/cni/net.d/10-aws.conflist
script=${VERIFY_SCRIPT:-$script} # another version of the script, e.g. the one before a change

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
  # The run's clock is a file only pauses and the stand-in kubectl advance (VERIFY_CLUSTER_CLOCK), so a deadline
  # falls in the phase a test means however busy the machine is; a scenario with a file real-clock keeps the
  # shell's clock, to show the real `timeout` ending a hung call. The outer timeout only keeps a broken script
  # from hanging the suite; no test asserts on wall-clock time.
  echo 0 >"$dir/clock"
  local clock=$dir/clock
  [[ ! -e $dir/fixture/real-clock ]] || clock=''
  PATH="$here/stub:$PATH" VERIFY_FIXTURE="$dir/fixture" VERIFY_STATE="$STATE" VERIFY_CLUSTER_CLOCK=$clock \
    timeout -k 5 700 bash "$script" "$@" >"$dir/out" 2>"$dir/err"
  RC=$?
  OUT_RAW=$(cat "$dir/out")
  ERR=$(cat "$dir/err")
  # A test pod's veth name depends on the pod's name, which holds the run id: written VETH(<node>) in OUT.
  local f subst=()
  for f in "$STATE"/created/*.json; do
    [[ -e $f ]] || continue
    jq -e '.metadata.labels["eks-verify/role"] == "bandwidth"' "$f" >/dev/null || continue
    subst+=(-e "s/eni$(jq -j '.metadata.namespace, ".", .metadata.name' "$f" | sha1sum | cut -c1-11)/VETH($(jq -r .spec.nodeName "$f"))/g")
  done
  OUT=$(sed "${subst[@]}" -e '' <<<"$OUT_RAW")
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

# expect_hygiene [NAMESPACE [force]]: what every run must respect, whatever it checks: no call the stand-in does
# not know, every kubectl call bounded by --request-timeout, and every pod it created deleted by its run label,
# last (with "force": a delete that could not finish, then a forced one).
expect_hygiene() {
  local ns=${1:-default} force=${2:-} bad run ids last
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
  run=$(calls | grep -c -x -e "delete pods -n $ns -l eks-verify/run=$ids --ignore-not-found --now --wait --timeout=30s")
  [[ $run == 1 ]] || { echo "expected one delete of the run's pods, got $run: $(calls | grep '^delete' | tr '\n' '|')"; return 1; }
  last="delete pods -n $ns -l eks-verify/run=$ids --ignore-not-found --now --wait --timeout=30s"
  [[ -z $force ]] || last="delete pods -n $ns -l eks-verify/run=$ids --ignore-not-found --force --grace-period=0 --wait=false"
  [[ $(calls | tail -n 1) == "$last" ]] || { echo "the last call is not [$last]: $(calls | tail -n 2 | tr '\n' '|')"; return 1; }
  ! compgen -G "$STATE/pods/*.json" >/dev/null || { echo "pods left behind: $(ls "$STATE/pods")"; return 1; }
}

no_pod_on() { # NODE
  [[ -z $(cat "$STATE"/created/*.json 2>/dev/null | jq -r --arg n "$1" 'select(.spec.nodeName == $n) | .metadata.name') ]] ||
    { echo "a pod was created on $1"; return 1; }
}

# --- Tests ------------------------------------------------------------------------------------------------------
healthy_out() { # the PASS lines and the summary of the healthy ipvs rr cluster with bandwidth, Ready nodes only
  local n
  for n in "$A" "$B"; do
    cat <<LINES
PASS $n proxy-mode: kube-proxy reports ipvs (127.0.0.1:10249/proxyMode)
PASS $n ipvs-service: TCP 172.20.0.1:443 rr, 2 real servers
PASS $n bandwidth-plugin: one bandwidth plugin in $CONF, the first CNI config (plugins: aws-cni, egress-cni, portmap, bandwidth)
PASS $n ingress-limit: tbf at 10Mbit on VETH($n), the test pod's host veth
PASS $n egress-limit: tbf at 10Mbit on $(ifb "$n"), the IFB device that VETH($n)'s ingress qdisc redirects to
LINES
  done
  echo "verify: 10 passed, 0 failed"
}
ifb() { if [[ $1 == "$A" ]]; then echo bwp5c81e0a7d3f2; else echo bwp08d3e6f1a4c7; fi; }
summary() { sed "s/^verify: .*/verify: $1 passed, $2 failed/"; }
# replace NODE CHECK DETAIL: a sed command that replaces NODE's CHECK line with a FAIL (or PASS when DETAIL starts
# with "PASS ") line carrying DETAIL; use with sed -e.
replace() {
  local verdict=FAIL detail=$3
  [[ $detail != "PASS "* ]] || { verdict=PASS detail=${detail#PASS }; }
  detail=${detail//\\/\\\\} detail=${detail//|/\\|} detail=${detail//&/\\&}
  printf 's|^PASS %s %s: .*|%s %s %s: %s|' "$1" "$2" "$verdict" "$1" "$2" "$detail"
}

test_healthy_cluster_all_pass_when_not_ready_nodes_are_skipped() {
  run_case healthy --mode ipvs --scheduler rr --bandwidth true --skip-not-ready
  expect_rc 0 && expect_out "$(healthy_out)" && expect_hygiene || return 1
  expect_err_has "skipping node $C: not Ready (Ready=Unknown, NodeStatusUnknown: Kubelet stopped posting node status.) (--skip-not-ready)" || return 1
  no_pod_on "$C"
}

# Finding: a NotReady node (e.g. a conflist containerd cannot load) used to be skipped with a note, exit 0.
test_not_ready_node_fails_with_its_ready_condition() {
  run_case healthy --mode ipvs
  expect_rc 1 && expect_hygiene || return 1
  expect_out "$(healthy_out | summary 10 1 | sed "/^verify:/i FAIL $C node-ready: the node is not Ready (Ready=Unknown, NodeStatusUnknown: Kubelet stopped posting node status.); nothing else was checked")" || return 1
  no_pod_on "$C"
}

test_not_ready_node_selected_with_node_option_fails() {
  run_case healthy --mode ipvs --node "$C"
  expect_rc 1 && expect_hygiene || return 1
  [[ $OUT == "FAIL $C node-ready: the node is not Ready (Ready=Unknown, NodeStatusUnknown: Kubelet stopped posting node status.); nothing else was checked
verify: 0 passed, 1 failed" ]] || { echo "got: $(tr '\n' '|' <<<"$OUT")"; return 1; }
  ! calls | grep -q '^create' || { echo "created pods for a NotReady node only"; return 1; }
}

test_defaults_are_rr_and_bandwidth() {
  run_case healthy --mode ipvs --skip-not-ready
  expect_rc 0 && expect_out "$(healthy_out)" && expect_hygiene
}

test_veth_is_named_the_vpc_cni_way() {
  # eni + the first 11 hex digits of sha1("<namespace>.<pod>"); the stand-in computes it on its own and the
  # fixtures only know @VETH@, so a PASS already needs the right name. Here the name itself is checked too.
  run_case healthy --mode ipvs --skip-not-ready
  expect_rc 0 || return 1
  local pod want
  pod=$(created bandwidth | jq -r --arg a "$A" 'select(.spec.nodeName == $a) | .metadata.name')
  want=eni$(printf 'default.%s' "$pod" | sha1sum | cut -c1-11)
  [[ $OUT_RAW == *"ingress-limit: tbf at 10Mbit on $want, the test pod's host veth"* ]] ||
    { echo "no ingress-limit line for $want: $(grep "$A ingress" <<<"$OUT_RAW")"; return 1; }
  [[ $(created probe | jq -r --arg a "$A" 'select(.spec.nodeName == $a) | .spec.containers[0].env[] | select(.name == "VETH_SUFFIX") | .value') == "${want#eni}" ]] ||
    { echo "VETH_SUFFIX of $A is not ${want#eni}"; return 1; }
}

test_pod_specs() {
  run_case healthy --mode ipvs --skip-not-ready
  expect_rc 0 || return 1
  local probes bws
  probes=$(created probe)
  bws=$(created bandwidth)
  [[ $(wc -l <<<"$probes") == 2 && $(wc -l <<<"$bws") == 2 ]] || { echo "expected 2 probe and 2 test pods"; return 1; }
  # Probe pod: pinned, every taint tolerated, host network, privileged, the image's own sh (no chroot), host
  # root read-only (recursively where the runtime can), result in the termination message, tiny requests.
  jq -es 'map(
      .metadata.namespace == "default" and .spec.restartPolicy == "Never" and .spec.hostNetwork == true
      and .spec.tolerations == [{operator: "Exists"}] and (.spec.activeDeadlineSeconds | type) == "number"
      and .spec.automountServiceAccountToken == false
      and .spec.containers[0].image == "docker.io/nicolaka/netshoot:v0.15"
      and .spec.containers[0].securityContext.privileged == true
      and .spec.containers[0].volumeMounts == [{name: "host", mountPath: "/host", readOnly: true, recursiveReadOnly: "IfPossible"}]
      and .spec.volumes == [{name: "host", hostPath: {path: "/", type: "Directory"}}]
      and .spec.containers[0].command[0:2] == ["sh", "-c"] and (.spec.containers[0].command | length) == 3
      and (.spec.containers[0].command[2] | contains("chroot") | not)
      and .spec.containers[0].terminationMessagePath == "/dev/termination-log"
      and .spec.containers[0].terminationMessagePolicy == "FallbackToLogsOnError"
      and .spec.containers[0].resources == {requests: {cpu: "5m", memory: "16Mi"}, limits: {memory: "64Mi"}}
      and ([.spec.containers[0].env[] | {(.name): .value}] | add | .WANT_IPVS == "1" and .WANT_BW == "1" and .IPVS_VS == "172.20.0.1:443"
           and .CNI_DIR == "/host/etc/cni/net.d" and .CONFLIST == "10-aws.conflist" and .RESULT == "/dev/termination-log"))
    | all' <<<"$probes" >/dev/null || { echo "probe pod spec: $(head -n 1 <<<"$probes" | jq -c 'del(.spec.containers[0].command)' | cut -c1-900)"; return 1; }
  [[ $(jq -rs '[.[].spec.nodeName] | sort | join(" ")' <<<"$probes") == "$A $B" ]] || { echo "probe pods not on $A and $B"; return 1; }
  [[ $(jq -rs --arg a "$A" '.[] | select(.spec.nodeName == $a) | .spec.containers[0].env[] | select(.name == "BW_POD_IP") | .value' <<<"$probes") == 10.0.1.77 ]] ||
    { echo "BW_POD_IP of $A is not its test pod's IP"; return 1; }
  # Test pod: 10M both ways, ordinary pod network (the bandwidth plugin only shapes CNI-networked pods).
  jq -es 'map(.metadata.annotations == {"kubernetes.io/ingress-bandwidth": "10M", "kubernetes.io/egress-bandwidth": "10M"}
      and (.spec.hostNetwork // false) == false and .spec.tolerations == [{operator: "Exists"}]
      and .spec.restartPolicy == "Never" and .spec.containers[0].command[0] == "sleep"
      and .spec.containers[0].resources.requests == {cpu: "5m", memory: "16Mi"}) | all' <<<"$bws" >/dev/null ||
    { echo "test pod spec: $(head -n 1 <<<"$bws" | cut -c1-600)"; return 1; }
}

test_one_dry_run_one_create_and_one_poll_per_role() {
  run_case healthy --mode ipvs --skip-not-ready
  expect_rc 0 || return 1
  local want
  want=$(printf '%s\n' "get nodes -o json" "get svc kubernetes -n default -o jsonpath={.spec.clusterIP}" \
    "create --dry-run=server -f -" "create -f -" "get pods role=bandwidth" "create -f -" "get pods role=probe" "delete")
  [[ $(calls | sed -E 's/^(get pods) .*(role=[a-z]+).*/\1 \2/; s/^delete .*/delete/') == "$want" ]] ||
    { echo "calls: $(calls | tr '\n' '|')"; return 1; }
  # The dry run holds one pod per role; each create holds the pods of all nodes.
  [[ $(grep -c . <<<"$(created bandwidth)") == 2 && $(grep -c . <<<"$(created probe)") == 2 ]] || { echo "pods created: $(ls "$STATE/created")"; return 1; }
}

test_parallel_bounds_the_nodes_per_batch() {
  run_case healthy --mode ipvs --skip-not-ready --parallel 1
  expect_rc 0 && expect_out "$(healthy_out)" && expect_hygiene || return 1
  [[ $(calls | grep -c '^create -f -$') == 4 ]] || { echo "expected 2 creates per batch: $(calls | tr '\n' '|')"; return 1; }
  # The first batch's pods are deleted before the second batch starts.
  [[ $(calls | grep -n '' | grep -E 'delete pods -n default -l eks-verify/run=[0-9a-f]{8},eks-verify/batch=0 ' | cut -d: -f1) -lt \
    $(calls | grep -n 'eks-verify/batch=1' | head -n 1 | cut -d: -f1) ]] || { echo "batch 0 not deleted before batch 1: $(calls | tr '\n' '|')"; return 1; }
}

test_node_snippet_is_posix_sh() {
  run_case healthy --mode ipvs --skip-not-ready
  expect_rc 0 || return 1
  local snippet=$work/snippet.sh out
  { echo '#!/bin/sh'; created probe | head -n 1 | jq -r '.spec.containers[0].command[2]'; } >"$snippet"
  out=$(shellcheck -s sh "$snippet" 2>&1) || { grep -E 'SC[0-9]+' <<<"$out" | head -n 3 | tr '\n' ' '; return 1; }
}

test_proxy_mode_iptables_on_one_node_fails() {
  run_case proxy-iptables --mode ipvs --scheduler rr --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  expect_out "$(healthy_out | sed -e "$(replace "$B" proxy-mode "kube-proxy reports iptables, expected ipvs")" \
    -e "$(replace "$B" ipvs-service "no TCP virtual server 172.20.0.1:443 in ipvsadm -Ln (0 virtual servers)")" | summary 8 2)"
}

test_wrong_scheduler_fails() {
  run_case wrong-scheduler --mode ipvs --scheduler rr --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  expect_out "$(healthy_out | sed -e "$(replace "$A" ipvs-service "TCP 172.20.0.1:443 uses scheduler wrr, expected rr")" | summary 9 1)"
}

test_scheduler_matches_when_configured_wrr() {
  run_case wrong-scheduler --mode ipvs --scheduler wrr --skip-not-ready
  expect_rc 1 || return 1
  [[ $OUT == *"PASS $A ipvs-service: TCP 172.20.0.1:443 wrr, 2 real servers"* &&
    $OUT == *"FAIL $B ipvs-service: TCP 172.20.0.1:443 uses scheduler rr, expected wrr"* ]] ||
    { echo "got: $(grep ipvs-service <<<"$OUT" | tr '\n' '|')"; return 1; }
}

# Finding: the kubernetes Service with 0 real servers passed.
test_ipvs_service_without_usable_real_server_fails() {
  run_case ipvs-no-endpoints --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  expect_out "$(healthy_out | sed \
    -e "$(replace "$A" ipvs-service "TCP 172.20.0.1:443 rr has 0 real servers, 0 of weight > 0; expected at least one (the API servers)")" \
    -e "$(replace "$B" ipvs-service "TCP 172.20.0.1:443 rr has 2 real servers, 0 of weight > 0; expected at least one (the API servers)")" | summary 8 2)"
}

test_bandwidth_plugin_missing_or_twice_fails() {
  run_case bandwidth-plugin-count --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  expect_out "$(healthy_out | sed \
    -e "$(replace "$A" bandwidth-plugin "no bandwidth plugin in $CONF (plugins: aws-cni, egress-cni, portmap)")" \
    -e "$(replace "$B" bandwidth-plugin "2 bandwidth plugins in $CONF, expected exactly one (plugins: aws-cni, egress-cni, portmap, bandwidth, bandwidth)")" | summary 8 2)"
}

test_bandwidth_plugin_without_capability_or_conflist_fails() {
  run_case conflist-odd --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  expect_out "$(healthy_out | sed \
    -e "$(replace "$A" bandwidth-plugin "the bandwidth plugin in $CONF lacks capabilities.bandwidth=true, so pod annotations are ignored")" \
    -e "$(replace "$B" bandwidth-plugin "$CONF does not exist")" | summary 8 2)"
}

# Finding: containerd loads the first CNI config by name; one sorting before 10-aws.conflist went unseen.
test_cni_config_sorting_first_fails() {
  run_case conflist-first --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  # 2-45 also has 10-aws.conflist.bak (not a CNI config name) and 99-loopback.conf (sorts after): both fine.
  expect_out "$(healthy_out | sed \
    -e "$(replace "$A" bandwidth-plugin "05-cilium.conflist sorts before 10-aws.conflist in /etc/cni/net.d, so containerd loads it and not the VPC CNI's chain")" | summary 9 1)"
}

test_no_shaping_on_the_veth_fails() {
  run_case no-tbf --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  expect_out "$(healthy_out | sed \
    -e "$(replace "$A" ingress-limit "root qdisc of VETH($A) is noqueue, expected tbf at 10M (the test pod's host veth)")" \
    -e "$(replace "$A" egress-limit "no ingress qdisc ffff: on VETH($A), so nothing redirects the pod's egress")" | summary 8 2)"
}

# Finding: egress is shaped on an IFB device (ingress qdisc ffff: + mirred redirect); it was never looked at.
test_egress_is_checked_on_the_ifb_device_with_its_rate() {
  run_case egress-ifb --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  expect_out "$(healthy_out | sed \
    -e "$(replace "$A" egress-limit "no ingress qdisc ffff: on VETH($A), so nothing redirects the pod's egress")" \
    -e "$(replace "$B" egress-limit "tbf on bwp08d3e6f1a4c7 shapes at 5Mbit, expected 10M (the IFB device that VETH($B)'s ingress qdisc redirects to)")" | summary 8 2)"
}

# Finding: bandwidth plugin v1.5.x (VPC CNI v1.18.6-v1.19.6) shapes with htb; every healthy node failed.
test_htb_at_the_rate_passes_with_a_note() {
  run_case htb --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  local note="htb: bandwidth plugin v1.5.x, shipped by VPC CNI v1.18.6-v1.19.6; upstream returned to tbf in v1.6.0"
  expect_out "$(healthy_out | sed \
    -e "$(replace "$A" ingress-limit "PASS htb class 1:30 at 10Mbit on VETH($A) ($note), the test pod's host veth")" \
    -e "$(replace "$A" egress-limit "PASS htb class 1:30 at 10Mbit on bwp5c81e0a7d3f2 ($note), the IFB device that VETH($A)'s ingress qdisc redirects to")" \
    -e "$(replace "$B" ingress-limit "PASS htb class 1:30 at 10Mbit on VETH($B) ($note), the test pod's host veth")" \
    -e "$(replace "$B" egress-limit "htb on bwp08d3e6f1a4c7 has no default class at 10M (default class 1:30, rate 5Mbit) (the IFB device that VETH($B)'s ingress qdisc redirects to)")" | summary 9 1)"
}

# Finding: when the test pod's interface was not found, "any tbf on the node" passed.
test_missing_or_misrouted_veth_fails_and_never_uses_another_device() {
  run_case missing-veth --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  local pa why_a why_b
  pa=$(created bandwidth | jq -r --arg a "$A" 'select(.spec.nodeName == $a) | .metadata.name')
  why_a="the test pod $pa (10.0.1.77) has no host interface VETH($A) on the node (ip route get: RTNETLINK answers: Network is unreachable)"
  why_b="ip route get 10.0.2.140 leads to eni1f6e2d90b8c, not to the test pod's interface VETH($B)"
  expect_out "$(healthy_out | sed -e "$(replace "$A" ingress-limit "$why_a")" -e "$(replace "$A" egress-limit "$why_a")" \
    -e "$(replace "$B" ingress-limit "$why_b")" -e "$(replace "$B" egress-limit "$why_b")" | summary 6 4)"
}

test_veth_prefix_comes_from_the_conflist() {
  # 1-23's aws-node runs with vethPrefix "pod" (AWS_VPC_K8S_CNI_VETHPREFIX): its veths are pod<11 hex digits>.
  # 2-45's conflist says "eni", but the interface with the test pod's digits is named pod…: not the VPC CNI's name.
  run_case veth-prefix --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  local sa sb why
  sa=$(created bandwidth | jq -j --arg a "$A" 'select(.spec.nodeName == $a) | .metadata.namespace, ".", .metadata.name' | sha1sum | cut -c1-11)
  sb=$(created bandwidth | jq -j --arg b "$B" 'select(.spec.nodeName == $b) | .metadata.namespace, ".", .metadata.name' | sha1sum | cut -c1-11)
  why="the interface ending in $sb is pod$sb, expected VETH($B) (VPC CNI prefix eni)"
  expect_out "$(healthy_out | sed -e "s/VETH($A)/pod$sa/g" -e "$(replace "$B" ingress-limit "$why")" -e "$(replace "$B" egress-limit "$why")" | summary 8 2)"
}

test_tc_missing_in_the_image_fails() {
  run_case tc-missing --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  expect_out "$(healthy_out | sed \
    -e "$(replace "$A" ingress-limit "tc qdisc show dev VETH($A) failed on the node: sh: tc: not found")" \
    -e "$(replace "$A" egress-limit "tc qdisc show dev VETH($A) failed on the node: sh: tc: not found")" \
    -e "$(replace "$B" ingress-limit "tc qdisc show dev VETH($B) failed on the node: sh: tc: not found")" \
    -e "$(replace "$B" egress-limit "tc qdisc show dev VETH($B) failed on the node: sh: tc: not found")" | summary 6 4)"
}

test_iptables_mode_has_no_ipvs_check() {
  run_case iptables-mode --mode iptables --skip-not-ready
  expect_rc 0 && expect_hygiene || return 1
  expect_out "$(healthy_out | grep -v ipvs-service | sed 's/reports ipvs/reports iptables/' | summary 8 0)" || return 1
  ! calls | grep -q '^get svc' || { echo "read the kubernetes Service in iptables mode"; return 1; }
  ! grep -q '^ipvsadm' "$STATE/node-calls.log" || { echo "ran ipvsadm on a node in iptables mode"; return 1; }
}

test_iptables_cluster_checked_as_ipvs_fails() {
  run_case iptables-mode --mode ipvs --skip-not-ready
  expect_rc 1 || return 1
  [[ $(grep -c '^FAIL' <<<"$OUT") == 4 && $OUT == *"FAIL $A proxy-mode: kube-proxy reports iptables, expected ipvs"* ]] ||
    { echo "got: $(tr '\n' '|' <<<"$OUT")"; return 1; }
}

test_nftables_mode() {
  run_case iptables-mode --mode nftables --bandwidth false --skip-not-ready
  expect_rc 1 || return 1
  expect_out "$(
    cat <<LINES
FAIL $A proxy-mode: kube-proxy reports iptables, expected nftables
FAIL $B proxy-mode: kube-proxy reports iptables, expected nftables
verify: 0 passed, 2 failed
LINES
  )"
}

test_bandwidth_false_skips_bandwidth_checks() {
  run_case healthy --mode ipvs --bandwidth false --skip-not-ready
  expect_rc 0 && expect_hygiene || return 1
  expect_out "$(healthy_out | grep -v -e bandwidth-plugin -e -limit | summary 4 0)" || return 1
  [[ -z $(created bandwidth) ]] || { echo "created a bandwidth test pod with --bandwidth false"; return 1; }
}

test_node_option_checks_one_node() {
  run_case healthy --mode ipvs --node "$B"
  expect_rc 0 && expect_hygiene || return 1
  expect_out "$(healthy_out | grep -v "$A" | summary 5 0)"
}

test_node_option_unknown_node() {
  run_case healthy --mode ipvs --node ip-10-9-9-9.eu-west-1.compute.internal
  expect_rc 1 && expect_out "" && expect_hygiene || return 1
  expect_err "verify-cluster: --node ip-10-9-9-9.eu-west-1.compute.internal: no Linux node to check by that name"
}

test_namespace_option() {
  run_case healthy --mode ipvs --skip-not-ready --namespace eks-verify
  expect_rc 0 && expect_out "$(healthy_out)" && expect_hygiene eks-verify || return 1
  [[ $(cat "$STATE"/created/*.json | jq -r '.metadata.namespace' | sort -u) == eks-verify ]] || { echo "pods not in eks-verify"; return 1; }
  ! calls | grep -E '^(get pods|delete pods)' | grep -qv ' -n eks-verify ' || { echo "a pod call outside eks-verify: $(calls | tr '\n' '|')"; return 1; }
}

test_kube_proxy_not_answering_fails() {
  run_case kube-proxy-down --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  expect_out "$(healthy_out | sed \
    -e "$(replace "$A" proxy-mode "kube-proxy did not answer on 127.0.0.1:10249/proxyMode: curl: (7) Failed to connect to 127.0.0.1 port 10249 after 0 ms: Couldn't connect to server")" | summary 9 1)"
}

test_failed_probe_pod_fails_every_check_and_is_deleted() {
  run_case probe-failed --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  # shellcheck disable=SC2016 # $PATH is the runtime's text
  local why='node probe failed: the probe pod failed (StartError: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "sh": executable file not found in $PATH: unknown)'
  expect_out "$(healthy_out | sed -e "s|^PASS $B \([a-z-]*\): .*|FAIL $B \1: $why|" | summary 5 5)"
}

# Finding: Bottlerocket nodes (no host shell) always failed as "not checked".
test_bottlerocket_node_is_checked_like_any_other() {
  run_case bottlerocket --mode ipvs --skip-not-ready
  expect_rc 0 && expect_out "$(healthy_out)" && expect_hygiene || return 1
  [[ -n $(created probe | jq -r --arg b "$B" 'select(.spec.nodeName == $b) | .metadata.name') ]] ||
    { echo "no probe pod on the Bottlerocket node"; return 1; }
}

# Finding: a pod the node rejects at max-pods lost its reason (OutOfpods) in the message.
test_out_of_pods_reason_is_kept() {
  run_case outofpods --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  local why="Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 29, capacity: 29"
  expect_out "$(healthy_out | sed \
    -e "$(replace "$A" ingress-limit "the test pod ended (Failed: OutOfpods: $why) instead of running")" \
    -e "$(replace "$A" egress-limit "the test pod ended (Failed: OutOfpods: $why) instead of running")" \
    -e "s|^PASS $B \([a-z-]*\): .*|FAIL $B \1: node probe failed: the probe pod failed (OutOfpods: $why)|" | summary 3 7)"
}

test_pods_refused_at_admission_fail_once_at_the_dry_run() {
  run_case psa-baseline --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  local why="not checked: namespace default refuses this run's pods (server-side dry run; the API server's answer is above)"
  expect_out "$(healthy_out | sed -e "s|^PASS \([^ ]*\) \([a-z-]*\): .*|FAIL \1 \2: $why|" | summary 0 10)" || return 1
  [[ $(calls | grep -c '^create') == 1 && $(calls | grep -c '^create --dry-run=server') == 1 ]] ||
    { echo "expected one dry run and no create: $(calls | tr '\n' '|')"; return 1; }
  expect_err_has 'verify-cluster: namespace default refuses this run'"'"'s pods (server-side dry run, nothing was created): Error from server (Forbidden): error when creating "STDIN": pods "<pod>" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), hostPath volumes (volume "host"), privileged (container "probe" must not set securityContext.privileged=true)' || return 1
  [[ $(grep -c 'PodSecurity' <<<"$ERR$OUT") == 1 ]] || { echo "the refusal is not reported exactly once"; return 1; }
}

test_webhook_without_dry_run_support_does_not_stop_the_run() {
  run_case dry-run-unsupported --mode ipvs --skip-not-ready
  expect_rc 0 && expect_out "$(healthy_out)" && expect_hygiene || return 1
  expect_err_has 'verify-cluster: the server-side dry run could not run (Error from server (BadRequest): error when creating "STDIN": admission webhook "sidecar-injector.example.com" does not support dry run); going on without it'
}

test_pod_refused_at_create_fails_only_its_node() {
  # The dry run (one pod per role, on the first node) passes; the quota then refuses the second node's probe.
  run_case quota-partial --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  local pod why
  pod=$(created bandwidth | jq -r --arg b "$B" 'select(.spec.nodeName == $b) | .metadata.name | sub("-bw-"; "-")')
  why="node probe failed: could not create the probe pod: Error from server (Forbidden): error when creating \"STDIN\": pods \"$pod\" is forbidden: exceeded quota: eks-verify, requested: pods=1, used: pods=3, limited: pods=3"
  expect_out "$(healthy_out | sed -e "s|^PASS $B \([a-z-]*\): .*|FAIL $B \1: $why|" | summary 5 5)"
}

test_result_too_big_for_a_termination_message_fails() {
  run_case big-conflist --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  [[ $(grep -c "^FAIL $B [a-z-]*: node probe failed: the result is [0-9]* bytes, more than the 4096 a termination message holds$" <<<"$OUT") == 5 ]] ||
    { echo "got: $(grep "$B" <<<"$OUT" | head -n 2 | tr '\n' '|')"; return 1; }
}

test_pod_listing_forbidden_ends_the_run_and_cleans_up() {
  run_case rbac-no-list --mode ipvs --skip-not-ready
  expect_rc 1 && expect_out "" && expect_hygiene || return 1
  expect_err_has "verify-cluster: kubectl failed while listing this run's bandwidth pods (3 times in a row) (exit 1)" || return 1
  [[ $(calls | grep -c '^get pods ') == 3 ]] || { echo "expected 3 polls: $(calls | tr '\n' '|')"; return 1; }
}

test_test_pod_not_running_fails_the_limits() {
  run_case bw-pending --mode ipvs --timeout 8 --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  local line
  for line in "$(grep "^FAIL $B ingress-limit: " <<<"$OUT")" "$(grep "^FAIL $B egress-limit: " <<<"$OUT")"; do
    [[ $line =~ ^"FAIL $B "[a-z]+"-limit: the test pod did not become Running within "[0-9]+"s (test pod Pending: ContainerCreating)"$ ]] ||
      { echo "limit line: [$line]"; return 1; }
  done
  [[ $(grep -c '^PASS' <<<"$OUT") == 8 && $(tail -n 1 <<<"$OUT") == "verify: 8 passed, 2 failed" ]] ||
    { echo "got: $(tr '\n' '|' <<<"$OUT")"; return 1; }
}

test_image_pull_back_off_fails_at_once_and_names_the_image() {
  run_case image-pull --mode ipvs --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  local why='the test pod cannot start (ImagePullBackOff: Back-off pulling image "docker.io/nicolaka/netshoot:v0.15": ErrImagePull: failed to pull and unpack image "docker.io/nicolaka/netshoot:v0.15": failed to resolve reference "docker.io/nicolaka/netshoot:v0.15": dial tcp 54.236.113.205:443: i/o timeout); can the nodes pull --image docker.io/nicolaka/netshoot:v0.15?'
  expect_out "$(healthy_out | sed -e "$(replace "$B" ingress-limit "$why")" -e "$(replace "$B" egress-limit "$why")" | summary 8 2)" || return 1
  # No waiting for a pull that will not succeed by itself: one poll of the test pods.
  [[ $(calls | grep -c 'role=bandwidth') == 1 ]] || { echo "polled the test pods more than once: $(calls | tr '\n' '|')"; return 1; }
}

test_hanging_probe_poll_times_out() {
  run_case hang-probe-poll --mode ipvs --timeout 3 --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  expect_err_has "verify-cluster: timed out after 3s (--timeout) while waiting for the probe pods" || return 1
  local why="node probe failed: not finished when --timeout 3s ran out"
  expect_out "$(healthy_out | sed -e "s|^PASS \([^ ]*\) \([a-z-]*\): .*|FAIL \1 \2: $why|" | summary 0 10)"
}

test_slow_calls_before_the_probe_poll_do_not_use_up_its_timeout() {
  # Every kubectl call takes a real second longer than --timeout allows in all, as on a very busy machine: the
  # run's clock is the test's, so the phases before the hung poll still cost nothing and the deadline falls there.
  VERIFY_STUB_DELAY=1 run_case hang-probe-poll --mode ipvs --timeout 3 --skip-not-ready
  expect_rc 1 && expect_hygiene || return 1
  expect_err_has "verify-cluster: timed out after 3s (--timeout) while waiting for the probe pods" || return 1
  [[ $(calls | grep -c .) -gt 3 ]] || { echo "expected more than 3 one-second calls before the deadline: $(calls | tr '\n' '|')"; return 1; }
}

test_hanging_kubectl_get_nodes_times_out() {
  run_case hang-nodes --mode ipvs --timeout 2
  expect_rc 1 && expect_out "" && expect_hygiene || return 1
  expect_err "verify-cluster: timed out after 2s (--timeout) while listing nodes" || return 1
  [[ $(calls) == "get nodes -o json" ]] || { echo "calls: $(calls | tr '\n' '|')"; return 1; }
}

test_pods_of_a_dead_node_are_force_deleted() {
  run_case node-dies --mode ipvs --skip-not-ready
  expect_rc 0 && expect_out "$(healthy_out)" && expect_hygiene default force || return 1
  expect_err_has "force-deleting them (a node may have died mid-run)"
}

test_interrupted_run_deletes_pods() {
  # SIGTERM to the run's process group (a cancelled CI job, a closed terminal) while the probe poll hangs.
  local dir pid i
  dir=$(mktemp -d "$work/case.XXXXXX")
  fixture hang-probe-poll "$dir/fixture"
  mkdir "$dir/state"
  STATE=$dir/state
  PATH="$here/stub:$PATH" VERIFY_FIXTURE="$dir/fixture" VERIFY_STATE="$STATE" \
    setsid bash "$script" --mode ipvs --timeout 60 --skip-not-ready >"$dir/out" 2>"$dir/err" &
  pid=$!
  # Wait (bounded) until the hanging call has started; this loop asserts nothing about time.
  for ((i = 0; i < 600; i++)); do
    grep -q 'role=probe' "$STATE/calls.log" 2>/dev/null && break
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
  run_case healthy --mode ipvs --kubeconfig "$kc" --bandwidth false --skip-not-ready
  expect_rc 0 || return 1
  [[ $(sort -u "$STATE/globals.log") == "--kubeconfig=$kc --request-timeout" ]] ||
    { echo "global flags: $(sort -u "$STATE/globals.log" | tr '\n' '|')"; return 1; }
  KUBECONFIG=$kc run_case healthy --mode ipvs --bandwidth false --skip-not-ready
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
  local opts="--mode, --scheduler, --bandwidth, --kubeconfig, --namespace, --timeout, --parallel, --image, --node, --skip-not-ready"
  invalid "verify-cluster: --mode: required; allowed: ipvs, nftables, iptables" --scheduler rr || return 1
  invalid "verify-cluster: --scheduler = fifo: not an IPVS scheduler; allowed: rr, wrr, lc, wlc, lblc, lblcr, sh, dh, sed, nq" \
    --mode ipvs --scheduler fifo || return 1
  invalid "verify-cluster: --bandwidth = yes: not a boolean; allowed: true, false" --mode ipvs --bandwidth yes || return 1
  invalid "verify-cluster: --timeout = 0: not a whole number of seconds in range; allowed: 1 to 86400" --mode=ipvs --timeout=0 || return 1
  invalid "verify-cluster: --parallel = 0: not a whole number of nodes in range; allowed: 1 to 5000" --mode ipvs --parallel 0 || return 1
  invalid "verify-cluster: --namespace = Kube_System: not a namespace name; allowed: lower-case letters, digits and '-', 1 to 63 characters, starting and ending with a letter or digit" \
    --mode ipvs --namespace Kube_System || return 1
  invalid "verify-cluster: --kubeconfig = /nonexistent/kubeconfig: no such readable file; allowed: the path of a kubeconfig file" \
    --mode ipvs --kubeconfig /nonexistent/kubeconfig || return 1
  invalid "verify-cluster: --colour: unknown option; allowed: $opts" --mode ipvs --colour always || return 1
  invalid "verify-cluster: --node: missing value" --mode ipvs --node || return 1
  # Every problem at once, one line each.
  invalid "verify-cluster: --mode = ipvs2: not a kube-proxy mode; allowed: ipvs, nftables, iptables
verify-cluster: --bandwidth = 1: not a boolean; allowed: true, false" --mode ipvs2 --bandwidth 1
}

test_help_lists_options_and_rbac() {
  run_case healthy --help
  expect_rc 0 || return 1
  [[ $OUT == "Usage: bash infra/Cli/verify-cluster.sh --mode ipvs|nftables|iptables"* ]] || { echo "help: $(head -n 2 <<<"$OUT")"; return 1; }
  local want
  for want in --namespace --parallel --image --skip-not-ready "get, list on" "nodes" \
    "create, get, list, watch, delete on pods" "get on services in namespace default"; do
    [[ $OUT == *"$want"* ]] || { echo "help lacks [$want]"; return 1; }
  done
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
lint=("$script" "$here/run.sh" "$here/bench.sh" "$here/stub/kubectl" "$here"/stub/node/*)
for f in "${lint[@]}"; do
  if out=$(shellcheck -x "$f" 2>&1); then
    report "shellcheck ${f#"$repo"/}" ""
  else
    report "shellcheck ${f#"$repo"/}" "$(grep -E '^In |SC[0-9]+' <<<"$out" | head -n 4 | tr '\n' ' ')"
  fi
done

# The tests are independent (each has its own fixture and state): they run a few at a time, reported in order.
jobs_max=$(nproc 2>/dev/null || echo 2)
((jobs_max <= 4)) || jobs_max=4
results=$work/results
mkdir -p "$results"
tests=()
for t in $(declare -F | awk '$3 ~ /^test_/ { print $3 }'); do
  tests+=("$t")
  while (($(jobs -rp | wc -l) >= jobs_max)); do wait -n || true; done
  ( if reason=$("$t" 2>&1); then : >"$results/$t"; else printf '%s' "${reason:-failed without a reason}" >"$results/$t"; fi ) &
done
wait
for t in "${tests[@]}"; do
  if [[ -f $results/$t ]]; then report "${t#test_}" "$(cat "$results/$t")"; else report "${t#test_}" "no result"; fi
done

printf 'verify-tests: %d passed, %d failed\n' "$passed" "$failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
