# shellcheck shell=bash
# The user data a node really receives: the golden AL2023 render (tests/Core.Tests checks it equals what
# NodeBootstrap renders, byte for byte), split into its MIME parts and run in order as cloud-init does. Its one
# part is the installer: it decodes the gzip+base64 setup script into $LIBEXEC/node-setup.sh and runs it.

GOLDEN=tests/Core.Tests/golden/userdata/al2023-ipvs-rr-bandwidth.userdata
GOLDEN_SETUP=tests/Core.Tests/golden/userdata/al2023-ipvs-rr-bandwidth.node-setup.sh
LIBEXEC=/usr/local/libexec/eks-ipvs
SB_TOOLS+=(base64 gzip) # what the installer needs; AL2023 has both (coreutils, gzip)

# Writes each text/x-shellscript part of a MIME file to DIR/part-N.sh; prints how many.
split_parts() { # MIME_FILE DIR
  awk -v dir="$2" '
    /^--==EKS-IPVS-BOUNDARY==(--)?$/ { if (file) close(file); file = ""; header = 1; next }
    header && /^$/ { header = 0; n++; file = sprintf("%s/part-%d.sh", dir, n); printf "" > file; next }
    header { next }
    file { print > file }
    END { print n }' "$1"
}

# Runs every part like cloud-init's cloud-final: in order, each to completion, stopping at a failure.
run_parts() {
  local part
  for part in "$SB_ROOT"/parts/part-*.sh; do
    sbx bash "$part"
    [[ $RC -eq 0 ]] || return 0
  done
}

# Every file under the given directories: name, mode and content hash (what a second boot must not change).
tree_state() {
  local dir
  for dir in "$@"; do
    (cd "$dir" && find . -type f -print0 | sort -z | xargs -0 -r stat -c '%n %a' && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
  done
}

prepare() {
  mkdir -p "$SB_ROOT/parts"
  assert_eq 1 "$(split_parts "$GOLDEN" "$SB_ROOT/parts")" "shell parts in $GOLDEN"
}

test_rendered_parts_set_up_a_node_end_to_end() {
  prepare
  sb_ipvsadm present
  run_parts
  assert_rc 0 "last part"
  assert_eq 13 "$(wc -l <"$(sb_path /etc/modules-load.d/ipvs.conf)")" "ipvs.conf lines (comment + 12 modules)"
  assert_contains "$(sb_log modprobe)" "ip_vs_rr" "modprobe calls"
  assert_eq "daemon-reload
enable --now --no-block cni-bandwidth-guard.path" "$(sb_log systemctl)" "systemctl calls"
  assert_eq "" "$(sb_log dnf)$(sb_log apt-get)" "package-manager calls with ipvsadm present"
  local f
  for f in ipvs-modules.sh ipvsadm-ensure.sh cni-bandwidth-guard.sh cni-bandwidth-guard-enable.sh; do
    cmp -s "$SB_NODE_SCRIPTS/$f" "$(sb_path "$LIBEXEC/$f")" || fail "$f on the node differs from the rendered one"
    assert_eq 755 "$(stat -c %a "$(sb_path "$LIBEXEC/$f")")" "$f mode"
  done
  for f in cni-bandwidth-guard.path cni-bandwidth-guard.service; do
    cmp -s "$SB_NODE_SCRIPTS/$f" "$(sb_path "/etc/systemd/system/$f")" || fail "$f on the node differs from the rendered one"
  done
  # The installer leaves the decoded setup script beside the scripts, and nothing else.
  cmp -s "$GOLDEN_SETUP" "$(sb_path "$LIBEXEC/node-setup.sh")" || fail "node-setup.sh on the node differs from $GOLDEN_SETUP"
  assert_eq 755 "$(stat -c %a "$(sb_path "$LIBEXEC/node-setup.sh")")" "node-setup.sh mode"
  assert_eq "cni-bandwidth-guard-enable.sh cni-bandwidth-guard.sh ipvs-modules.sh ipvsadm-ensure.sh node-setup.sh" \
    "$(cd "$(sb_path "$LIBEXEC")" && find . -printf '%P\n' | sort | xargs)" "files in $LIBEXEC"
  assert_contains "$ERR" "eks-ipvs: installer: running $LIBEXEC/node-setup.sh" "installer's console line"
  assert_contains "$(sb_log logger)" $'eks-ipvs\tuser.notice\tinstaller: running '"$LIBEXEC/node-setup.sh" "installer's log line"
}

test_rendered_parts_run_twice_leave_the_same_state() {
  prepare
  sb_ipvsadm present
  run_parts
  assert_rc 0 "first boot"
  local before after
  before=$(tree_state "$(sb_path /etc/modules-load.d)" "$(sb_path /etc/systemd/system)" "$(sb_path "$LIBEXEC")")
  [[ $before == *ipvs.conf* && $before == *cni-bandwidth-guard.sh* ]] || fail "expected files missing: $before"
  run_parts
  assert_rc 0 "second run"
  after=$(tree_state "$(sb_path /etc/modules-load.d)" "$(sb_path /etc/systemd/system)" "$(sb_path "$LIBEXEC")")
  assert_eq "$before" "$after" "files after a second run"
}

test_rendered_parts_stop_when_the_scheduler_module_is_missing() {
  prepare
  sb_ipvsadm present
  sb_modprobe_fail ip_vs_rr
  run_parts
  [[ $RC -ne 0 ]] || fail "the IPVS part succeeded without ip_vs_rr"
  assert_contains "$ERR" "required kernel module ip_vs_rr failed to load" "console output"
  assert_eq "" "$(sb_log systemctl)" "later parts not run after the failure"
}
