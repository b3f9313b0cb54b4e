#!/usr/bin/env bash
# tests/node/run.sh: every node test. Prints "ok - NAME" / "not ok - NAME: REASON" per test (and
# "skip - NAME: REASON", counted in neither total, where a test's optional tool is absent), then
# exactly "node: N passed, N failed". Exits non-zero if any test failed.
# Needs root and `unshare` (mount + PID namespaces): without them it says so and FAILS.
#   bash tests/node/run.sh                  everything (shellcheck of every *.sh included)
#   bash tests/node/run.sh --one FILE TEST  one test function, in its own fresh sandbox
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo" || exit 1

# One test in a fresh sandbox; exit 0 = pass, 3 = skip, else fail (the "FAIL:" line is the reason).
if [[ ${1:-} == --one ]]; then
  # shellcheck source=tests/node/sandbox.sh
  source "$here/sandbox.sh"
  # shellcheck source=tests/node/assert.sh
  source "$here/assert.sh"
  # shellcheck disable=SC1090
  source "$2"
  sb_init || fail "sb_init failed"
  trap 'sb_cleanup' EXIT
  "$3"
  # Every test, whatever it checks, also proves no real tool was reached and nothing outlived it.
  [[ -z $(sb_log forbidden) ]] || fail "a real host tool was called: $(sb_log forbidden | tr '\n' '|')"
  [[ -z $(sb_leftovers) ]] || fail "processes outlived the sandbox: $(sb_leftovers | tr '\n' ' ')"
  exit 0
fi

passed=0
failed=0
report() { # STATUS NAME [REASON]
  case $1 in
    ok) passed=$((passed + 1)); printf 'ok - %s\n' "$2" ;;
    skip) printf 'skip - %s: %s\n' "$2" "$3" ;;
    *) failed=$((failed + 1)); printf 'not ok - %s: %s\n' "$2" "$3" ;;
  esac
}
finish() {
  printf 'node: %d passed, %d failed\n' "$passed" "$failed"
  [[ $failed -eq 0 && $passed -gt 0 ]]
  exit
}

# Files the sandbox must never create on this machine; checked before and after.
host_paths=(/etc/cni /etc/modules-load.d/ipvs.conf /usr/local/libexec/eks-ipvs /etc/systemd/system/cni-bandwidth-guard.path
  /etc/systemd/system/cni-bandwidth-guard.service /etc/.eks-ipvs-sandbox-stage)
host_before=()
sandboxes_before=$(compgen -G '/tmp/eks-ipvs-sandbox.*' || true)
for p in "${host_paths[@]}"; do
  [[ ! -e $p ]] || host_before+=("$p")
done

# shellcheck source=tests/node/sandbox.sh
source "$here/sandbox.sh"
if ! why=$(sb_preflight 2>&1); then
  report fail "sandbox preflight" "${why:-unknown} -- the node tests cannot run on this machine; run them as root where unshare works"
  finish
fi
report ok "sandbox preflight (root, unshare -m -p, overlay)"

# The behaviour tests run what a node receives: each file as the golden AL2023 user data carries it (comments
# stripped, gzip+base64 in the installer part; tests/Core.Tests proves the golden file is the render), not the
# commented copy in the repository. Decoded here with the node's own tools (base64, gzip), not the renderer's.
golden_userdata=tests/Core.Tests/golden/userdata/al2023-ipvs-rr-bandwidth.userdata
golden_setup=tests/Core.Tests/golden/userdata/al2023-ipvs-rr-bandwidth.node-setup.sh
rendered=$(mktemp -d /tmp/eks-ipvs-rendered.XXXXXX)
trap 'rm -rf "$rendered"' EXIT
awk '/^EKS_IPVS_PAYLOAD$/ { p = 0 } p { print } /<<.EKS_IPVS_PAYLOAD. / { p = 1 }' "$golden_userdata" |
  base64 -d | gzip -dc >"$rendered/node-setup.sh" || true
if cmp -s "$rendered/node-setup.sh" "$golden_setup"; then
  report ok "payload of $golden_userdata decodes to $golden_setup"
else
  report fail "payload of $golden_userdata" "base64 -d | gzip -dc does not give $golden_setup"
fi
mkdir "$rendered/files"
awk -v dir="$rendered/files" '
  file && $0 == "EKS_IPVS_FILE" { close(file); file = ""; next }
  file { print > file; next }
  match($0, /^cat > [^ ]+ <<.EKS_IPVS_FILE.$/) { split($3, p, "/"); file = dir "/" p[length(p)]; printf "" > file }
' "$rendered/node-setup.sh"
expected=$(find infra/Core/Nodes/NodeScripts -type f -printf '%f\n' | sort)
if [[ $(find "$rendered/files" -type f -printf '%f\n' | sort) == "$expected" ]]; then
  export SB_NODE_SCRIPTS=$rendered/files
  report ok "node files taken from $golden_userdata ($(wc -l <<<"$expected") files)"
else
  report fail "node files taken from $golden_userdata" "found $(find "$rendered/files" -type f -printf '%f ' ), expected $(tr '\n' ' ' <<<"$expected")"
  finish
fi
# The installer part itself, as cloud-init writes it to disk before running it.
awk '/^--==EKS-IPVS-BOUNDARY==/ { n++; h = 1; next } h && /^$/ { h = 0; next } !h && n == 1 { print }' "$golden_userdata" >"$rendered/installer.sh"

# Lint every script we ship and every test script; any finding fails.
if command -v shellcheck >/dev/null; then
  for f in infra/Core/Nodes/NodeScripts/*.sh "$rendered"/files/*.sh "$rendered"/installer.sh "$rendered"/node-setup.sh tests/node/*.sh; do
    if out=$(shellcheck -x -P SCRIPTDIR -P "$repo" "$f" 2>&1); then
      report ok "shellcheck $f"
    else
      report fail "shellcheck $f" "$(grep -E '^In |SC[0-9]+' <<<"$out" | head -n 4 | tr '\n' ' ')"
    fi
  done
else
  report fail "shellcheck" "shellcheck is not installed"
fi

for file in "$here"/test_*.sh; do
  for name in $(bash -c 'source "$1"; declare -F' _ "$file" | awk '$3 ~ /^test_/ {print $3}'); do
    label="${file##*/}: ${name#test_}"
    # A hang guard, not a time limit: waits inside the tests are for events, so a busy machine is only slower.
    out=$(timeout -k 5 700 bash "$here/run.sh" --one "$file" "$name" 2>&1)
    rc=$?
    if [[ $rc -eq 0 ]]; then
      report ok "$label"
    elif [[ $rc -eq 3 ]]; then
      report skip "$label" "$(grep -E '^SKIP: ' <<<"$out" | tail -n 1 | cut -c7-)"
    else
      reason=$(grep -E '^FAIL: ' <<<"$out" | tail -n 1 | cut -c7-)
      [[ $rc -ne 124 ]] || reason="hung: still running after the 700 s hang guard"
      report fail "$label" "${reason:-exit $rc: $(tail -n 3 <<<"$out" | tr '\n' '|')}"
    fi
  done
done

# Nothing may have leaked onto this machine.
leaked=()
for p in "${host_paths[@]}"; do
  if [[ -e $p ]]; then
    was=false
    for b in "${host_before[@]}"; do [[ $b != "$p" ]] || was=true; done
    [[ $was == true ]] || leaked+=("$p")
  fi
done
stray=$(comm -13 <(sort <<<"$sandboxes_before") <(compgen -G '/tmp/eks-ipvs-sandbox.*' | sort) | tr '\n' ' ')
if [[ ${#leaked[@]} -eq 0 && -z $stray ]]; then
  report ok "host filesystem untouched (${host_paths[*]})"
else
  report fail "host filesystem untouched" "created on the host: ${leaked[*]} ${stray}"
fi
finish
