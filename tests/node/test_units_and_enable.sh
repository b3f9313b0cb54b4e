# shellcheck shell=bash
# shellcheck disable=SC2016 # the single-quoted snippets are expanded inside the sandbox, by design.
# Tests for the systemd units and infra/Core/Nodes/NodeScripts/cni-bandwidth-guard-enable.sh, plus the
# whole boot sequence as user data runs it.

ENABLE=/usr/local/libexec/eks-ipvs/cni-bandwidth-guard-enable.sh
LIBEXEC=/usr/local/libexec/eks-ipvs

# The [Section] and Key= lines of a unit, comments and blank lines dropped.
unit_directives() { grep -Ev '^[[:space:]]*(#|;|$)' "$1"; }

test_path_unit_exact_directives() {
  sb_install_node_files || fail "install"
  assert_eq "[Unit]
Description=eks-ipvs: keep the CNI bandwidth plugin in /etc/cni/net.d/10-aws.conflist
[Path]
PathChanged=/etc/cni/net.d/10-aws.conflist
Unit=cni-bandwidth-guard.service
[Install]
WantedBy=multi-user.target" "$(unit_directives "$(sb_path /etc/systemd/system/cni-bandwidth-guard.path)")" "cni-bandwidth-guard.path"
  assert_eq 644 "$(stat -c %a "$(sb_path /etc/systemd/system/cni-bandwidth-guard.path)")" "unit mode"
}

test_service_unit_exact_directives() {
  sb_install_node_files || fail "install"
  assert_eq "[Unit]
Description=eks-ipvs: ensure the CNI bandwidth plugin is chained in 10-aws.conflist
StartLimitIntervalSec=60
StartLimitBurst=30
[Service]
Type=oneshot
ExecStart=/usr/local/libexec/eks-ipvs/cni-bandwidth-guard.sh /etc/cni/net.d/10-aws.conflist" \
    "$(unit_directives "$(sb_path /etc/systemd/system/cni-bandwidth-guard.service)")" "cni-bandwidth-guard.service"
}

test_units_pass_systemd_analyze_verify() {
  command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed here"
  sb_install_node_files || fail "install"
  ln -s "$(command -v systemd-analyze)" "$SB_ROOT/tools/systemd-analyze"
  sbx systemd-analyze verify /etc/systemd/system/cni-bandwidth-guard.path /etc/systemd/system/cni-bandwidth-guard.service
  assert_rc 0 "systemd-analyze verify"
  assert_eq "" "$OUT$ERR" "systemd-analyze verify output"
}

test_enable_without_conflist_makes_exactly_two_systemctl_calls() {
  sb_install_node_files || fail "install"
  sbx "$ENABLE"
  assert_rc 0 "enable"
  assert_eq "daemon-reload
enable --now --no-block cni-bandwidth-guard.path" "$(sb_log systemctl)" "systemctl calls"
  assert_log_has 'cni-bandwidth-guard-enable: /etc/cni/net.d/10-aws.conflist not there yet' "logged"
  assert_log_lacks $'\tcni-bandwidth-guard: ' "guard not run"
  assert_eq "" "$(ls -A "$(sb_path /etc/cni/net.d)")" "net.d untouched"
}

test_enable_with_existing_conflist_runs_the_guard_once() {
  sb_install_node_files || fail "install"
  jq -n '{cniVersion: "0.4.0", name: "aws-cni", plugins: [{type: "aws-cni"}, {type: "portmap"}]}' \
    >"$(sb_path /etc/cni/net.d/10-aws.conflist)"
  sbx "$ENABLE"
  assert_rc 0 "enable"
  assert_eq "daemon-reload
enable --now --no-block cni-bandwidth-guard.path" "$(sb_log systemctl)" "systemctl calls"
  assert_eq '["aws-cni","portmap","bandwidth"]' "$(jq -c '[.plugins[].type]' "$(sb_path /etc/cni/net.d/10-aws.conflist)")" "plugins"
  assert_log_has 'cni-bandwidth-guard: appended the bandwidth plugin' "guard ran"
}

test_enable_logs_but_survives_a_failing_guard() {
  sb_install_node_files || fail "install"
  printf '{"plugins": [' >"$(sb_path /etc/cni/net.d/10-aws.conflist)"
  sbx "$ENABLE"
  assert_rc 0 "enable with a malformed conflist"
  assert_log_has $'\tuser.err\tcni-bandwidth-guard-enable: ERROR: the guard failed on the existing /etc/cni/net.d/10-aws.conflist \\(exit 1\\)' "failure logged"
  assert_eq '{"plugins": [' "$(cat "$(sb_path /etc/cni/net.d/10-aws.conflist)")" "conflist untouched"
}

test_enable_fails_when_systemctl_fails() {
  sb_install_node_files || fail "install"
  sb_systemctl_rc 1
  sbx "$ENABLE"
  assert_rc 1 "enable with systemctl failing"
  assert_count 2 "$SB_LOG/systemctl.log" '.' "both systemctl calls still made"
  assert_log_has 'ERROR: systemctl enable --now --no-block cni-bandwidth-guard.path failed' "logged"
}

test_enable_is_idempotent() {
  sb_install_node_files || fail "install"
  sbx "$ENABLE"
  assert_rc 0 "first"
  sbx "$ENABLE"
  assert_rc 0 "second"
  assert_eq "daemon-reload
enable --now --no-block cni-bandwidth-guard.path
daemon-reload
enable --now --no-block cni-bandwidth-guard.path" "$(sb_log systemctl)" "same calls each time (systemctl enable is idempotent)"
}

# The whole AL2023 sequence as the rendered user data runs it (files in place, then the scripts,
# output piped like cloud-init), followed by aws-node starting twice and the path unit firing
# (simulated by running the service's ExecStart= after each replacement).
test_boot_sequence_then_aws_node_restarts() {
  sb_install_node_files || fail "install"
  sb_ipvsadm absent
  sb_pm dnf hang 20
  cp tests/node/fixtures/vpc-cni-10-aws.conflist.template "$SB_ROOT/template"
  sbx_sh '
    set -e
    { '"$LIBEXEC"'/ipvs-modules.sh rr
      '"$LIBEXEC"'/ipvsadm-ensure.sh
      '"$LIBEXEC"'/cni-bandwidth-guard-enable.sh; } 2>&1 | cat >"$SB_LOG/console"
    grep -q "^end" "$SB_LOG/dnf.log" 2>/dev/null && exit 80
    exec_start=$(sed -n "s/^ExecStart=//p" /etc/systemd/system/cni-bandwidth-guard.service)
    for start in 1 2; do
      # aws-node: write .tmp, rename over the conflist.
      sed -e "s|__MTU__|9001|g" -e "s|__[A-Z0-9]*__|x|g" "$SB_ROOT/template" >/etc/cni/net.d/10-aws.conflist.tmp
      mv /etc/cni/net.d/10-aws.conflist.tmp /etc/cni/net.d/10-aws.conflist
      $exec_start          # the path unit fires for aws-node rename
      $exec_start          # and once more for ours: must write nothing
    done'
  assert_rc 0 "boot sequence"
  assert_eq "daemon-reload
enable --now --no-block cni-bandwidth-guard.path" "$(sb_log systemctl)" "systemctl calls"
  assert_count 12 "$SB_LOG/modprobe.log" '.' "modprobe calls"
  assert_count 2 "$SB_LOG/logger.log" 'cni-bandwidth-guard: appended the bandwidth plugin' "appends (one per aws-node start)"
  assert_count 2 "$SB_LOG/logger.log" 'cni-bandwidth-guard: bandwidth plugin already in' "no-op reruns"
  assert_eq '["aws-cni","egress-cni","portmap","bandwidth"]' "$(jq -c '[.plugins[].type]' "$(sb_path /etc/cni/net.d/10-aws.conflist)")" "final chain"
  assert_contains "$(cat "$SB_LOG/console")" "eks-ipvs: ipvs-modules: IPVS modules ready for scheduler rr" "console output"
  local unexpected
  unexpected=$(grep -Ei 'kubelet|containerd|nodeadm' "$SB_LOG/systemctl.log" || true)
  assert_eq "" "$unexpected" "systemctl never touches kubelet/containerd"
}
