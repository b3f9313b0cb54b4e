# shellcheck shell=bash
# Static checks on infra/Core/Nodes/NodeScripts and self-checks of the sandbox the other tests rely on.

SCRIPTS_DIR=infra/Core/Nodes/NodeScripts

test_scripts_share_header_strict_mode_and_log_tag() {
  local f
  for f in "$SCRIPTS_DIR"/*.sh; do
    assert_eq '#!/usr/bin/env bash' "$(head -n 1 "$f")" "$f shebang"
    grep -qx 'set -euo pipefail' "$f" || fail "$f: no 'set -euo pipefail' line"
    grep -qx 'readonly TAG=eks-ipvs' "$f" || fail "$f: no eks-ipvs log tag"
    # shellcheck disable=SC2016 # a literal piece of the scripts' source
    grep -q 'logger -t "$TAG" -p user.err' "$f" || fail "$f: errors not logged with -p user.err"
    [[ -x $f ]] || fail "$f is not executable"
  done
}

test_no_file_breaks_the_user_data_heredoc() {
  local f
  for f in "$SCRIPTS_DIR"/*; do
    ! grep -qx 'EKS_IPVS_FILE' "$f" || fail "$f has a line equal to the heredoc delimiter EKS_IPVS_FILE"
    [[ $(tail -c 1 "$f" | od -An -c | tr -d ' ') == '\n' ]] || fail "$f does not end with a newline"
    ! grep -q $'\r' "$f" || fail "$f has CR characters"
  done
}

test_only_node_files_live_in_node_scripts() {
  # Every file there is embedded in the assembly and written onto nodes.
  local f
  for f in "$SCRIPTS_DIR"/*; do
    case ${f##*/} in
      ipvs-modules.sh | ipvsadm-ensure.sh | cni-bandwidth-guard.sh | cni-bandwidth-guard-enable.sh | \
        cni-bandwidth-guard.path | cni-bandwidth-guard.service) ;;
      *) fail "unexpected file $f (it would be shipped to nodes)" ;;
    esac
  done
}

test_sandbox_blocks_real_tools_and_keeps_the_host_read_only() {
  sbx_sh '
    /usr/bin/systemctl daemon-reload; echo "systemctl=$?"
    [ ! -e /usr/sbin/modprobe ] || { /usr/sbin/modprobe ip_vs; echo "modprobe=$?"; }
    touch /usr/eks-ipvs-leak 2>/dev/null && echo usr-writable
    echo x >/etc/eks-ipvs-sandbox-probe && echo etc-overlay-writable
    mkdir -p /etc/cni/net.d && echo cni-ok
    command -v ipvsadm || echo no-ipvsadm
    command -v dnf || echo no-dnf'
  assert_contains "$OUT" "systemctl=97" "real systemctl replaced by the stub"
  assert_not_contains "$OUT" "usr-writable" "/usr read-only"
  assert_contains "$OUT" "etc-overlay-writable" "/etc writable in the overlay"
  assert_contains "$OUT" "no-ipvsadm" "host ipvsadm unreachable"
  assert_contains "$OUT" "no-dnf" "host dnf unreachable"
  [[ ! -e /etc/eks-ipvs-sandbox-probe && ! -e /usr/eks-ipvs-leak ]] || fail "a sandbox write reached the host"
  assert_contains "$(sb_log forbidden)" "/usr/bin/systemctl daemon-reload" "forbidden call recorded"
  : >"$SB_LOG/forbidden.log" # expected here; run.sh fails any test that leaves one
}

test_sandbox_kills_what_a_run_leaves_behind() {
  sbx_sh 'setsid -f sleep 300 </dev/null >/dev/null 2>&1; echo started'
  assert_contains "$OUT" "started" "snippet ran"
  assert_eq "" "$(sb_leftovers)" "processes left after the run"
  # And sb_leftovers does see a process carrying this sandbox's SB_ROOT.
  env SB_ROOT="$SB_ROOT" sleep 300 &
  local pid=$!
  [[ $(sb_leftovers) == "$pid" ]] || { kill "$pid"; fail "sb_leftovers missed pid $pid"; }
  kill "$pid"
  wait "$pid" 2>/dev/null
}

# What nodes receive is the compact form (comment and blank lines dropped). Bash must parse it exactly as it parses
# the repository's file: `declare -f` of each, wrapped in a function, prints the parsed code with comments gone
# and every string kept, so a dropped line inside a multi-line string would show here.
test_compact_forms_parse_exactly_like_the_repository_files() {
  [[ -n ${SB_NODE_SCRIPTS:-} && -d $SB_NODE_SCRIPTS ]] || fail "SB_NODE_SCRIPTS (the rendered node files) is not set; run through tests/node/run.sh"
  local f name parsed_repo parsed_node
  for f in "$SCRIPTS_DIR"/*.sh; do
    name=${f##*/}
    [[ -f $SB_NODE_SCRIPTS/$name ]] || fail "$name is not in the rendered user data"
    cmp -s "$f" "$SB_NODE_SCRIPTS/$name" && fail "$name is not compacted on the node (the render carries the commented copy)"
    parsed_repo=$(bash -c 'eval "__node_file() {
$(cat "$1")
}" && declare -f __node_file' _ "$f") || fail "bash cannot parse $f"
    parsed_node=$(bash -c 'eval "__node_file() {
$(cat "$1")
}" && declare -f __node_file' _ "$SB_NODE_SCRIPTS/$name") || fail "bash cannot parse the rendered $name"
    assert_eq "$parsed_repo" "$parsed_node" "$name as bash parses it"
  done
  for f in "$SCRIPTS_DIR"/*.path "$SCRIPTS_DIR"/*.service; do
    name=${f##*/}
    assert_eq "$(grep -vE '^[[:space:]]*([#;]|$)' "$f")" "$(cat "$SB_NODE_SCRIPTS/$name")" "$name without comments"
  done
}
