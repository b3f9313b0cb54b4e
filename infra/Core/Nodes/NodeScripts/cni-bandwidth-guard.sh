#!/usr/bin/env bash
# eks-ipvs: make sure the CNI bandwidth plugin is chained in the aws-node conflist.
#
# Usage: cni-bandwidth-guard.sh [CONFLIST]     (default /etc/cni/net.d/10-aws.conflist)
# aws-node rewrites the conflist from its template on every start, so this runs from a systemd path
# unit each time the file is replaced. It parses JSON (never matches text: aws-node's own re-encoding
# changes key order and formatting) and appends {"type":"bandwidth","capabilities":{"bandwidth":true}}
# as the last plugin when no plugin has type "bandwidth". Everything else is kept as it is.
# Exit: 0 plugin present (nothing written), appended, or the file does not exist yet;
#       1 file is not valid JSON / has no "plugins" array / jq missing / write failed (file untouched);
#       2 usage error.
set -euo pipefail

readonly TAG=eks-ipvs
readonly BANDWIDTH='{"type":"bandwidth","capabilities":{"bandwidth":true}}'

log() {
  logger -t "$TAG" -- "cni-bandwidth-guard: $*" 2>/dev/null || true
  printf '%s: cni-bandwidth-guard: %s\n' "$TAG" "$*" >&2
}
err() {
  logger -t "$TAG" -p user.err -- "cni-bandwidth-guard: ERROR: $*" 2>/dev/null || true
  printf '%s: cni-bandwidth-guard: ERROR: %s\n' "$TAG" "$*" >&2
}

if [[ $# -gt 1 ]]; then
  err "expected at most one argument (the conflist), got $#"
  exit 2
fi
conf=${1:-/etc/cni/net.d/10-aws.conflist}

# Before aws-node's first start there is no file; the path unit calls us again when it appears.
if [[ ! -e $conf ]]; then
  log "$conf does not exist yet; nothing to do"
  exit 0
fi
if ! command -v jq >/dev/null; then
  err "jq not found; cannot check $conf for the bandwidth plugin (file left untouched)"
  exit 1
fi

dir=$(dirname -- "$conf")
base=$(basename -- "$conf")
tmp=""
trap '[[ -z $tmp ]] || rm -f -- "$tmp"' EXIT

# Read once, work on that copy, and only rename over the file if nobody replaced it meanwhile
# (aws-node may restart while we run); otherwise start over on the new content.
for attempt in 1 2 3; do
  # The trailing "x" keeps trailing newlines, so the later comparison is byte-exact.
  original=$(cat -- "$conf"; printf x)
  original=${original%x}

  if ! jq -e -s 'length == 1 and (.[0] | type == "object") and (.[0].plugins | type == "array")' \
    >/dev/null 2>&1 <<<"$original"; then
    err "$conf is not a JSON object with a \"plugins\" array; left untouched"
    exit 1
  fi
  if jq -e 'any(.plugins[]; type == "object" and .type == "bandwidth")' >/dev/null <<<"$original"; then
    log "bandwidth plugin already in $conf; nothing to do"
    exit 0
  fi

  # Same directory, so the rename is atomic; a dot name not ending in .conf/.conflist/.json is
  # never loaded by the container runtime as a CNI config, even if left behind.
  tmp=$(mktemp -- "$dir/.$base.eks-ipvs.XXXXXX")
  jq --argjson bw "$BANDWIDTH" '.plugins += [$bw]' <<<"$original" >"$tmp"
  chmod --reference="$conf" -- "$tmp"
  chown --reference="$conf" -- "$tmp" 2>/dev/null || true

  current=$(cat -- "$conf" 2>/dev/null; printf x)
  if [[ ${current%x} != "$original" ]]; then
    log "$conf was replaced while we worked (attempt $attempt); reading it again"
    rm -f -- "$tmp"
    tmp=""
    [[ -e $conf ]] || { log "$conf disappeared; nothing to do"; exit 0; }
    continue
  fi
  mv -f -- "$tmp" "$conf"
  tmp=""
  log "appended the bandwidth plugin to $conf"
  exit 0
done
err "$conf kept changing while we worked; left as it is (the path unit runs us again on the next change)"
exit 1
