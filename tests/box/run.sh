#!/usr/bin/env bash
# Predicates run indirectly (through check and wait_for); single-quoted scripts expand inside the box.
# shellcheck disable=SC2016,SC2317
# tests/box/run.sh: a node in a box. Every AL2023 golden user data file is booted, byte for byte, by
# real systemd and real cloud-init (tests/box/box.sh), and its effects are checked: cloud-init's
# result, each part run once, the IPVS modules file and module requests, the bandwidth guard's units,
# aws-node rewriting the conflist (also while the guard runs), a second boot, and extraUserData order.
# Prints "ok - NAME" / "not ok - NAME: REASON" per check, then exactly "box: N passed, N failed".
# Needs root, systemd-nspawn, mmdebstrap and overlayfs; without them it says so in one line and, when
# CI=true, fails (CI must run these, never skip them).
# Stand-ins, and why: modprobe (no IP_VS in this kernel, and a container cannot load modules: it
# records the requests instead); aws-node (needs EC2 and a cluster: tests/box/fixtures/aws-node does
# its file writes); nodeadm/kubelet and EKS's NodeConfig part (need a cluster; not in these goldens).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo" || exit 1

missing=""
[[ $(id -u) -eq 0 ]] || missing="not root"
for tool in systemd-nspawn mmdebstrap nsenter jq; do
  [[ -n $missing ]] || command -v "$tool" >/dev/null || missing="$tool not installed"
done
[[ -n $missing ]] || grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || missing="no overlayfs"
[[ -n $missing ]] || unshare -m -p -f true 2>/dev/null || missing="no mount/PID namespaces"
if [[ -n $missing ]]; then
  if [[ ${CI:-} == true ]]; then
    echo "box: cannot run ($missing); CI=true requires it (.ci/run installs systemd-container and mmdebstrap)"
    echo "box: 0 passed, 1 failed"
    exit 1
  fi
  echo "box: skipped: $missing (needs root, systemd-nspawn, mmdebstrap, overlayfs; .ci/run installs them)"
  echo "box: 0 passed, 0 failed"
  exit 0
fi

# shellcheck source=tests/box/box.sh
source "$here/box.sh"
trap box_cleanup EXIT
trap "exit 130" INT TERM

passed=0
failed=0
check() { # NAME REASON-IF-FAILED CONDITION...
  local name=$1 reason=$2
  shift 2
  if "$@"; then
    passed=$((passed + 1)); printf 'ok - %s\n' "$name"
  else
    failed=$((failed + 1)); printf 'not ok - %s: %s\n' "$name" "$reason"
  fi
}
finish() {
  printf 'box: %d passed, %d failed\n' "$passed" "$failed"
  [[ $failed -eq 0 && $passed -gt 0 ]]
  exit
}

# What each golden group must do, from its stack config: "SCHEDULER BANDWIDTH EXTRA-OUTPUT-LINE".
# SCHEDULER "-" = kube-proxy not in IPVS mode (no IPVS part); EXTRA "-" = no extraUserData.
# A new AL2023 golden file without a row here fails, so it cannot go unbooted.
declare -A expect=(
  [userdata/al2023-ipvs-rr-bandwidth]="rr true -"
  [userdata/al2023-ipvs-rr-bandwidth-extra]="rr true net.core.somaxconn = 4096"
  [userdata/al2023-nftables-bandwidth]="- true -"
  [dev/nodegroups/general]="rr true -"
)
readonly GOLDEN=tests/Core.Tests/golden
readonly CONF=/etc/cni/net.d/10-aws.conflist
readonly REWRITES=4

if ! rootfs=$(box_rootfs); then
  check "rootfs builds" "tests/box/rootfs.sh failed (output above)" false
  finish
fi
check "rootfs builds ($rootfs)" "" test -x "$rootfs/lib/systemd/systemd"

# Plain predicates for check.
eq() { [[ $1 == "$2" ]]; }
bw_count() { box_x "$1" jq '[.plugins[] | select(type == "object" and .type == "bandwidth")] | length' "$CONF" 2>/dev/null || echo -1; }
# The conflist as the guard leaves it: the template aws-node wrote, with exactly one plugin added, last.
conf_is_template_plus_bandwidth() {
  local got
  got=$(box_x "$1" cat "$CONF") || return 1
  jq -n -e --argjson got "$got" --argjson want "$(sh tests/node/fixtures/aws-node-render tests/node/fixtures/vpc-cni-10-aws.conflist.template)" \
    '$got.plugins[-1] == {"type":"bandwidth","capabilities":{"bandwidth":true}} and ($got | .plugins |= .[:-1]) == $want' >/dev/null
}

# Poll a condition (an event: no deadline but the hang guard). Prints the seconds it took.
wait_for() { # SECONDS-GUARD CMD...
  local guard=$1 start i
  shift
  start=$(date +%s%N)
  for ((i = 0; i < guard * 50; i++)); do
    if "$@"; then
      echo $((($(date +%s%N) - start) / 1000000))
      return 0
    fi
    sleep 0.02
  done
  return 1
}
has_bw() { [[ $(bw_count "$1") -ge 1 ]]; }
guard_idle() { eq "$(box_x "$1" systemctl show -P ActiveState cni-bandwidth-guard.service)" inactive; }

project_lines() { box_x "$1" journalctl -b 0 -t eks-ipvs -o cat --no-pager 2>/dev/null; }
count_lines() { grep -c -F -- "$2" <<<"$1" || true; }

found=0
for file in "$GOLDEN"/userdata/*.userdata "$GOLDEN"/dev/nodegroups/*.userdata; do
  [[ -f $file ]] || continue
  rel=${file#"$GOLDEN"/}
  rel=${rel%.userdata}
  found=$((found + 1))
  if [[ -z ${expect[$rel]:-} ]]; then
    check "$rel: has an expectation row" "add it to the expect table in tests/box/run.sh" false
    continue
  fi
  read -r scheduler bandwidth extra <<<"${expect[$rel]}"
  name=box-$(tr '/' '-' <<<"$rel" | tail -c 50)
  d=$(box_new "$name" "$rootfs" "$file")
  box_install_aws_node "$d"
  check "$rel: seed is the golden file byte for byte" "seed differs" cmp -s "$file" "$d/root/var/lib/cloud/seed/nocloud/user-data"

  if ! box_boot "$name"; then
    check "$rel: boots" "systemd-nspawn failed" false
    continue
  fi
  printf '# %s: boot to cloud-final done: %.1f s (state %s)\n' "$rel" \
    "$(box_seconds "$d")" "$(cat "$d/state")"

  # cloud-init: done, and no error anywhere (ours would be a failed part: scripts-user).
  status=$(box_x "$name" cloud-init status --long 2>&1)
  check "$rel: cloud-init status done" "$(tr '\n' '|' <<<"$status")" grep -q '^status: done' <<<"$status"
  result=$(box_x "$name" cat /run/cloud-init/result.json 2>/dev/null)
  check "$rel: result.json has no errors" "$(jq -c '.v1.errors' <<<"$result" 2>&1)" jq -e '.v1.errors == []' <<<"$result" >/dev/null
  st=$(box_x "$name" cat /run/cloud-init/status.json 2>/dev/null)
  check "$rel: status.json: every stage finished, no errors" "$(jq -c '.v1 | del(.datasource)' <<<"$st" 2>&1)" \
    jq -e '.v1.stage == null and ([.v1[] | objects | .errors[]?] == [])' <<<"$st" >/dev/null
  failed_units=$(box_x "$name" systemctl list-units --failed --plain --no-legend 2>&1 | awk '{print $1}' | tr '\n' ' ')
  check "$rel: no failed unit" "failed: $failed_units" eq "$failed_units" ""

  # Each part ran once: cloud-init ran no script twice, and each of our scripts logged its end once.
  runs=$(box_x "$name" grep -o "Running command \['/var/lib/cloud/instance/scripts/[^']*'" /var/log/cloud-init.log | sort | uniq -c | awk '$1 != 1')
  check "$rel: cloud-init ran each part script once" "$runs" eq "$runs" ""
  lines=$(project_lines "$name")
  if [[ $scheduler != - ]]; then
    check "$rel: ipvs-modules ran once" "$(count_lines "$lines" "IPVS modules ready") lines" \
      eq "$(count_lines "$lines" "ipvs-modules: IPVS modules ready for scheduler $scheduler")" 1
    check "$rel: ipvsadm-ensure ran once (ipvsadm is in the image)" "$(count_lines "$lines" "ipvsadm-ensure:") lines" \
      eq "$(count_lines "$lines" "ipvsadm-ensure: ipvsadm present")" 1
    want=$(printf '%s\n' "# Written by eks-ipvs (ipvs-modules.sh): IPVS modules for kube-proxy, loaded at every boot." \
      ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_sh ip_vs_dh ip_vs_sed ip_vs_nq nf_conntrack)
    got=$(box_x "$name" cat /etc/modules-load.d/ipvs.conf 2>&1)
    check "$rel: /etc/modules-load.d/ipvs.conf lists ip_vs, the 10 schedulers, nf_conntrack" "got: $(tr '\n' '|' <<<"$got")" eq "$got" "$want"
    requested=$(box_x "$name" cat /var/log/box-modprobe.log 2>/dev/null | awk '{print $3}')
    check "$rel: the 12 modules were requested in this boot, once each" "requested: $(tr '\n' ' ' <<<"$requested")" \
      eq "$requested" "$(tail -n +2 <<<"$want")"
  else
    check "$rel: no IPVS part (kube-proxy not in IPVS mode)" "$(count_lines "$lines" "ipvs-modules:") ipvs-modules lines" \
      eq "$(count_lines "$lines" "ipvs-modules:")$(box_x "$name" test -e /etc/modules-load.d/ipvs.conf && echo ' conf')" 0
  fi

  if [[ $bandwidth == true ]]; then
    check "$rel: guard enable ran once" "$(count_lines "$lines" "cni-bandwidth-guard-enable: enabled") lines" \
      eq "$(count_lines "$lines" "cni-bandwidth-guard-enable: enabled and started cni-bandwidth-guard.path")" 1
    check "$rel: cni-bandwidth-guard.path enabled" "$(box_x "$name" systemctl is-enabled cni-bandwidth-guard.path 2>&1)" \
      eq "$(box_x "$name" systemctl is-enabled cni-bandwidth-guard.path 2>&1)" enabled
    check "$rel: cni-bandwidth-guard.service installed (static, started by the path unit)" \
      "$(box_x "$name" systemctl is-enabled cni-bandwidth-guard.service 2>&1)" \
      eq "$(box_x "$name" systemctl is-enabled cni-bandwidth-guard.service 2>&1)" static
    check "$rel: cni-bandwidth-guard.path active" "$(box_x "$name" systemctl is-active cni-bandwidth-guard.path 2>&1)" \
      eq "$(box_x "$name" systemctl is-active cni-bandwidth-guard.path 2>&1)" active

    # aws-node starts: the first creates the file, later ones replace it. Wait for the plugin (an event),
    # then for the guard to go idle (its own rename makes one more run, which must write nothing).
    times=()
    ok=true
    for ((i = 1; i <= REWRITES; i++)); do
      box_x "$name" box-aws-node >/dev/null
      if ! ms=$(wait_for "$BOX_HANG" has_bw "$name"); then ok=false; break; fi
      wait_for "$BOX_HANG" guard_idle "$name" >/dev/null || { ok=false; break; }
      times+=("${ms}ms")
      [[ $(bw_count "$name") -eq 1 ]] || { ok=false; break; }
    done
    echo "# $rel: guard restore time per aws-node start: ${times[*]}"
    check "$rel: after each of $REWRITES aws-node starts the plugin is back exactly once" \
      "start $i: $(bw_count "$name") bandwidth plugins" eq "$ok" true
    check "$rel: the conflist is aws-node's, plus the plugin, last" "$(box_x "$name" cat "$CONF" | tr -d '\n ')" \
      conf_is_template_plus_bandwidth "$name"

    # aws-node starts again while the guard runs: each rewrite is made as soon as the guard service is
    # seen running (activating), as a crash-looping aws-node would. The end state is what counts.
    during=0 after_write=0
    for ((i = 1; i <= 2 * REWRITES; i++)); do
      state=$(box_x "$name" box-aws-node)
      [[ $state == activating* ]] && during=$((during + 1))
      [[ $state == "activating with-plugin" ]] && after_write=$((after_write + 1))
      box_x "$name" sh -c 'for _ in $(seq 1 500); do [ "$(systemctl show -P ActiveState cni-bandwidth-guard.service)" = inactive ] || exit 0; done'
    done
    ms=$(wait_for "$BOX_HANG" has_bw "$name") || ms=hang
    wait_for "$BOX_HANG" guard_idle "$name" >/dev/null
    echo "# $rel: $((2 * REWRITES)) back-to-back aws-node starts, $during landed while the guard ran ($after_write after its own write); restored ${ms}ms after the last"
    check "$rel: back-to-back aws-node starts: plugin back exactly once" "$(bw_count "$name") bandwidth plugins" \
      eq "$(bw_count "$name")" 1
    check "$rel: no guard error in the journal" "$(project_lines "$name" | grep 'cni-bandwidth-guard.*ERROR' | head -n 3 | tr '\n' '|')" \
      eq "$(project_lines "$name" | grep -c 'cni-bandwidth-guard.*ERROR')" 0
  fi

  if [[ $extra != - ]]; then
    # extraUserData after the project's parts: its output comes after our last line in cloud-final's log.
    final=$(box_x "$name" journalctl -b 0 -u cloud-final -o cat --no-pager 2>/dev/null)
    ours=$(grep -n 'eks-ipvs: ' <<<"$final" | tail -n 1 | cut -d: -f1)
    theirs=$(grep -n -F -- "$extra" <<<"$final" | head -n 1 | cut -d: -f1)
    check "$rel: extraUserData ran, after the project's parts" "our last line ${ours:-none}, extra's line ${theirs:-none}" \
      test "${theirs:-0}" -gt "${ours:-0}" -a "${ours:-0}" -gt 0
    check "$rel: extraUserData ran once" "$(count_lines "$final" "$extra") lines" eq "$(count_lines "$final" "$extra")" 1
  fi

  # Second boot of the same machine: same instance-id, so no per-instance part runs again, and the
  # node's files stay as they are.
  snap() { box_x "$1" sh -c 'sha256sum /etc/modules-load.d/ipvs.conf /etc/cni/net.d/* /etc/systemd/system/cni-bandwidth-guard.* /usr/local/libexec/eks-ipvs/* 2>/dev/null; stat -c "%n %Y" /var/lib/cloud/instance/sem/*'; }
  before=$(snap "$name")
  box_stop "$name"
  if ! box_boot "$name"; then
    check "$rel: boots a second time" "systemd-nspawn failed" false
    continue
  fi
  printf '# %s: second boot done: %.1f s (state %s)\n' "$rel" "$(box_seconds "$d")" "$(cat "$d/state")"
  status=$(box_x "$name" cloud-init status 2>&1)
  check "$rel: second boot: cloud-init status done" "$status" grep -q '^status: done' <<<"$status"
  lines=$(project_lines "$name")
  check "$rel: second boot: no part ran again" "$(head -n 3 <<<"$lines" | tr '\n' '|')" eq "$lines" ""
  again=$(box_x "$name" sh -c 'cat /var/log/box-modprobe.log 2>/dev/null | grep -c "boot=$(cat /proc/sys/kernel/random/boot_id)"')
  check "$rel: second boot: no module requested again" "$again requests in this boot" eq "$again" 0
  after=$(snap "$name")
  check "$rel: second boot: node files and cloud-init semaphores unchanged" "$(diff <(echo "$before") <(echo "$after") | tr '\n' '|')" eq "$before" "$after"
  if [[ $bandwidth == true ]]; then
    check "$rel: second boot: cni-bandwidth-guard.path active" "$(box_x "$name" systemctl is-active cni-bandwidth-guard.path 2>&1)" \
      eq "$(box_x "$name" systemctl is-active cni-bandwidth-guard.path 2>&1)" active
    box_x "$name" box-aws-node >/dev/null
    ms=$(wait_for "$BOX_HANG" has_bw "$name") || ms=hang
    wait_for "$BOX_HANG" guard_idle "$name" >/dev/null
    echo "# $rel: second boot: guard restore time after an aws-node start: ${ms}ms"
    check "$rel: second boot: aws-node start: plugin back exactly once" "$(bw_count "$name") bandwidth plugins" eq "$(bw_count "$name")" 1
  fi
  box_stop "$name"
done
check "found the AL2023 golden groups" "no *.userdata under $GOLDEN" test "$found" -gt 0
finish
