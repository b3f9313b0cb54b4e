# shellcheck shell=bash
# Tests for infra/Core/Nodes/NodeScripts/cni-bandwidth-guard.sh against the real aws-node template
# (tests/node/fixtures/vpc-cni-10-aws.conflist.template, a copy of the VPC CNI's
# misc/10-aws.conflist), rendered the way aws-node renders it.

GUARD=/usr/local/libexec/eks-ipvs/cni-bandwidth-guard.sh
BW='{"capabilities":{"bandwidth":true},"type":"bandwidth"}'

# aws-node's plain render (tests/node/fixtures/aws-node-render).
render_fresh() { sh tests/node/fixtures/aws-node-render tests/node/fixtures/vpc-cni-10-aws.conflist.template; }

# aws-node's re-encoded output (as when it adds bandwidth itself or DISABLE_POD_V6 is on): other key
# order, other formatting, and portmap's "snat" gone.
reencode() {
  jq -S 'del(.plugins[] | select(.type == "portmap") | .snat)'
}

conflist() { sb_path /etc/cni/net.d/10-aws.conflist; }

put_conflist() { # CONTENT-ON-STDIN [MODE]
  local f
  f=$(conflist)
  cat >"$f"
  chmod "${1:-0644}" "$f"
}

# The file holds exactly one bandwidth plugin, last, and is otherwise JSON-equal to $1 (a file).
assert_bandwidth_appended_to() {
  local f
  f=$(conflist)
  assert_eq 1 "$(jq '[.plugins[] | select(.type == "bandwidth")] | length' "$f")" "bandwidth plugins"
  assert_eq "$BW" "$(jq -cS '.plugins[-1]' "$f")" "last plugin"
  assert_eq "$(jq -S . "$1")" "$(jq -S 'del(.plugins[-1])' "$f")" "everything but the appended plugin"
}

net_d_listing() { find "$(sb_path /etc/cni/net.d)" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' '; }

test_fresh_render_gets_exactly_one_bandwidth_plugin_last() {
  sb_install_node_files || fail "install"
  render_fresh >"$SB_ROOT/input.json"
  grep -q '__' "$SB_ROOT/input.json" && fail "placeholder left in the rendered fixture"
  jq -e . "$SB_ROOT/input.json" >/dev/null || fail "rendered fixture is not JSON"
  put_conflist 0644 <"$SB_ROOT/input.json"
  sbx "$GUARD"
  assert_rc 0 "guard on a fresh render (default path)"
  assert_bandwidth_appended_to "$SB_ROOT/input.json"
  assert_eq "true" "$(jq '.plugins[2].snat' "$(conflist)")" "portmap snat kept"
  assert_eq "9001" "$(jq -r '.plugins[0].mtu' "$(conflist)")" "mtu kept as the string aws-node wrote"
  assert_eq "10-aws.conflist " "$(net_d_listing)" "net.d holds only the conflist (no temp file left)"
  assert_log_has $'^eks-ipvs\tuser.notice\tcni-bandwidth-guard: appended the bandwidth plugin to /etc/cni/net.d/10-aws.conflist$' "logged"
  assert_contains "$ERR" "eks-ipvs: cni-bandwidth-guard: appended" "stderr copy"
}

test_second_run_changes_nothing() {
  sb_install_node_files || fail "install"
  render_fresh | put_conflist 0644
  sbx "$GUARD"
  assert_rc 0 "first run"
  local before
  before=$(file_state "$(conflist)")
  sbx "$GUARD"
  assert_rc 0 "second run"
  assert_eq "$before" "$(file_state "$(conflist)")" "conflist (inode mtime mode owner sha) after the second run"
  assert_log_has 'bandwidth plugin already in /etc/cni/net.d/10-aws.conflist; nothing to do' "second run logged"
  assert_eq "10-aws.conflist " "$(net_d_listing)" "net.d listing"
}

test_bandwidth_already_present_is_left_byte_identical() {
  sb_install_node_files || fail "install"
  # As aws-node writes it with ENABLE_BANDWIDTH_PLUGIN=true: re-encoded, bandwidth appended.
  render_fresh | reencode | jq --argjson bw "$BW" '.plugins += [$bw]' | put_conflist 0644
  touch -d '2024-01-02 03:04:05.123456789' "$(conflist)"
  local before
  before=$(file_state "$(conflist)")
  sbx "$GUARD" /etc/cni/net.d/10-aws.conflist
  assert_rc 0 "guard"
  assert_eq "$before" "$(file_state "$(conflist)")" "conflist (inode mtime mode owner sha)"
  assert_eq "10-aws.conflist " "$(net_d_listing)" "no temp file written"
}

test_bandwidth_anywhere_in_the_chain_counts() {
  sb_install_node_files || fail "install"
  render_fresh | jq --argjson bw "$BW" '.plugins |= [.[0], $bw] + .[1:]' | put_conflist 0644
  local before
  before=$(file_state "$(conflist)")
  sbx "$GUARD"
  assert_rc 0 "guard"
  assert_eq "$before" "$(file_state "$(conflist)")" "conflist untouched"
}

test_reencoded_input_gets_the_same_result() {
  sb_install_node_files || fail "install"
  render_fresh >"$SB_ROOT/fresh.json"
  # (a) the plain render, for comparison
  put_conflist 0644 <"$SB_ROOT/fresh.json"
  sbx "$GUARD"
  assert_rc 0 "guard on (a)"
  cp "$(conflist)" "$SB_ROOT/result-a.json"
  # (c) re-encoded: sorted keys, compact, no snat
  reencode <"$SB_ROOT/fresh.json" | jq -c . >"$SB_ROOT/reencoded.json"
  assert_eq "null" "$(jq '.plugins[2].snat' "$SB_ROOT/reencoded.json")" "fixture (c) has no snat"
  put_conflist 0644 <"$SB_ROOT/reencoded.json"
  sbx "$GUARD"
  assert_rc 0 "guard on (c)"
  assert_bandwidth_appended_to "$SB_ROOT/reencoded.json"
  assert_eq "$(reencode <"$SB_ROOT/result-a.json")" "$(jq -S . "$(conflist)")" "(c) result equals (a) result minus snat"
}

test_file_mode_and_owner_are_preserved() {
  sb_install_node_files || fail "install"
  render_fresh | put_conflist 0600
  chown 1234:2345 "$(conflist)"
  sbx "$GUARD"
  assert_rc 0 "guard"
  assert_eq "600 1234:2345" "$(stat -c '%a %u:%g' "$(conflist)")" "mode and owner"
  assert_eq 1 "$(jq '[.plugins[] | select(.type == "bandwidth")] | length' "$(conflist)")" "bandwidth added"
  chmod 0640 "$(conflist)"
  render_fresh >"$(conflist)"
  sbx "$GUARD"
  assert_eq "640" "$(stat -c '%a' "$(conflist)")" "mode 0640 kept"
}

test_malformed_file_is_left_untouched_with_exit_1() {
  sb_install_node_files || fail "install"
  render_fresh | head -c 300 | put_conflist 0644
  local before
  before=$(file_state "$(conflist)")
  sbx "$GUARD"
  assert_rc 1 "guard on truncated JSON"
  assert_eq "$before" "$(file_state "$(conflist)")" "conflist untouched"
  assert_log_has $'^eks-ipvs\tuser.err\tcni-bandwidth-guard: ERROR: /etc/cni/net.d/10-aws.conflist is not a JSON object with a "plugins" array; left untouched$' "error logged"
  assert_contains "$ERR" "ERROR:" "error on stderr"
  assert_eq "10-aws.conflist " "$(net_d_listing)" "no temp file"
}

test_json_without_a_plugins_array_is_left_untouched() {
  sb_install_node_files || fail "install"
  local content before
  for content in '{"cniVersion":"0.4.0","name":"aws-cni","type":"aws-cni"}' '{"plugins":{"type":"aws-cni"}}' \
    '[{"plugins":[]}]' '' '{"plugins":[]} {"plugins":[]}' 'null'; do
    printf '%s' "$content" | put_conflist 0644
    before=$(file_state "$(conflist)")
    sbx "$GUARD"
    assert_rc 1 "guard on [$content]"
    assert_eq "$before" "$(file_state "$(conflist)")" "[$content] untouched"
  done
  assert_eq "10-aws.conflist " "$(net_d_listing)" "no temp file"
}

test_missing_file_is_logged_and_exit_0() {
  sb_install_node_files || fail "install"
  sbx "$GUARD"
  assert_rc 0 "guard without a conflist"
  assert_log_has 'cni-bandwidth-guard: /etc/cni/net.d/10-aws.conflist does not exist yet; nothing to do' "logged"
  assert_eq "" "$(net_d_listing)" "net.d still empty"
}

test_missing_jq_is_an_error_and_touches_nothing() {
  sb_install_node_files || fail "install"
  sb_without_tool jq
  render_fresh | put_conflist 0644
  local before
  before=$(file_state "$(conflist)")
  sbx "$GUARD"
  assert_rc 1 "guard without jq"
  assert_eq "$before" "$(file_state "$(conflist)")" "conflist untouched"
  assert_log_has $'\tuser.err\tcni-bandwidth-guard: ERROR: jq not found' "error logged"
}

test_other_path_argument_and_usage() {
  sb_install_node_files || fail "install"
  render_fresh >"$(sb_path /etc/cni/net.d/20-other.conflist)"
  sbx "$GUARD" /etc/cni/net.d/20-other.conflist
  assert_rc 0 "guard on another conflist"
  assert_eq 1 "$(jq '[.plugins[] | select(.type == "bandwidth")] | length' "$(sb_path /etc/cni/net.d/20-other.conflist)")" "bandwidth added there"
  sbx "$GUARD" a b
  assert_rc 2 "two arguments"
}
