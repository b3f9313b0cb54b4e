# shellcheck shell=bash
# shellcheck disable=SC2016 # the single-quoted snippets are expanded inside the sandbox, by design.
# Tests for infra/Core/Nodes/NodeScripts/ipvsadm-ensure.sh (run by run.sh --one, in a fresh sandbox each).
# No wall-clock thresholds: "returns at once" is shown by what the package-manager stand-in had and
# had not recorded when the script returned.

ENSURE=/usr/local/libexec/eks-ipvs/ipvsadm-ensure.sh

# Inside the sandbox: is a detached install worker of ours alive? (/proc shows every process.)
WORKER_ALIVE='worker_alive() {
  local f
  for f in $(grep -lzxF -- --install /proc/[0-9]*/cmdline 2>/dev/null; true); do
    grep -qzF ipvsadm-ensure.sh "$f" 2>/dev/null && return 0
  done
  return 1
}'

test_ipvsadm_present_means_zero_package_manager_calls() {
  sb_install_node_files || fail "install"
  sb_ipvsadm present
  sb_pm dnf succeed
  sb_pm apt-get succeed
  # Give a (wrongly) started worker every chance to call a package manager before the sandbox ends.
  sbx_sh "$WORKER_ALIVE"'
    '"$ENSURE"'; rc=$?
    for _ in 1 2 3 4 5 6 7 8 9 10; do worker_alive && { echo worker-started; break; }; sleep 0.05; done
    exit $rc'
  assert_rc 0 "ensure with ipvsadm present"
  assert_not_contains "$OUT" "worker-started" "no background worker"
  assert_eq "" "$(sb_log dnf)" "dnf stand-in log"
  assert_eq "" "$(sb_log apt-get)" "apt-get stand-in log"
  assert_log_has $'^eks-ipvs\tuser.notice\tipvsadm-ensure: ipvsadm present \\(.*/bin/ipvsadm\\); nothing to install$' "logged"
  assert_contains "$ERR" "ipvsadm present" "stderr copy"
}

# The core property: the script returns while the package manager is still running, however it is
# called. $1 is how the snippet runs the script.
returns_while_pm_hangs() {
  sb_install_node_files || fail "install"
  sb_ipvsadm absent
  sb_pm dnf hang 20
  sbx_sh "$WORKER_ALIVE"'
    '"$1"'
    rc=$?
    # What the stand-in had recorded at the moment the script (and its pipe) returned:
    cat "$SB_LOG/dnf.log" >"$SB_LOG/at-return" 2>/dev/null || : >"$SB_LOG/at-return"
    sb_wait_for "$SB_LOG/dnf.log" "^start install -y ipvsadm$" || exit 90
    worker_alive && echo worker-alive
    cat "$SB_LOG/dnf.log" >"$SB_LOG/after-start"
    exit $rc'
  assert_rc 0 "snippet ($1)"
  assert_count 0 "$SB_LOG/at-return" '^end' "dnf end lines when the script returned"
  assert_count 1 "$SB_LOG/after-start" '^start install -y ipvsadm$' "dnf start lines once it began"
  assert_count 0 "$SB_LOG/after-start" '^end' "dnf end lines after it began (it hangs 20 s)"
  assert_contains "$OUT" "worker-alive" "the detached worker was still running"
  assert_log_has 'ipvsadm-ensure: ipvsadm missing; installing it in the background' "logged"
  # run.sh --one then checks that no process of this sandbox is left (the PID namespace ended it).
  [[ -z $(sb_leftovers) ]] || fail "background install still running after the sandbox ended"
}

test_returns_while_package_manager_hangs() {
  returns_while_pm_hangs "$ENSURE"
}

test_returns_when_stdout_is_piped() {
  returns_while_pm_hangs "$ENSURE | cat >\"\$SB_LOG/piped\""
}

test_returns_when_stdout_and_stderr_are_piped_like_cloud_init() {
  returns_while_pm_hangs "$ENSURE 2>&1 | cat >\"\$SB_LOG/piped\""
  assert_contains "$(cat "$SB_LOG/piped")" "eks-ipvs: ipvsadm-ensure: ipvsadm missing; installing it in the background" "piped output"
}

test_install_attempts_are_bounded() {
  sb_install_node_files || fail "install"
  sb_ipvsadm absent
  sb_pm dnf fail
  sb_env EKS_IPVS_INSTALL_ATTEMPTS=3 EKS_IPVS_INSTALL_BACKOFF=0
  sbx_sh "$ENSURE"'; rc=$?
    sb_wait_for "$SB_LOG/logger.log" "giving up" || exit 90
    exit $rc'
  assert_rc 0 "ensure (never fatal)"
  assert_count 3 "$SB_LOG/dnf.log" '^start install -y ipvsadm$' "dnf calls"
  assert_count 3 "$SB_LOG/dnf.log" '^end rc=1 install -y ipvsadm$' "failed dnf calls"
  assert_log_has $'\tuser.warning\tipvsadm-ensure: WARNING: dnf attempt 3/3 failed \\(exit 1\\)' "attempt failure logged"
  assert_log_has $'\tuser.err\tipvsadm-ensure: ERROR: giving up on installing ipvsadm after 3 attempts with dnf' "final failure logged"
  assert_eq "" "$(sb_log apt-get)" "apt-get untouched"
}

test_default_attempts_and_bad_settings_fall_back() {
  sb_install_node_files || fail "install"
  sb_ipvsadm absent
  sb_pm dnf fail
  sb_env EKS_IPVS_INSTALL_ATTEMPTS=many EKS_IPVS_INSTALL_BACKOFF=0
  sbx_sh "$ENSURE"'; sb_wait_for "$SB_LOG/logger.log" "giving up"'
  assert_rc 0 "ensure"
  assert_count 3 "$SB_LOG/dnf.log" '^start ' "dnf calls with the default of 3 attempts"
  assert_log_has "WARNING: EKS_IPVS_INSTALL_ATTEMPTS='many' is not an integer >= 1; using 3" "bad value reported"
  # The production defaults, as documented in the script's header.
  grep -q 'setting EKS_IPVS_INSTALL_TIMEOUT 120 1' "infra/Core/Nodes/NodeScripts/ipvsadm-ensure.sh" || fail "default timeout is not 120 s"
  grep -q 'setting EKS_IPVS_INSTALL_BACKOFF 10 0' "infra/Core/Nodes/NodeScripts/ipvsadm-ensure.sh" || fail "default backoff is not 10 s"
}

test_each_attempt_is_bounded_by_timeout() {
  sb_install_node_files || fail "install"
  sb_ipvsadm absent
  sb_pm dnf hang 30
  sb_env EKS_IPVS_INSTALL_TIMEOUT=1 EKS_IPVS_INSTALL_ATTEMPTS=2 EKS_IPVS_INSTALL_BACKOFF=0
  sbx_sh "$ENSURE"'; sb_wait_for "$SB_LOG/logger.log" "giving up"'
  assert_rc 0 "ensure"
  assert_count 2 "$SB_LOG/dnf.log" '^start install -y ipvsadm$' "dnf calls"
  assert_count 0 "$SB_LOG/dnf.log" '^end' "dnf calls that ran to the end (timeout must kill them)"
  assert_log_has 'WARNING: dnf attempt 1/2 timed out after 1s' "first timeout logged"
  assert_log_has 'WARNING: dnf attempt 2/2 timed out after 1s' "second timeout logged"
  assert_log_has 'ERROR: giving up on installing ipvsadm after 2 attempts with dnf' "final failure"
}

test_apt_get_is_used_when_there_is_no_dnf() {
  sb_install_node_files || fail "install"
  sb_ipvsadm absent
  sb_pm apt-get succeed
  sbx_sh "$ENSURE"'; sb_wait_for "$SB_LOG/logger.log" "ipvsadm installed with apt-get"'
  assert_rc 0 "ensure"
  assert_eq "start update DEBIAN_FRONTEND=noninteractive
end rc=0 update
start install -y ipvsadm DEBIAN_FRONTEND=noninteractive
end rc=0 install -y ipvsadm" "$(sb_log apt-get)" "apt-get calls"
  # Now installed: a second run (e.g. user data re-run) calls no package manager at all.
  sbx "$ENSURE"
  assert_rc 0 "second ensure"
  assert_count 4 "$SB_LOG/apt-get.log" '.' "apt-get log lines after the second run"
  assert_log_has 'ipvsadm present' "second run sees ipvsadm"
}

test_dnf_is_preferred_and_one_success_is_enough() {
  sb_install_node_files || fail "install"
  sb_ipvsadm absent
  sb_pm dnf succeed
  sb_pm apt-get succeed
  sbx_sh "$ENSURE"'; sb_wait_for "$SB_LOG/logger.log" "ipvsadm installed with dnf"'
  assert_rc 0 "ensure"
  assert_eq "start install -y ipvsadm
end rc=0 install -y ipvsadm" "$(sb_log dnf)" "dnf calls"
  assert_eq "" "$(sb_log apt-get)" "apt-get untouched"
  assert_log_has 'ipvsadm installed with dnf \(attempt 1/3\)' "success logged"
}

test_no_package_manager_is_a_logged_warning() {
  sb_install_node_files || fail "install"
  sb_ipvsadm absent
  sbx_sh "$ENSURE"'; rc=$?; sb_wait_for "$SB_LOG/logger.log" "no package manager" || exit 90; exit $rc'
  assert_rc 0 "ensure"
  assert_log_has $'\tuser.warning\tipvsadm-ensure: WARNING: no package manager \\(dnf or apt-get\\) found' "warning"
}

test_a_second_run_does_not_start_a_second_install() {
  sb_install_node_files || fail "install"
  sb_ipvsadm absent
  sb_pm dnf hang 20
  sbx_sh "$ENSURE"'
    sb_wait_for "$SB_LOG/dnf.log" "^start" || exit 90
    '"$ENSURE"'
    sb_wait_for "$SB_LOG/logger.log" "another ipvsadm install is already running" || exit 91'
  assert_rc 0 "two ensure runs"
  assert_count 1 "$SB_LOG/dnf.log" '^start' "dnf calls"
}

test_unknown_argument_exits_2() {
  sb_install_node_files || fail "install"
  sbx "$ENSURE" --frobnicate
  assert_rc 2 "unknown argument"
  assert_log_has "ERROR: unknown argument '--frobnicate'" "logged"
}
