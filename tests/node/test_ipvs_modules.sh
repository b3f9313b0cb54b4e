# shellcheck shell=bash
# shellcheck disable=SC2016 # the single-quoted snippets are expanded inside the sandbox, by design.
# Tests for infra/Core/Nodes/NodeScripts/ipvs-modules.sh (run by run.sh --one, in a fresh sandbox each).

IPVS_MODULES=(ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_sh ip_vs_dh ip_vs_sed ip_vs_nq nf_conntrack)
IPVS_SCRIPT=/usr/local/libexec/eks-ipvs/ipvs-modules.sh

expected_ipvs_conf() {
  echo "# Written by eks-ipvs (ipvs-modules.sh): IPVS modules for kube-proxy, loaded at every boot."
  printf '%s\n' "${IPVS_MODULES[@]}"
}

test_conf_written_exactly_and_every_module_loaded() {
  sb_install_node_files || fail "install"
  sbx "$IPVS_SCRIPT" rr
  assert_rc 0 "ipvs-modules.sh rr"
  local conf
  conf=$(sb_path /etc/modules-load.d/ipvs.conf)
  cmp -s "$conf" <(expected_ipvs_conf) || fail "ipvs.conf content: $(tr '\n' '|' <"$conf")"
  assert_eq 644 "$(stat -c %a "$conf")" "ipvs.conf mode"
  assert_eq "ipvs.conf" "$(ls -A "${conf%/*}")" "nothing but ipvs.conf in modules-load.d (no temp file left)"
  assert_eq "$(printf '%s\n' "${IPVS_MODULES[@]}")" "$(sb_log modprobe)" "modprobe calls, in order"
  assert_log_has $'^eks-ipvs\tuser.notice\tipvs-modules: wrote /etc/modules-load.d/ipvs.conf' "write logged"
  assert_log_has $'^eks-ipvs\tuser.notice\tipvs-modules: loaded 12/12 modules: ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_sh ip_vs_dh ip_vs_sed ip_vs_nq nf_conntrack$' "loads logged"
  ! sb_log logger | grep -qv $'^eks-ipvs\t' || fail "a log line without the eks-ipvs tag"
  assert_contains "$ERR" "eks-ipvs: ipvs-modules: IPVS modules ready for scheduler rr" "stderr copy of the log"
}

test_second_run_changes_nothing() {
  sb_install_node_files || fail "install"
  sbx "$IPVS_SCRIPT" wlc
  assert_rc 0 "first run"
  local conf before
  conf=$(sb_path /etc/modules-load.d/ipvs.conf)
  before=$(file_state "$conf")
  sbx "$IPVS_SCRIPT" wlc
  assert_rc 0 "second run"
  assert_eq "$before" "$(file_state "$conf")" "ipvs.conf (inode mtime mode owner sha) after the second run"
  assert_eq "ipvs.conf" "$(ls -A "${conf%/*}")" "modules-load.d after the second run"
  assert_log_has 'ipvs-modules: /etc/modules-load.d/ipvs.conf already up to date' "second run says up to date"
  assert_count 24 "$SB_LOG/modprobe.log" '.' "modprobe calls over two runs (modprobe is itself idempotent)"
}

test_stale_conf_is_replaced() {
  sb_install_node_files || fail "install"
  local conf
  conf=$(sb_path /etc/modules-load.d/ipvs.conf)
  printf 'ip_vs\n' >"$conf"
  chmod 0600 "$conf"
  sbx "$IPVS_SCRIPT" sh
  assert_rc 0 "run"
  cmp -s "$conf" <(expected_ipvs_conf) || fail "ipvs.conf not rewritten: $(tr '\n' '|' <"$conf")"
  assert_eq 644 "$(stat -c %a "$conf")" "ipvs.conf mode"
}

test_every_documented_scheduler_is_accepted() {
  sb_install_node_files || fail "install"
  sbx_sh 'for s in rr wrr lc wlc lblc lblcr sh dh sed nq; do "$1" "$s" || echo "rejected $s"; done' "$IPVS_SCRIPT"
  assert_rc 0 "loop"
  assert_not_contains "$OUT" "rejected" "every scheduler accepted"
  assert_count 10 "$SB_LOG/logger.log" 'IPVS modules ready for scheduler' "successful runs"
}

test_failing_selected_scheduler_module_fails_with_clear_message() {
  sb_install_node_files || fail "install"
  sb_modprobe_fail ip_vs_lc
  sbx "$IPVS_SCRIPT" lc
  assert_rc 1 "ipvs-modules.sh lc with ip_vs_lc missing"
  assert_eq "$(printf '%s\n' "${IPVS_MODULES[@]}")" "$(sb_log modprobe)" "all modules still tried after the failure"
  assert_log_has $'^eks-ipvs\tuser.err\tipvs-modules: ERROR: required kernel module ip_vs_lc failed to load .*kube-proxy in IPVS mode \\(scheduler lc\\) would crash-loop on this node$' "error line naming the module"
  assert_contains "$ERR" "ERROR: required kernel module ip_vs_lc failed to load" "error on stderr"
  assert_contains "$ERR" "Module ip_vs_lc not found" "modprobe's own message carried"
  # The boot-time config is still written: the module may appear after a kernel update.
  cmp -s "$(sb_path /etc/modules-load.d/ipvs.conf)" <(expected_ipvs_conf) || fail "ipvs.conf not written"
}

test_failing_core_modules_are_all_listed() {
  sb_install_node_files || fail "install"
  sb_modprobe_fail ip_vs nf_conntrack ip_vs_dh
  sbx "$IPVS_SCRIPT" rr
  assert_rc 1 "run with ip_vs and nf_conntrack missing"
  assert_log_has $'user.err\tipvs-modules: ERROR: required kernel module ip_vs failed' "ip_vs named"
  assert_log_has $'user.err\tipvs-modules: ERROR: required kernel module nf_conntrack failed' "nf_conntrack named"
  assert_log_has $'user.warning\tipvs-modules: WARNING: kernel module ip_vs_dh failed' "ip_vs_dh only warned"
  assert_log_has 'required IPVS modules missing: ip_vs nf_conntrack; kube-proxy in IPVS mode would crash-loop' "summary line"
  assert_log_has 'loaded 9/12 modules: ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_sh ip_vs_sed ip_vs_nq$' "successes listed"
  assert_count 12 "$SB_LOG/modprobe.log" '.' "every module tried"
}

test_failing_other_scheduler_module_only_warns() {
  sb_install_node_files || fail "install"
  sb_modprobe_fail ip_vs_sh
  sbx "$IPVS_SCRIPT" rr
  assert_rc 0 "rr with ip_vs_sh missing"
  assert_log_has $'^eks-ipvs\tuser.warning\tipvs-modules: WARNING: kernel module ip_vs_sh failed to load' "warning"
  assert_log_lacks $'\tuser.err\t' "no error line"
  assert_contains "$ERR" "WARNING: kernel module ip_vs_sh" "warning on stderr"
}

test_invalid_scheduler_exits_2_without_side_effects() {
  sb_install_node_files || fail "install"
  sbx "$IPVS_SCRIPT" roundrobin
  assert_rc 2 "unknown scheduler"
  assert_contains "$ERR" "unknown IPVS scheduler 'roundrobin'" "message names the value"
  assert_contains "$ERR" "rr wrr lc wlc lblc lblcr sh dh sed nq" "message lists the valid ones"
  assert_log_has $'user.err\tipvs-modules: ERROR: unknown IPVS scheduler' "logged as error"
  sbx "$IPVS_SCRIPT"
  assert_rc 2 "no argument"
  sbx "$IPVS_SCRIPT" rr wrr
  assert_rc 2 "two arguments"
  sbx "$IPVS_SCRIPT" ""
  assert_rc 2 "empty argument"
  [[ -z $(sb_log modprobe) ]] || fail "modprobe was called: $(sb_log modprobe | tr '\n' ' ')"
  [[ ! -e $(sb_path /etc/modules-load.d/ipvs.conf) ]] || fail "ipvs.conf written on a usage error"
}
